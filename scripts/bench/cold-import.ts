/**
 * Cold import of the BUILT packages as an application that installed them loads them (from
 * `.tmp/installed`, through each package's `exports` map with Node's conditions; see
 * `installed.ts`), in fresh `node` processes, runs interleaved across entries so that drift of a
 * shared machine hits them all alike. Two kinds of figures:
 *
 * - above bare node: the median wall time of `node --input-type=module -e "await import(...)"`
 *   minus the median of a bare `node -e ""`: the facade package against `@auth0/auth0-auth-js`
 *   (the anchor), and the Effect API packages on their own.
 * - over Effect: in a process that already imported `effect`, `effect/Schema` and
 *   `effect/http/HttpClient` (what any Effect app with an HTTP client has loaded), the time the
 *   `import()` of the library takes, measured inside that process; the median over the runs.
 *
 * The signing code (private_key_jwt, DPoP: Effect's JOSE and crypto modules) is loaded with
 * `import()` by a client that uses it, so a package's import does not load it; the entries
 * "+ signing" import it too, as such an app ends up doing: what private_key_jwt adds. The facade's
 * CommonJS build holds that code in its one file (esbuild splits ESM only): its `require` is
 * measured too.
 */
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import { repoRoot } from "./child.js"
import { prepareInstalled } from "./installed.js"
import { median } from "./stats.js"
import { fixed, ratio, renderTable } from "./table.js"
import { type Target, target } from "./targets.js"

interface Entry {
  /** Specifiers imported one after the other (`a + b`); `require:x` requires `x` (CommonJS). */
  readonly specifier: string
  readonly role?: "facade" | "anchor" | "reference"
  /** How the table names it, when not by its specifier. */
  readonly label?: string
}

/**
 * The signing module of the built core, and the facade's signing chunk of its Node ESM build (the
 * file its `import()` loads), as file URLs: importing them after the package is what a client with
 * private_key_jwt or DPoP loads on first use.
 */
const signingModules = () => {
  const chunks = Path.join(repoRoot, "packages/token-vault-promise/dist/chunks")
  const chunk = Fs.readdirSync(chunks).find((name) => /^node-signing-\w+\.js$/.test(name))
  const core = Path.join(repoRoot, "packages/token-vault/dist/internal/signing.js")
  if (chunk === undefined || !Fs.existsSync(core)) {
    throw new Error("no signing module in the builds (packages/token-vault-promise/dist/chunks, token-vault/dist)")
  }
  return {
    facade: pathToFileURL(Path.join(chunks, chunk)).href,
    core: pathToFileURL(core).href
  }
}

/** Measured above bare `node`. */
const entriesOf = (signing: ReturnType<typeof signingModules>): ReadonlyArray<Entry> => [
  { specifier: "@effect-auth0/token-vault-promise", role: "facade" },
  {
    specifier: `@effect-auth0/token-vault-promise + ${signing.facade}`,
    label: "@effect-auth0/token-vault-promise + signing (private_key_jwt)"
  },
  {
    specifier: "require:@effect-auth0/token-vault-promise",
    label: "@effect-auth0/token-vault-promise, require (CommonJS, signing inside)"
  },
  { specifier: "@auth0/auth0-auth-js", role: "anchor" },
  { specifier: "@effect-auth0/token-vault" },
  { specifier: `@effect-auth0/token-vault + ${signing.core}`, label: "@effect-auth0/token-vault + signing" },
  { specifier: "@effect-auth0/token-vault-node" },
  { specifier: "@effect-auth0/token-vault-browser" },
  // What any Effect app with an HTTP client loads anyway.
  { specifier: "effect + effect/Schema + effect/http/HttpClient", role: "reference" }
]

/** What an Effect app has imported before the library, in the "over Effect" figures. */
const effectApp = ["effect", "effect/Schema", "effect/http/HttpClient"]

/** Measured over `effectApp`, inside the process. */
const overEffectOf = (signing: ReturnType<typeof signingModules>): ReadonlyArray<Entry> => [
  { specifier: "@effect-auth0/token-vault" },
  { specifier: `@effect-auth0/token-vault + ${signing.core}`, label: "@effect-auth0/token-vault + signing" },
  { specifier: "@effect-auth0/token-vault + @effect-auth0/token-vault-node" }
]

const imports = (specifier: string) =>
  specifier.split(" + ").map((name) =>
    name.startsWith("require:")
      ? `(await import("node:module")).createRequire(process.cwd() + "/")(${JSON.stringify(name.slice(8))});`
      : `await import(${JSON.stringify(name)});`
  ).join(" ")

/** Runs `node --input-type=module -e <code>` in `cwd`; resolves with its wall time (ms) and output. */
const runNode = (code: string, cwd: string): Promise<{ readonly wallMs: number; readonly stdout: string }> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.once("exit", (exitCode) => {
      clearTimeout(timer)
      if (exitCode === 0) resolve({ wallMs: performance.now() - started, stdout })
      else reject(new Error(`node -e ${JSON.stringify(code)} failed in ${cwd} (exit ${exitCode}): ${stderr.trim()}`))
    })
  })

/** The code that imports `effectApp`, then times the import of `specifier` and prints the milliseconds. */
const overEffectCode = (specifier: string) =>
  `${imports(effectApp.join(" + "))} const started = performance.now(); ${imports(specifier)} ` +
  "process.stdout.write(String(performance.now() - started))"

export interface ImportTime {
  readonly specifier: string
  readonly label: string
  readonly role: Entry["role"]
  readonly medianMs: number
  readonly aboveBareMs: number
}

export interface ColdImports {
  readonly runs: number
  readonly bareMs: number
  readonly entries: ReadonlyArray<ImportTime>
  /** Median in-process import time of each `overEffect` entry, after `effectApp`. */
  readonly overEffect: ReadonlyArray<{ readonly specifier: string; readonly label: string; readonly medianMs: number }>
}

export const measureColdImports = async (runs: number): Promise<ColdImports> => {
  const cwd = prepareInstalled()
  const signing = signingModules()
  const entries = entriesOf(signing)
  const overEffect = overEffectOf(signing)
  const bare: Array<number> = []
  const times = entries.map(() => [] as Array<number>)
  const over = overEffect.map(() => [] as Array<number>)
  for (let run = 0; run < runs; run++) {
    bare.push((await runNode("", cwd)).wallMs)
    for (const [index, entry] of entries.entries()) {
      times[index]!.push((await runNode(imports(entry.specifier), cwd)).wallMs)
    }
    for (const [index, entry] of overEffect.entries()) {
      over[index]!.push(Number((await runNode(overEffectCode(entry.specifier), cwd)).stdout))
    }
  }
  const bareMs = median(bare)
  return {
    runs,
    bareMs,
    entries: entries.map((entry, index) => {
      const medianMs = median(times[index]!)
      return {
        specifier: entry.specifier,
        label: entry.label ?? entry.specifier,
        role: entry.role,
        medianMs,
        aboveBareMs: medianMs - bareMs
      }
    }),
    overEffect: overEffect.map((entry, index) => ({
      specifier: entry.specifier,
      label: entry.label ?? entry.specifier,
      medianMs: median(over[index]!)
    }))
  }
}

export const renderColdImports = (result: ColdImports): string => {
  const anchor = result.entries.find((entry) => entry.role === "anchor")
  return `median of ${result.runs} runs each, from .tmp/installed (the built packages through their exports maps); ` +
    `bare \`node -e ""\`: ${fixed(result.bareMs, 0)} ms\n\n` +
    renderTable(
      ["entry (built)", "median ms", "above bare node ms", "×anchor"],
      result.entries.map((entry) => [
        entry.role === undefined ? entry.label : `${entry.label} (${entry.role})`,
        fixed(entry.medianMs, 0),
        fixed(entry.aboveBareMs, 0),
        ratio(entry.aboveBareMs, anchor?.aboveBareMs ?? Number.NaN)
      ])
    ) +
    "\n\n" +
    renderTable(
      [`import() in a process that already imported ${effectApp.join(", ")}`, "median ms"],
      result.overEffect.map((entry) => [entry.label, fixed(entry.medianMs, 1)])
    )
}

export const coldImportTargets = (result: ColdImports): ReadonlyArray<Target> => {
  const facade = result.entries.find((entry) => entry.role === "facade")!
  const anchor = result.entries.find((entry) => entry.role === "anchor")!
  const core = result.overEffect[0]!
  return [
    target(
      "facade cold import above bare node",
      "≤ @auth0/auth0-auth-js's",
      `${fixed(facade.aboveBareMs, 0)} ms vs ${fixed(anchor.aboveBareMs, 0)} ms (${
        ratio(facade.aboveBareMs, anchor.aboveBareMs)
      })`,
      facade.aboveBareMs,
      "<=",
      anchor.aboveBareMs
    ),
    target(
      `cold import of ${core.specifier} over an app on effect, Schema, HttpClient`,
      "≤ 40 ms",
      `${fixed(core.medianMs, 1)} ms`,
      core.medianMs,
      "<=",
      40
    )
  ]
}
