/**
 * Bundle sizes of minimal browser apps: this library's Promise facade and Effect API, against
 * `@auth0/auth0-auth-js` (the anchor) and a hand-written `effect` + `@effect/platform` exchange.
 *
 * Each app in `apps/` is bundled by esbuild as a browser ES module (bundle, minify, tree shaking),
 * `@effect-auth0/*` resolved to the workspace sources through the root `tsconfig.json` paths, and
 * measured raw and gzipped (level 9).
 *
 *   npx tsx scripts/bundle-size/run.ts            # the table
 *   npx tsx scripts/bundle-size/run.ts --json     # the figures as JSON
 *   npx tsx scripts/bundle-size/run.ts --metafile # also write apps' esbuild metafiles to .tmp/
 */
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Zlib from "node:zlib"

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.resolve(here, "../..")

interface App {
  readonly file: string
  readonly label: string
}

/** The first app is the anchor every ratio is relative to. */
const apps: ReadonlyArray<App> = [
  { file: "auth0-auth-js.ts", label: "@auth0/auth0-auth-js AuthClient.getTokenForConnection (anchor)" },
  { file: "promise-facade.ts", label: "@effect-auth0/token-vault/promise ApiClient" },
  { file: "effect-browser.ts", label: "@effect-auth0/token-vault + BrowserTokenVault.layer" },
  { file: "effect-platform.ts", label: "effect + @effect/platform FetchHttpClient + Schema, by hand" },
  { file: "effect-platform-root-imports.ts", label: "the same, importing from the package roots" }
]

interface Size {
  readonly app: string
  readonly label: string
  readonly raw: number
  readonly gzip: number
}

const measure = async (app: App, metafileDir: string | undefined): Promise<Size> => {
  const result = await esbuild.build({
    entryPoints: [Path.join(here, "apps", app.file)],
    absWorkingDir: root,
    tsconfig: Path.join(root, "tsconfig.json"),
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    legalComments: "none",
    define: { "process.env.NODE_ENV": "\"production\"" },
    write: false,
    metafile: metafileDir !== undefined,
    logLevel: "warning"
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error(`esbuild produced no output for ${app.file}`)
  if (metafileDir !== undefined) {
    Fs.mkdirSync(metafileDir, { recursive: true })
    Fs.writeFileSync(Path.join(metafileDir, app.file.replace(/\.ts$/, ".meta.json")), JSON.stringify(result.metafile))
  }
  const bytes = output.contents
  return { app: app.file, label: app.label, raw: bytes.byteLength, gzip: Zlib.gzipSync(bytes, { level: 9 }).byteLength }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const ratio = (value: number, anchor: number) => `${(value / anchor).toFixed(2)}×`

const table = (sizes: ReadonlyArray<Size>): string => {
  const anchor = sizes[0]!
  const rows = sizes.map((size) => [
    size.label,
    kb(size.raw),
    kb(size.gzip),
    ratio(size.raw, anchor.raw),
    ratio(size.gzip, anchor.gzip)
  ])
  const header = ["app", "minified", "gzip", "minified / anchor", "gzip / anchor"]
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((cell, column) => column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)).join(" | ")} |`
  const rule = `| ${widths.map((width, column) => column === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`).join(" | ")} |`
  return [line(header), rule, ...rows.map(line)].join("\n")
}

const main = async () => {
  const args = new Set(process.argv.slice(2))
  const metafileDir = args.has("--metafile") ? Path.join(root, ".tmp", "bundle-size") : undefined
  const sizes: Array<Size> = []
  for (const app of apps) sizes.push(await measure(app, metafileDir))
  if (args.has("--json")) {
    console.log(JSON.stringify(sizes, null, 2))
    return
  }
  console.log(table(sizes))
  const versions = ["esbuild", "effect", "@effect/platform", "@auth0/auth0-auth-js"].map((name) => {
    const manifest = JSON.parse(Fs.readFileSync(Path.join(root, "node_modules", name, "package.json"), "utf8")) as {
      version: string
    }
    return `${name} ${manifest.version}`
  })
  console.log(`\nesbuild: bundle, minify, tree shaking, platform browser, format esm, target es2022; gzip level 9.`)
  console.log(`Versions: ${versions.join(", ")}.`)
  if (metafileDir !== undefined) console.log(`Metafiles: ${Path.relative(root, metafileDir)}/ (load in https://esbuild.github.io/analyze/)`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
