/**
 * Bundle sizes of minimal browser apps: this library's Promise facade and Effect API, against
 * `@auth0/auth0-auth-js` (the anchor) and the same-shaped Effect app without the library.
 *
 * Each app in `apps/` is bundled by esbuild as a browser ES module (bundle, minify, tree shaking)
 * with code splitting, as an app loads it: what the page loads at start (the entry and the chunks
 * it imports) is measured apart from what it loads with `import()` on first use (the library's
 * signing code: private_key_jwt and DPoP), raw and gzipped (level 9, the files of each part joined,
 * so that the figures compare with one-file bundles). Each app is also bundled into one file without splitting (esbuild's
 * default), where code loaded with `import()` is inside that file. `@effect-auth0/*` resolve to the BUILT packages through
 * their `exports` maps with the `browser` condition, as in an app that installed them (see
 * `scripts/bench/installed.ts`; a missing build is made first, a stale one noted).
 *
 *   pnpm bundle                                    # the table and the targets
 *   pnpm bundle --json                             # the figures as JSON
 *   pnpm bundle --metafile                         # also write esbuild metafiles to .tmp/bundle-size/
 */
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Zlib from "node:zlib"
import { ensureBuilt, prepareInstalled } from "../bench/installed.js"
import { renderTargets, type Target, target } from "../bench/targets.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.resolve(here, "../..")

interface App {
  readonly file: string
  readonly label: string
  /** Bundle the file with its per-module `effect` imports turned into imports from the package roots. */
  readonly rootImports?: true
}

/** The first app is the anchor of the ratios. */
const apps: ReadonlyArray<App> = [
  { file: "auth0-auth-js.ts", label: "@auth0/auth0-auth-js AuthClient.getTokenForConnection (anchor)" },
  { file: "promise-facade.ts", label: "@effect-auth0/token-vault-promise ApiClient" },
  { file: "effect-browser.ts", label: "@effect-auth0/token-vault + BrowserTokenVault.layer" },
  { file: "effect-http.ts", label: "the same app without the library: effect, Schema class, FetchHttpClient" },
  { file: "effect-http.ts", label: "the same, importing from the package roots", rootImports: true }
]

/** The app's name in the figures and its metafile's: its file's, `-root-imports` added for a root-imports build. */
const nameOf = (app: App): string => app.rootImports ? app.file.replace(/\.ts$/, "-root-imports.ts") : app.file

/**
 * The source with each per-module import (`import * as Effect from "effect/Effect"`,
 * `import * as HttpClient from "effect/http/HttpClient"`) turned into an import from the package
 * root (`import { Effect } from "effect"`, `import { HttpClient } from "effect/http"`), and nothing
 * else changed.
 */
const toRootImports = (source: string): string => {
  const roots = new Map<string, Array<string>>()
  const rest = source.replace(
    /^import \* as (\w+) from "(effect(?:\/[a-z]+)*)\/(\w+)"\n/gm,
    (line: string, name: string, packageRoot: string, module: string) => {
      if (name !== module) throw new Error(`not imported under the module's own name: ${line}`)
      roots.set(packageRoot, [...roots.get(packageRoot) ?? [], name])
      return ""
    }
  )
  return [...roots].map(([packageRoot, names]) => `import { ${names.join(", ")} } from "${packageRoot}"\n`).join("") +
    rest
}

export interface Size {
  readonly app: string
  readonly label: string
  /** What the page loads at start (split build): the entry and the chunks it imports. */
  readonly raw: number
  readonly gzip: number
  /** What it loads with `import()` on first use (split build); 0 when nothing. */
  readonly lazyRaw: number
  readonly lazyGzip: number
  /** The whole app in one file (no splitting). */
  readonly singleRaw: number
  readonly singleGzip: number
}

const gzipSize = (bytes: Uint8Array) => Zlib.gzipSync(bytes, { level: 9 }).byteLength

const measure = async (app: App, installed: string, metafileDir: string | undefined): Promise<Size> => {
  const name = nameOf(app)
  const source = Fs.readFileSync(Path.join(here, "apps", app.file), "utf8")
  const outdir = Path.join(root, ".tmp", "bundle-size", "out")
  const build = (splitting: boolean) =>
    esbuild.build({
      stdin: {
        contents: app.rootImports ? toRootImports(source) : source,
        sourcefile: name,
        resolveDir: Path.join(here, "apps"),
        loader: "ts"
      },
      absWorkingDir: root,
      // No tsconfig paths (the workspace's map the packages to their sources): the built packages.
      tsconfigRaw: {},
      nodePaths: [Path.join(installed, "node_modules")],
      bundle: true,
      minify: true,
      treeShaking: true,
      splitting,
      outdir,
      platform: "browser",
      format: "esm",
      target: "es2022",
      legalComments: "none",
      define: { "process.env.NODE_ENV": "\"production\"" },
      write: false,
      metafile: true,
      logLevel: "warning"
    })
  const [split, single] = await Promise.all([build(true), build(false)])
  if (metafileDir !== undefined) {
    Fs.mkdirSync(metafileDir, { recursive: true })
    Fs.writeFileSync(Path.join(metafileDir, name.replace(/\.ts$/, ".meta.json")), JSON.stringify(split.metafile))
  }
  // The outputs by their path as the metafile names them (relative to absWorkingDir).
  const outputs = new Map(split.outputFiles.map((file) => [Path.relative(root, file.path), file.contents]))
  const entry = Object.entries(split.metafile.outputs).find(([, output]) => output.entryPoint !== undefined)
  if (entry === undefined || single.outputFiles[0] === undefined) {
    throw new Error(`esbuild produced no output for ${name}`)
  }
  const atStart = new Set([entry[0]])
  for (const file of atStart) {
    for (const record of split.metafile.outputs[file]!.imports) {
      if (record.kind === "import-statement" && !record.external) atStart.add(record.path)
    }
  }
  /** The files joined: gzip then compares with the one-file figures (per file it is a little more). */
  const joined = (files: ReadonlyArray<string>) => Buffer.concat(files.map((file) => outputs.get(file)!))
  const start = joined([...atStart])
  const lazy = joined([...outputs.keys()].filter((file) => !atStart.has(file)))
  const singleBytes = single.outputFiles[0].contents
  return {
    app: name,
    label: app.label,
    raw: start.byteLength,
    gzip: gzipSize(start),
    lazyRaw: lazy.byteLength,
    lazyGzip: lazy.byteLength === 0 ? 0 : gzipSize(lazy),
    singleRaw: singleBytes.byteLength,
    singleGzip: gzipSize(singleBytes)
  }
}

/** Bundles every app; `metafileDir` also gets esbuild's metafiles. */
export const measureBundles = async (metafileDir?: string): Promise<ReadonlyArray<Size>> => {
  const installed = prepareInstalled()
  const sizes: Array<Size> = []
  for (const app of apps) sizes.push(await measure(app, installed, metafileDir))
  return sizes
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const ratio = (value: number, anchor: number) => `${(value / anchor).toFixed(2)}×`
const sizeOf = (sizes: ReadonlyArray<Size>, file: string) => sizes.find((size) => size.app === file)!

export const renderBundles = (sizes: ReadonlyArray<Size>): string => {
  const anchor = sizes[0]!
  const rows = sizes.map((size) => [
    size.label,
    kib(size.raw),
    kib(size.gzip),
    ratio(size.gzip, anchor.gzip),
    size.lazyRaw === 0 ? "-" : kib(size.lazyRaw),
    size.lazyRaw === 0 ? "-" : kib(size.lazyGzip),
    kib(size.singleRaw),
    kib(size.singleGzip)
  ])
  const header = [
    "app",
    "at start: minified",
    "gzip",
    "gzip / anchor",
    "on first use: minified",
    "gzip",
    "one file: minified",
    "gzip"
  ]
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    `| ${
      cells.map((cell, column) => column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)).join(
        " | "
      )
    } |`
  const rule = `| ${
    widths.map((width, column) => column === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`).join(" | ")
  } |`
  const library = sizeOf(sizes, "effect-browser.ts")
  const reference = sizeOf(sizes, "effect-http.ts")
  const versions = ["esbuild", "effect", "@auth0/auth0-auth-js"].map((name) => {
    const manifest = JSON.parse(Fs.readFileSync(Path.join(root, "node_modules", name, "package.json"), "utf8")) as {
      version: string
    }
    return `${name} ${manifest.version}`
  })
  return [
    line(header),
    rule,
    ...rows.map(line),
    "",
    `The Effect API over the same app without the library, at start: +${kib(library.gzip - reference.gzip)} gzip, ` +
    `+${kib(library.raw - reference.raw)} minified; in one file: +${kib(library.singleGzip - reference.singleGzip)} ` +
    `gzip, +${kib(library.singleRaw - reference.singleRaw)} minified.`,
    "\"At start\": the entry and the chunks it imports; \"on first use\": the chunks loaded with import() " +
    "(the library's signing code, loaded only by a client with private_key_jwt or DPoP); both with esbuild's " +
    "code splitting, gzip of each part's files joined. \"One file\": bundled without splitting (esbuild's default).",
    "esbuild: bundle, minify, tree shaking, platform browser, format esm, target es2022; gzip level 9; " +
    "@effect-auth0/* from their built dist/ through their exports maps (browser condition).",
    `Versions: ${versions.join(", ")}.`
  ].join("\n")
}

export const bundleTargets = (sizes: ReadonlyArray<Size>): ReadonlyArray<Target> => {
  const anchor = sizes[0]!
  const facade = sizeOf(sizes, "promise-facade.ts")
  const over = sizeOf(sizes, "effect-browser.ts").gzip - sizeOf(sizes, "effect-http.ts").gzip
  return [
    target(
      "facade browser bundle (esbuild, minified, gzip -9)",
      "≤ 40 KiB",
      `${kib(facade.gzip)} (${ratio(facade.gzip, anchor.gzip)} Auth0's ${kib(anchor.gzip)})`,
      facade.gzip,
      "<=",
      40 * 1024
    ),
    target(
      "Effect API browser bundle over the same app without the library",
      "≤ 10 KiB gz",
      `+${kib(over)}`,
      over,
      "<=",
      10 * 1024
    )
  ]
}

const main = async () => {
  const args = new Set(process.argv.slice(2))
  const metafileDir = args.has("--metafile") ? Path.join(root, ".tmp", "bundle-size") : undefined
  const notes = await ensureBuilt((line) => console.error(line))
  const sizes = await measureBundles(metafileDir)
  if (args.has("--json")) {
    console.log(JSON.stringify(sizes, null, 2))
    return
  }
  for (const note of notes) console.log(note)
  console.log(renderBundles(sizes))
  console.log(`\n${renderTargets(bundleTargets(sizes))}`)
  if (metafileDir !== undefined) {
    console.log(`\nMetafiles: ${Path.relative(root, metafileDir)}/ (load in https://esbuild.github.io/analyze/)`)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
