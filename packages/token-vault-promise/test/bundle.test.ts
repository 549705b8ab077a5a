/**
 * What the built files (dist/, from `pnpm build`) import: Effect and our packages are inside, so
 * the installer's tree needs no `effect`. The Node build imports only undici and Node built-ins;
 * the default build imports nothing. The declarations import nothing.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const read = (file: string) => readFileSync(join(packageDir, "dist", file), "utf8")

/** Every module specifier of `import … from`, `export … from`, `import(…)`, `require(…)` and bare `import "…"`. */
const specifiers = (code: string): ReadonlyArray<string> =>
  [
    ...code.matchAll(/\bfrom\s*["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
    ...code.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g),
    ...code.matchAll(/\bimport\s*["']([^"']+)["']/g)
  ].map((match) => match[1]!)

const effectImport = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](?:effect|@effect\/|@effect-auth0\/)/

describe("the bundles", () => {
  it.each(["node.js", "node.cjs", "index.js", "index.cjs"])(
    "%s has no import or require of effect or our packages",
    (file) => {
      const code = read(file)
      expect(code.length).toBeGreaterThan(10_000)
      expect(code).not.toMatch(effectImport)
      expect(specifiers(code).filter((specifier) => /^(effect|@effect)/.test(specifier))).toEqual([])
    }
  )

  it.each(["node.js", "node.cjs"])("%s imports only undici and Node built-ins", (file) => {
    const imported = new Set(specifiers(read(file)))
    expect(imported.has("undici")).toBe(true)
    expect([...imported].filter((specifier) => specifier !== "undici" && !specifier.startsWith("node:"))).toEqual([])
  })

  it.each(["index.js", "index.cjs"])(
    "%s (the default build) imports nothing, Node built-ins and undici included",
    (file) => {
      expect(specifiers(read(file))).toEqual([])
    }
  )

  it.each(["index.d.ts", "index.d.cts"])("%s is self-contained: no import, no reference directive", (file) => {
    const declarations = read(file)
    expect(specifiers(declarations)).toEqual([])
    expect(declarations).not.toMatch(/\/\/\/\s*<reference/)
    expect(declarations).toContain("export declare class ApiClient")
  })

  it("the package has undici as its one dependency and no peer dependency", () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"))
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["undici"])
    expect(manifest.peerDependencies).toBeUndefined()
    expect(manifest.optionalDependencies).toBeUndefined()
  })

  it.each(["node.js", "index.js"])(
    "%s cannot be re-bundled into an `effect` import by mistake: the bundle has the core inside",
    (file) => {
      // The exchange's grant type, written in the core's protocol module, is in every build.
      expect(read(file)).toContain("urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token")
    }
  )
})
