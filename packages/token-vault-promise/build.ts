/**
 * Builds the package: `src/index.ts` bundled with Effect, the core and (on Node) the Node adapter
 * inside, four times, one entry file each:
 *
 *   dist/node.js, dist/node.cjs     the `node` export condition: undici (kept external)
 *   dist/index.js, dist/index.cjs   everywhere else: fetch; no Node built-in
 *
 * The ESM builds are split (esbuild's `splitting`): what the code loads with `import()` (the
 * signing code of private_key_jwt and DPoP with Effect's JOSE and crypto modules, the Node
 * adapter) is a chunk of its own in `dist/chunks/`, loaded on first use; the entry file and a
 * chunk it imports hold the rest. esbuild splits ESM only: in the CommonJS builds that code is
 * inside the one file, and runs only when first used.
 *
 * then one self-contained declaration file, `dist/index.d.ts` (and its CommonJS twin
 * `dist/index.d.cts`), with no import at all, and `dist/THIRD_PARTY_LICENSES.md` with the
 * licenses of what was bundled.
 *
 *   pnpm --filter @effect-auth0/token-vault-promise run build
 */
import * as esbuild from "esbuild"
import { existsSync, readFileSync } from "node:fs"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import ts from "typescript"
import { consumerCompilerOptions } from "./consumerProject.js"

const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, "dist")
const packages = resolve(here, "..")

/** The workspace packages are bundled from their sources, so no prior build of them is needed. */
const alias = {
  "@effect-auth0/token-vault": join(packages, "token-vault/src/index.ts"),
  "@effect-auth0/token-vault-node": join(packages, "token-vault-node/src/index.ts")
}

interface Entry {
  readonly file: string
  readonly format: "esm" | "cjs"
  /** `node` resolves the `#http` import to undici, `neutral` to fetch. */
  readonly platform: "node" | "neutral"
}

const entries: ReadonlyArray<Entry> = [
  { file: "node.js", format: "esm", platform: "node" },
  { file: "node.cjs", format: "cjs", platform: "node" },
  { file: "index.js", format: "esm", platform: "neutral" },
  { file: "index.cjs", format: "cjs", platform: "neutral" }
]

/** Where the chunks of an ESM build go: `dist/chunks/`, the Node build's names prefixed `node-`. */
const chunkNames = (entry: Entry) => `chunks/${entry.platform === "node" ? "node-" : ""}[name]-[hash]`

/**
 * undici loads on first use, not with the package: it costs several times the rest of the import.
 * The facade imports the Node adapter with `import()`, so the bundler initialises the adapter's
 * modules lazily; this plugin turns their `import … from "undici"` into a `require("undici")`
 * inside that lazy code (an ESM import would be hoisted to the top of the file). The ESM build
 * gets its `require` from `createRequire`.
 */
const lazyUndici: esbuild.Plugin = {
  name: "lazy-undici",
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) =>
      args.namespace === "lazy-undici"
        ? { path: "undici", external: true }
        : { path: "undici", namespace: "lazy-undici" })
    build.onLoad({ filter: /.*/, namespace: "lazy-undici" }, () => ({
      contents: "module.exports = require(\"undici\")",
      loader: "js"
    }))
  }
}

const schemaCrypto = "schema-crypto"

/**
 * esbuild splits by file: a file that the entry's static imports reach goes into a chunk the entry
 * loads, even when only lazily loaded code uses it. Effect's `Schema.js` imports the crypto modules
 * (for its key schemas, which nothing here uses), so the crypto code that the signing module needs
 * (`KeyFormat`, `Signature`, `SecureRandom`, ...) would land in the chunk every user loads. This
 * plugin gives `Schema.js` copies of its own of `effect/dist/crypto/**` and `effect/dist/jose/**`,
 * marked free of side effects: nothing uses them, so they add no byte (the build checks it), and
 * the real modules are reached from the signing chunk only.
 */
const lazyCrypto: esbuild.Plugin = {
  name: "lazy-crypto",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const fromCopy = args.namespace === schemaCrypto
      if (!fromCopy && !(args.namespace === "file" && /[\\/]effect[\\/]dist[\\/]Schema\.js$/.test(args.importer))) {
        return undefined
      }
      const path = resolve(args.resolveDir, args.path)
      if (/[\\/]effect[\\/]dist[\\/](crypto|jose)[\\/]/.test(path)) {
        return { path, namespace: schemaCrypto, sideEffects: false }
      }
      return fromCopy ? { path } : undefined
    })
    build.onLoad({ filter: /.*/, namespace: schemaCrypto }, async (args) => ({
      contents: await readFile(args.path, "utf8"),
      loader: "js",
      resolveDir: dirname(args.path)
    }))
  }
}

/** Fails the build when a copy of {@link lazyCrypto} is used after all: two instances of a module. */
const checkCryptoCopiesUnused = (result: esbuild.BuildResult<{ metafile: true }>) => {
  const used = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs).filter(([input, { bytesInOutput }]) =>
      input.startsWith(`${schemaCrypto}:`) && bytesInOutput > 0
    ).map(([input]) => input)
  )
  if (used.length > 0) throw new Error(`the copies of Schema's crypto modules are used: ${used.join(", ")}`)
}

/** `import.meta.url` is empty when an application bundles this file into CommonJS: then `__filename`. */
const requireInEsm = "import { createRequire as __createRequire } from \"node:module\";\n" +
  "const require = __createRequire(import.meta.url || __filename);"

const bundle = (entry: Entry) =>
  esbuild.build({
    ...(entry.format === "esm"
      ? {
        entryPoints: [{ in: join(here, "src/index.ts"), out: entry.file.replace(/\.js$/, "") }],
        outdir: dist,
        splitting: true,
        chunkNames: chunkNames(entry)
      }
      : { entryPoints: [join(here, "src/index.ts")], outfile: join(dist, entry.file) }),
    bundle: true,
    format: entry.format,
    platform: entry.platform,
    // `neutral` sets no main fields: the usual ones, for a package without an `exports` map.
    ...(entry.platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
    target: "es2022",
    alias,
    tsconfig: join(here, "tsconfig.build.json"),
    // undici is the package's one dependency (Node only), required on first use; everything
    // else is inside.
    plugins: [...(entry.platform === "node" ? [lazyUndici] : []), ...(entry.format === "esm" ? [lazyCrypto] : [])],
    ...(entry.platform === "node" && entry.format === "esm" ? { banner: { js: requireInEsm } } : {}),
    treeShaking: true,
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning"
  })

/** Where a bundled file's package lives (its folder with a package.json), or undefined for ours. */
const packageRoot = (file: string): string | undefined => {
  if (!file.includes("node_modules")) return undefined
  let directory = dirname(resolve(file))
  while (!existsSync(join(directory, "package.json"))) directory = dirname(directory)
  return directory
}

const thirdPartyLicenses = (inputs: ReadonlyArray<string>): string => {
  const roots = new Set(inputs.flatMap((input) => packageRoot(input) ?? []))
  const sections = [...roots].sort().map((root) => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string }
    const license = ["LICENSE", "LICENSE.md", "license"].map((name) => join(root, name)).find(existsSync)
    if (license === undefined) throw new Error(`no license file in ${root}`)
    return `## ${manifest.name} ${manifest.version}\n\n${readFileSync(license, "utf8").trim()}\n`
  })
  return `# Third-party licenses\n\nThe files in this folder bundle the following packages.\n\n${sections.join("\n")}`
}

/**
 * The declarations: emitted by TypeScript for `src/index.ts` and the modules it re-exports, then
 * joined into one file. Only relative imports may be dropped; anything else (effect, our other
 * packages, a DOM or Node name) fails the build, and the joined file must export exactly what
 * `src/index.ts` exports.
 */
const declarations = (): string => {
  const options: ts.CompilerOptions = {
    ...consumerCompilerOptions,
    declaration: true,
    emitDeclarationOnly: true,
    skipLibCheck: true,
    noEmitOnError: false
  }
  const index = join(here, "src/index.ts")
  const program = ts.createProgram([index], options)
  const emitted = new Map<string, string>()
  program.emit(undefined, (fileName, text) => emitted.set(resolve(fileName), text), undefined, true)
  const indexSource = program.getSourceFile(index)!
  const modules = indexSource.statements.flatMap((statement) =>
    ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined
      ? [(statement.moduleSpecifier as ts.StringLiteral).text]
      : []
  )
  const parts = [...new Set(modules)].map((specifier) => {
    const file = resolve(join(here, "src"), specifier.replace(/\.js$/, ".d.ts"))
    const text = emitted.get(file)
    if (text === undefined) throw new Error(`no declarations emitted for ${specifier}`)
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true)
    const kept = source.statements.filter((statement) => {
      if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
        const target = (statement.moduleSpecifier as ts.StringLiteral | undefined)?.text
        if (
          target === undefined && ts.isExportDeclaration(statement) && statement.exportClause !== undefined &&
          ts.isNamedExports(statement.exportClause) && statement.exportClause.elements.length === 0
        ) return false
        if (target === undefined || !target.startsWith("./")) {
          throw new Error(
            `${relative(here, file)}: the declarations may only import sibling modules: ${statement.getText()}`
          )
        }
        return false
      }
      return true
    })
    return kept.map((statement) => statement.getFullText(source).replace(/^\n+/, "")).join("\n")
  })
  const header = "/**\n * @effect-auth0/token-vault-promise: self-contained declarations (no import).\n */\n"
  const joined = `${header}${parts.join("\n\n")}\n`

  // The joined file compiles alone, without DOM or Node types, and exports what the index does.
  const check = join(dist, "index.d.ts")
  const host = ts.createCompilerHost({ ...options, skipLibCheck: false, noEmit: true })
  const readFile = host.readFile
  host.readFile = (fileName) => resolve(fileName) === check ? joined : readFile(fileName)
  host.fileExists = ((fileExists) => (fileName: string) => resolve(fileName) === check || fileExists(fileName))(
    host.fileExists
  )
  const verify = ts.createProgram([check], { ...options, skipLibCheck: false, noEmit: true }, host)
  const diagnostics = ts.getPreEmitDiagnostics(verify)
  if (diagnostics.length > 0) {
    throw new Error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host))
  }
  const exportsOf = (checkerProgram: ts.Program, fileName: string) =>
    checkerProgram.getTypeChecker()
      .getExportsOfModule(checkerProgram.getTypeChecker().getSymbolAtLocation(checkerProgram.getSourceFile(fileName)!)!)
      .map((symbol) => symbol.name)
      .sort()
  const expected = exportsOf(program, index)
  const actual = exportsOf(verify, check)
  if (expected.join() !== actual.join()) {
    throw new Error(`the declarations export ${actual.join(", ")}; src/index.ts exports ${expected.join(", ")}`)
  }
  return joined
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

await rm(dist, { recursive: true, force: true })
await mkdir(dist, { recursive: true })
const results = await Promise.all(entries.map(bundle))
results.forEach(checkCryptoCopiesUnused)
const dts = declarations()
await writeFile(join(dist, "index.d.ts"), dts)
await writeFile(join(dist, "index.d.cts"), dts)
// (The unused copies of Schema's crypto modules are not counted: they are not in the files.)
const inputs = [...new Set(results.flatMap((result) => Object.keys(result.metafile.inputs)))]
  .filter((input) => !input.startsWith(`${schemaCrypto}:`))
await writeFile(join(dist, "THIRD_PARTY_LICENSES.md"), thirdPartyLicenses(inputs))
for (const result of results) {
  for (const output of Object.keys(result.metafile.outputs).sort()) {
    const code = readFileSync(output)
    console.log(
      `${relative(here, output).padEnd(36)} ${kib(code.length).padStart(10)}  ${
        kib(gzipSync(code, { level: 9 }).length).padStart(9)
      } gzip`
    )
  }
}
