/**
 * What the built files (dist/, from `pnpm build`) import: Effect and our packages are inside, so
 * the installer's tree needs no `effect`. The Node build imports only Node built-ins and undici;
 * the default build imports nothing. The declarations import nothing. The ESM builds are split:
 * an entry file loads chunks of `dist/chunks/`, some at import (its static imports), the others
 * with `import()` when first needed (the signing code of private_key_jwt and DPoP, the Node
 * adapter); the CommonJS builds are one file each.
 */
import * as esbuild from "esbuild"
import { execFile } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { consumerCompilerOptions } from "../consumerProject.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const path = (file: string) => join(packageDir, "dist", file)
const read = (file: string) => readFileSync(path(file), "utf8")

/** The files an entry loads (paths under dist/), and what they import from outside the package. */
interface Graph {
  /** The entry and the chunks loaded with it: its static imports, transitively. */
  readonly atImport: ReadonlyArray<string>
  /** The chunks loaded with `import()` on first use, and theirs. */
  readonly lazy: ReadonlyArray<string>
  /** The modules imported from outside dist/ (`import`, `export … from`, `import()`, `require()`). */
  readonly external: ReadonlyArray<string>
}

/**
 * The graph of a built entry, as esbuild's parser finds it: text that merely looks like an import
 * (Schema's code-generation annotations hold `import * as Redacted from "effect/Redacted"` as a
 * string) does not count.
 */
const graphOf = async (file: string): Promise<Graph> => {
  const result = await esbuild.build({
    entryPoints: [path(file)],
    absWorkingDir: join(packageDir, "dist"),
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent"
  })
  const inputs = result.metafile.inputs
  const atImport = new Set([file])
  for (const input of atImport) {
    for (const record of inputs[input]!.imports) {
      if (!record.external && record.kind !== "dynamic-import") atImport.add(record.path)
    }
  }
  const files = Object.keys(inputs)
  return {
    atImport: [...atImport].sort(),
    lazy: files.filter((input) => !atImport.has(input)).sort(),
    external: [
      ...new Set(
        files.flatMap((input) => inputs[input]!.imports.filter((record) => record.external).map((r) => r.path))
      )
    ].sort()
  }
}

/** The text of the files. */
const code = (files: ReadonlyArray<string>) => files.map(read).join("\n")

const builds = ["node.js", "node.cjs", "index.js", "index.cjs"]

/** Text only the signing code holds: the core's client assertions and DPoP proofs, Effect's PEM reader. */
const signingMarkers = [
  "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
  "dpop+jwt",
  "PEM block labelled"
]

describe("the bundles", () => {
  it.each(builds)("%s has no import or require of effect or of our packages", async (file) => {
    const graph = await graphOf(file)
    expect(code(graph.atImport).length).toBeGreaterThan(10_000)
    expect(graph.external.filter((specifier) => /^(effect|@effect\/|@effect-auth0\/)/.test(specifier))).toEqual([])
  })

  it.each(["node.js", "node.cjs"])("%s imports only Node built-ins, and requires undici", async (file) => {
    // undici is required on first use (by `require` from `createRequire` in the ESM build).
    const graph = await graphOf(file)
    expect(graph.external.filter((specifier) => specifier !== "undici" && !specifier.startsWith("node:"))).toEqual([])
    // (in the minified ESM build through esbuild's `__require` shim, which calls that `require`)
    expect(code([...graph.atImport, ...graph.lazy]).match(/\b\w+\("undici"\)/g)).toHaveLength(1)
  })

  it.each(builds)(
    "%s holds one escape of control characters: the facade's messages use the core's, not a copy",
    async (file) => {
      const graph = await graphOf(file)
      // The character class of the core's internal/escape.ts, as the bundler writes it.
      expect(code([...graph.atImport, ...graph.lazy]).split("\\u202a-\\u202e\\u2066-\\u2069]").length - 1).toBe(1)
    }
  )

  it.each(["index.js", "index.cjs"])(
    "%s (the default build) imports nothing, Node built-ins and undici included",
    async (file) => {
      expect((await graphOf(file)).external).toEqual([])
    }
  )

  it.each(["index.d.ts", "index.d.cts"])("%s is self-contained: no import, no reference directive", (file) => {
    const declarations = read(file)
    expect(declarations).not.toMatch(/^\s*(import\b|export\s*(\*|\{[^}]*\})\s*from\b)/m)
    expect(declarations).not.toMatch(/\bimport\s*\(/)
    expect(declarations).not.toMatch(/\/\/\/\s*<reference/)
    expect(declarations).toContain("export declare class ApiClient")
  })

  it.each(["index.d.ts", "index.d.cts"])(
    "%s compiles in a Node project without the DOM lib (lib es2022, no @types, skipLibCheck false)",
    (file) => {
      const options: ts.CompilerOptions = {
        ...consumerCompilerOptions,
        skipLibCheck: false,
        noEmit: true
      }
      const program = ts.createProgram([path(file)], options)
      const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) =>
        ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")
      )
      // e.g. "Cannot find name 'CryptoKey'" when a DOM type slips into the declarations.
      expect(diagnostics).toEqual([])
    }
  )

  it("the package has undici as its one dependency and no peer dependency", () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"))
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["undici"])
    expect(manifest.peerDependencies).toBeUndefined()
    expect(manifest.optionalDependencies).toBeUndefined()
  })

  it.each(builds)("%s carries the core inside (its grant type), loaded at import", async (file) => {
    expect(code((await graphOf(file)).atImport)).toContain(
      "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"
    )
  })

  it.each(["node.js", "index.js"])(
    "%s loads the signing code (private_key_jwt, DPoP, Effect's JOSE) in a chunk of its own, on first use",
    async (file) => {
      const graph = await graphOf(file)
      const atImport = code(graph.atImport)
      const lazy = code(graph.lazy)
      for (const marker of signingMarkers) {
        expect(atImport, marker).not.toContain(marker)
        expect(lazy, marker).toContain(marker)
      }
      expect(graph.lazy.every((chunk) => chunk.startsWith("chunks/"))).toBe(true)
    }
  )

  it.each(["node.cjs", "index.cjs"])("%s (CommonJS: esbuild splits ESM only) holds the signing code", async (file) => {
    const graph = await graphOf(file)
    expect(graph.atImport).toEqual([file])
    expect(graph.lazy).toEqual([])
    for (const marker of signingMarkers) expect(read(file), marker).toContain(marker)
  })

  it("the packed package holds every built file, the chunks included", async () => {
    const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: packageDir,
      timeout: 60_000
    })
    const packed = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path)
    const built = readdirSync(join(packageDir, "dist"), { recursive: true, encoding: "utf8" })
      .filter((name) => name.includes("."))
      .map((name) => `dist/${name}`)
    expect(built.some((name) => name.startsWith("dist/chunks/"))).toBe(true)
    expect(packed).toEqual(expect.arrayContaining(built))
  })
})
