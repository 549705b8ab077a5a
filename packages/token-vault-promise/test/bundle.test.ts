/**
 * What the built files (dist/, from `pnpm build`) import: Effect and our packages are inside, so
 * the installer's tree needs no `effect`. The Node build imports only Node built-ins and undici;
 * the default build imports nothing. The declarations import nothing.
 */
import * as esbuild from "esbuild"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"
import { consumerCompilerOptions } from "../consumerProject.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const path = (file: string) => join(packageDir, "dist", file)
const read = (file: string) => readFileSync(path(file), "utf8")

/**
 * The modules a built file imports (`import`, `export … from`, `import()`, `require()`), as
 * esbuild's parser finds them: text that merely looks like an import (Schema's code-generation
 * annotations hold `import * as Redacted from "effect/Redacted"` as a string) does not count.
 */
const imports = async (file: string): Promise<ReadonlyArray<string>> => {
  const result = await esbuild.build({
    entryPoints: [path(file)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent"
  })
  const input = Object.entries(result.metafile.inputs).find(([name]) => name.endsWith(`dist/${file}`))
  return [...new Set(input![1].imports.map((record) => record.path))].sort()
}

describe("the bundles", () => {
  it.each(["node.js", "node.cjs", "index.js", "index.cjs"])(
    "%s has no import or require of effect or of our packages",
    async (file) => {
      expect(read(file).length).toBeGreaterThan(10_000)
      expect((await imports(file)).filter((specifier) => /^(effect|@effect\/|@effect-auth0\/)/.test(specifier)))
        .toEqual([])
    }
  )

  it.each(["node.js", "node.cjs"])("%s imports only Node built-ins, and requires undici", async (file) => {
    // undici is required on first use (by `require` from `createRequire` in the ESM build).
    expect((await imports(file)).filter((specifier) => specifier !== "undici" && !specifier.startsWith("node:")))
      .toEqual([])
    // (in the minified ESM build through esbuild's `__require` shim, which calls that `require`)
    expect(read(file).match(/\b\w+\("undici"\)/g)).toHaveLength(1)
  })

  it.each(["node.js", "node.cjs", "index.js", "index.cjs"])(
    "%s holds one escape of control characters: the facade's messages use the core's, not a copy",
    (file) => {
      // The character class of the core's internal/escape.ts, as the bundler writes it.
      expect(read(file).split("\\u202a-\\u202e\\u2066-\\u2069]").length - 1).toBe(1)
    }
  )

  it.each(["index.js", "index.cjs"])(
    "%s (the default build) imports nothing, Node built-ins and undici included",
    async (file) => {
      expect(await imports(file)).toEqual([])
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

  it.each(["node.js", "node.cjs", "index.js", "index.cjs"])("%s carries the core inside (its grant type)", (file) => {
    expect(read(file)).toContain("urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token")
  })
})
