/**
 * `pnpm bench`: the performance of this library's clients against hand-written exchanges (the
 * floor: undici `request()`) and Auth0's own SDK (the anchor: `@auth0/auth0-auth-js`), side by
 * side in one run, with the issue's targets next to the figures: exchanges, coalescing, cache
 * hits and memory, cold import and browser bundle sizes. See docs/performance.md.
 *
 *   pnpm bench                                          # build, then everything (about 3 minutes)
 *   pnpm bench --quick                                  # a smoke run with small counts
 *   pnpm bench --only=effect-node,undici                # exchanges of these clients only
 *   pnpm bench --sections=exchanges,coalescing,cache,memory,imports,bundle
 *   pnpm bench --memory-budget=600                      # seconds the cache fill may take (default 30)
 *
 * `pnpm bench` runs `tsx --tsconfig scripts/bench/tsconfig.json scripts/bench/run.ts` after
 * `pnpm build`: that tsconfig maps `@effect-auth0/*` to the built packages (`dist/`), the code an
 * application runs; the Promise facade package, the cold imports and the bundles are loaded the
 * way an app that installed the packages loads them (`installed.ts`). Without that tsconfig
 * (`npx tsx scripts/bench/run.ts`), the root tsconfig maps the Effect packages to their sources,
 * which tsx transforms with `keepNames` (a `name` defined on every closure the library creates), a
 * few per cent of the library's CPU that built code does not pay. The first lines of the output say
 * which of the two was measured.
 *
 * Client keys: undici, fetch, effect-http, effect-node, effect-fetch, promise-fetch, promise-node, auth0.
 */
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { bundleTargets, measureBundles, renderBundles } from "../bundle-size/run.js"
import { hitTargets, measureHitsInChild, renderHits } from "./cache-hits.js"
import { measureMemory, memoryTargets, renderMemory } from "./cache-memory.js"
import { coalescingTargets, measureCoalescing, renderCoalescing } from "./coalescing.js"
import { coldImportTargets, measureColdImports, renderColdImports } from "./cold-import.js"
import { drivers } from "./drivers/index.js"
import { startEmulator } from "./emulator.js"
import { exchangeTargets, fullPlan, quickPlan, renderExchanges, runExchanges, tokensPerClient } from "./exchanges.js"
import { ensureBuilt } from "./installed.js"
import { fixed, heading } from "./table.js"
import { renderTargets, type Target } from "./targets.js"

// As in production (plain `node` on built code): no source-mapped stack traces, which tsx turns
// on and which make every read of an `Error`'s `stack` costly.
process.setSourceMapsEnabled(false)

const sections = ["exchanges", "coalescing", "cache", "memory", "imports", "bundle"] as const
type Section = (typeof sections)[number]

const flag = (name: string): string | undefined =>
  process.argv.slice(2).find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)

const usage = (problem: string): never => {
  console.error(`[bench] ${problem} (see the comment at the top of scripts/bench/run.ts)`)
  return process.exit(2)
}

const quick = process.argv.includes("--quick")
const only = flag("only")?.split(",")
const unknown = only?.filter((key) => !drivers.some((driver) => driver.key === key)) ?? []
if (unknown.length > 0) usage(`unknown client(s) ${unknown.join(", ")}; known: ${drivers.map((d) => d.key).join(", ")}`)
const chosen: ReadonlyArray<Section> = only !== undefined
  ? ["exchanges"]
  : (flag("sections")?.split(",") as Array<Section> | undefined) ?? sections
const badSections = chosen.filter((section) => !sections.includes(section))
if (badSections.length > 0) usage(`unknown section(s) ${badSections.join(", ")}; known: ${sections.join(", ")}`)
const runs = (section: Section) => chosen.includes(section)
const plan = quick ? quickPlan : fullPlan
const memoryBudgetMs = 1000 * Number(flag("memory-budget") ?? (quick ? 5 : 30))
if (!(memoryBudgetMs > 0)) usage("--memory-budget takes a number of seconds")
const log = (line: string) => console.error(`[bench] ${line}`)

// Every phase is bounded by time or count; this catches a client that hangs (the emulator
// process exits with us: it watches its IPC channel).
const watchdogMs = 300_000 + memoryBudgetMs
setTimeout(() => {
  console.error(`[bench] still running after ${watchdogMs / 1000} s: giving up`)
  process.exit(2)
}, watchdogMs).unref()

const started = performance.now()
const cpus = Os.cpus()
console.log(`Token Vault benchmarks, ${new Date().toISOString()}`)
console.log(
  `node ${process.version}, ${process.platform}/${process.arch}, ${Os.availableParallelism()} CPUs ` +
    `(${cpus[0]?.model.trim() ?? "unknown"}), load average at start ${
      Os.loadavg().map((load) => fixed(load, 2)).join(" ")
    }`
)
const library = Path.relative(process.cwd(), fileURLToPath(import.meta.resolve("@effect-auth0/token-vault")))
console.log(`library code: ${library}${library.includes("/dist/") ? " (built)" : " (sources through tsx)"}`)
for (const note of await ensureBuilt(log)) console.log(note)
const targets: Array<Target> = []

if (runs("exchanges") || runs("coalescing")) {
  log("starting the emulator process")
  const emulator = await startEmulator(tokensPerClient(plan) + 16)
  try {
    if (runs("exchanges")) {
      const specs = drivers.filter((driver) => only === undefined || only.includes(driver.key))
      const results = await runExchanges(emulator, specs, plan, log)
      console.log(heading("Exchanges, every call a cache miss, against the emulator process (loopback HTTP)"))
      console.log(renderExchanges(results, plan))
      targets.push(...exchangeTargets(results))
    }
    if (runs("coalescing")) {
      log("coalescing")
      const results = await measureCoalescing(emulator, 1_000)
      console.log(heading("Identical calls in flight"))
      console.log(renderCoalescing(results))
      targets.push(...coalescingTargets(results))
    }
  } finally {
    await emulator.stop()
  }
}

if (runs("cache")) {
  log("cache hits")
  const hits = await measureHitsInChild(quick ? 500 : 1_500)
  console.log(heading("Token cache hits (in-memory emulator, no sockets)"))
  console.log(renderHits(hits))
  targets.push(...hitTargets(hits))
}

if (runs("memory")) {
  log(`cache memory (fill budget ${memoryBudgetMs / 1000} s)`)
  const memory = await measureMemory(100_000, memoryBudgetMs)
  console.log(heading("Token cache memory (in-memory emulator, child process with --expose-gc)"))
  console.log(renderMemory(memory))
  targets.push(...memoryTargets(memory))
}

if (runs("imports")) {
  log("cold imports")
  const result = await measureColdImports(quick ? 3 : 7)
  console.log(heading("Cold import of the built packages"))
  console.log(renderColdImports(result))
  targets.push(...coldImportTargets(result))
}

if (runs("bundle")) {
  log("browser bundles")
  const sizes = await measureBundles()
  console.log(heading("Browser bundles (esbuild, minified, gzip -9)"))
  console.log(renderBundles(sizes))
  targets.push(...bundleTargets(sizes))
}

console.log(heading("Targets (printed, not asserted)"))
console.log(renderTargets(targets))
console.log(
  `\nwhole run: ${fixed((performance.now() - started) / 1000, 0)} s; load average at the end ` +
    Os.loadavg().map((load) => fixed(load, 2)).join(" ")
)
