/**
 * Cold import time of each package entry, on the BUILT packages (`packages/*\/dist`, through
 * their `exports` maps): the median wall time of `node -e "import('<entry>')"` over several
 * runs, minus the median of a bare `node -e ""`. Runs are interleaved across entries so that
 * drift of a shared machine hits them all alike. Two reference lines import only Effect modules:
 * `effect/Effect` (the least any Effect library loads) and the modules the core needs
 * (`effect/Schema`, `@effect/platform/HttpClient`): the part of the cost that comes with Effect.
 */
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { repoRoot } from "./child.js"
import { median } from "./stats.js"
import { fixed, ratio, renderTable } from "./table.js"
import { type Target, target } from "./targets.js"

interface Entry {
  readonly specifier: string
  /** Where `node` runs, so that the specifier resolves as a dependent's would (or by self-reference). */
  readonly cwd: string
  readonly role?: "anchor" | "reference"
}

const packageDir = (name: string) => Path.join(repoRoot, "packages", name)

const entries: ReadonlyArray<Entry> = [
  { specifier: "@effect-auth0/token-vault", cwd: packageDir("token-vault") },
  { specifier: "@effect-auth0/token-vault/promise", cwd: packageDir("token-vault") },
  { specifier: "@effect-auth0/token-vault-node", cwd: packageDir("token-vault-node") },
  { specifier: "@effect-auth0/token-vault-browser", cwd: packageDir("token-vault-browser") },
  { specifier: "@auth0/auth0-auth-js", cwd: repoRoot, role: "anchor" },
  // What any client on Effect loads anyway: the modules the core cannot do without.
  { specifier: "effect/Effect", cwd: packageDir("token-vault"), role: "reference" },
  { specifier: "effect/Schema + @effect/platform/HttpClient", cwd: packageDir("token-vault"), role: "reference" }
]

/** The code `node -e` runs for an entry. */
const importCode = (entry: Entry) =>
  `Promise.all([${entry.specifier.split(" + ").map((specifier) => `import(${JSON.stringify(specifier)})`).join(", ")}])`

/** The built files the entries load. */
const builtFiles = ["token-vault/dist/index.js", "token-vault/dist/promise/index.js", "token-vault-node/dist/index.js", "token-vault-browser/dist/index.js"]

/**
 * Makes sure the packages are built: builds them when a `dist` is missing. Returns notes for the
 * report: which packages have sources newer than their build (the figures are then those of the
 * last build).
 */
export const ensureBuilt = async (log: (line: string) => void): Promise<ReadonlyArray<string>> => {
  const missing = builtFiles.filter((file) => !Fs.existsSync(Path.join(repoRoot, "packages", file)))
  if (missing.length > 0) {
    log(`cold import needs the built packages, and ${missing.join(", ")} is missing: building them with ` +
      "`npx pnpm@10 -r --filter ./packages/* run build` (`pnpm bench` builds them first)")
    const code = await new Promise<number>((resolve) => {
      const child = spawn("npx", ["--yes", "pnpm@10", "-r", "--filter", "./packages/*", "run", "build"], {
        cwd: repoRoot,
        stdio: ["ignore", "inherit", "inherit"]
      })
      const timer = setTimeout(() => child.kill("SIGKILL"), 300_000)
      child.once("exit", (exitCode) => {
        clearTimeout(timer)
        resolve(exitCode ?? 1)
      })
    })
    if (code !== 0) throw new Error(`the build failed (exit ${code})`)
    return []
  }
  return ["token-vault", "token-vault-node", "token-vault-browser"].flatMap((name) => {
    const built = Fs.statSync(Path.join(packageDir(name), "dist/index.js")).mtimeMs
    const sources = Fs.readdirSync(Path.join(packageDir(name), "src"), { recursive: true, encoding: "utf8" })
    const newest = Math.max(...sources.map((file) => Fs.statSync(Path.join(packageDir(name), "src", file)).mtimeMs))
    return newest > built ? [`note: packages/${name}/src is newer than its dist/: these figures are of its last build`] : []
  })
}

/** Wall time of one `node -e <code>` run, milliseconds; rejects when it fails. */
const timeNode = (code: string, cwd: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ["-e", code], { cwd, stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.once("exit", (exitCode) => {
      clearTimeout(timer)
      if (exitCode === 0) resolve(performance.now() - started)
      else reject(new Error(`node -e ${JSON.stringify(code)} failed in ${cwd} (exit ${exitCode}): ${stderr.trim()}`))
    })
  })

export interface ImportTime {
  readonly specifier: string
  readonly role: Entry["role"]
  readonly medianMs: number
  readonly aboveBareMs: number
}

export interface ColdImports {
  readonly runs: number
  readonly bareMs: number
  readonly entries: ReadonlyArray<ImportTime>
}

export const measureColdImports = async (runs: number): Promise<ColdImports> => {
  const bare: Array<number> = []
  const times = entries.map(() => [] as Array<number>)
  for (let run = 0; run < runs; run++) {
    bare.push(await timeNode("", repoRoot))
    for (const [index, entry] of entries.entries()) {
      times[index]!.push(await timeNode(importCode(entry), entry.cwd))
    }
  }
  const bareMs = median(bare)
  return {
    runs,
    bareMs,
    entries: entries.map((entry, index) => {
      const medianMs = median(times[index]!)
      return { specifier: entry.specifier, role: entry.role, medianMs, aboveBareMs: medianMs - bareMs }
    })
  }
}

export const renderColdImports = (result: ColdImports): string => {
  const anchor = result.entries.find((entry) => entry.role === "anchor")
  return `median of ${result.runs} runs each; bare \`node -e ""\`: ${fixed(result.bareMs, 0)} ms\n\n` +
    renderTable(
      ["entry (built)", "median ms", "above bare node ms", "×anchor"],
      result.entries.map((entry) => [
        entry.role === undefined ? entry.specifier : `${entry.specifier} (${entry.role})`,
        fixed(entry.medianMs, 0),
        fixed(entry.aboveBareMs, 0),
        ratio(entry.aboveBareMs, anchor?.aboveBareMs ?? Number.NaN)
      ])
    )
}

export const coldImportTargets = (result: ColdImports): ReadonlyArray<Target> => {
  const core = result.entries[0]!
  return [
    target(`cold import of ${core.specifier} above bare node`, "≤ 150 ms", `${fixed(core.aboveBareMs, 0)} ms`, core.aboveBareMs, "<=", 150)
  ]
}
