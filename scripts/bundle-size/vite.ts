/**
 * The browser apps of `apps/` built with Vite (Rollup) instead of esbuild: what an application on
 * Vite loads at start and on first use. Rollup chunks lazily loaded code apart even where esbuild,
 * which splits by file, puts it in the first load (see docs/performance.md, "private_key_jwt and
 * DPoP"). Vite is the one vitest brings (resolved from vitest's own dependencies), run with its
 * defaults for a production build (Rollup, `minify: "esbuild"`), target es2022, the built packages
 * resolved from `.tmp/installed` with the `browser` condition, gzip level 9 of each part's chunks
 * joined, as `run.ts` measures.
 *
 *   pnpm build && pnpm exec tsx scripts/bundle-size/vite.ts
 */
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Zlib from "node:zlib"
import { prepareInstalled } from "../bench/installed.js"
import { renderTable } from "../bench/table.js"

const here = Path.dirname(fileURLToPath(import.meta.url))

const apps = ["auth0-auth-js.ts", "promise-facade.ts", "effect-browser.ts", "effect-http.ts"]

interface Chunk {
  readonly type: "chunk" | "asset"
  readonly fileName: string
  readonly isEntry?: boolean
  readonly imports?: ReadonlyArray<string>
  readonly code?: string
}

interface RollupOutput {
  readonly output: ReadonlyArray<Chunk>
}

const vite = (): Promise<{ build: (config: object) => Promise<unknown> }> => {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve("vitest/package.json"))
  return import(pathToFileURL(fromVitest.resolve("vite")).href)
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const gzip = (bytes: Buffer) => Zlib.gzipSync(bytes, { level: 9 }).byteLength

const main = async () => {
  const installed = prepareInstalled()
  const { build } = await vite()
  const rows: Array<Array<string>> = []
  for (const app of apps) {
    // The app is built from inside `.tmp/installed`, so that the packages resolve as installed.
    const input = Path.join(installed, `vite-${app}`)
    Fs.copyFileSync(Path.join(here, "apps", app), input)
    const result = await build({
      root: installed,
      configFile: false,
      logLevel: "silent",
      resolve: { conditions: ["browser", "import", "module", "default"] },
      define: { "process.env.NODE_ENV": "\"production\"" },
      build: {
        write: false,
        target: "es2022",
        minify: "esbuild",
        rollupOptions: { input, preserveEntrySignatures: "strict", output: { format: "es" } }
      }
    })
    const outputs: ReadonlyArray<Chunk> = Array.isArray(result)
      ? (result as ReadonlyArray<RollupOutput>)[0]!.output
      : (result as RollupOutput).output
    const chunks = outputs.filter((output) => output.type === "chunk")
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]))
    const atStart = new Set(chunks.filter((chunk) => chunk.isEntry).map((chunk) => chunk.fileName))
    for (const name of atStart) for (const imported of byName.get(name)!.imports ?? []) atStart.add(imported)
    const joined = (names: ReadonlyArray<string>) =>
      Buffer.concat(names.map((name) => Buffer.from(byName.get(name)!.code!)))
    const start = joined([...atStart])
    const lazy = joined(chunks.map((chunk) => chunk.fileName).filter((name) => !atStart.has(name)))
    rows.push([
      app,
      kib(start.byteLength),
      kib(gzip(start)),
      lazy.byteLength === 0 ? "-" : kib(lazy.byteLength),
      lazy.byteLength === 0 ? "-" : kib(gzip(lazy))
    ])
  }
  console.log(renderTable(["app (Vite)", "at start: minified", "gzip", "on first use: minified", "gzip"], rows))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
