/**
 * Uncached exchanges against the emulator process, every client side by side: sequential
 * exchanges/s with p50/p99 latency, exchanges/s with 64 in flight, and this process's CPU time
 * per exchange in both modes.
 *
 * The clients take turns in rounds (each round starting with the next client) so that drift of a
 * shared machine spreads over all of them; every turn starts with a warm-up at full concurrency
 * (JIT, keep-alive sockets), and the emulator's count of token requests is checked against the
 * exchanges made, so a cached or coalesced call cannot pass for an exchange.
 */
import type { Driver, DriverSpec, Role } from "./drivers/index.js"
import type { EmulatorProcess } from "./emulator.js"
import { addBatch, type Bound, cpuPerCall, emptyTotals, rate, runBatch, type Totals } from "./measure.js"
import { collectGarbage, percentile } from "./stats.js"
import { fixed, integer, ratio, renderTable } from "./table.js"
import { type Target, target } from "./targets.js"

export interface ExchangePlan {
  readonly rounds: number
  readonly concurrency: number
  /**
   * Extra warm-up before a client's first turn (first call, discovery, JIT), at full concurrency:
   * a number of exchanges rather than a duration, so that slow clients get as much JIT warm-up as
   * fast ones (within the time bound).
   */
  readonly firstWarmup: Bound
  /** Warm-up at the start of every turn, at full concurrency (sockets closed while idle reopen). */
  readonly warmup: Bound
  readonly sequential: Bound
  readonly concurrent: Bound
}

export const fullPlan: ExchangePlan = {
  rounds: 3,
  concurrency: 64,
  firstWarmup: { durationMs: 3_000, maxCalls: 600 },
  warmup: { durationMs: 250, maxCalls: 256 },
  sequential: { durationMs: 800, maxCalls: 10_000 },
  concurrent: { durationMs: 1_200, maxCalls: 20_000 }
}

export const quickPlan: ExchangePlan = {
  rounds: 1,
  concurrency: 64,
  firstWarmup: { durationMs: 1_000, maxCalls: 300 },
  warmup: { durationMs: 100, maxCalls: 128 },
  sequential: { durationMs: 250, maxCalls: 2_000 },
  concurrent: { durationMs: 400, maxCalls: 4_000 }
}

/** The most distinct subject tokens one client can use over the plan. */
export const tokensPerClient = (plan: ExchangePlan): number =>
  plan.firstWarmup.maxCalls + plan.rounds * (plan.warmup.maxCalls + plan.sequential.maxCalls + plan.concurrent.maxCalls)

export interface ExchangeResult {
  readonly key: string
  readonly name: string
  readonly role: Role
  readonly sequential: Totals
  readonly concurrent: Totals
  /** CPU time of the emulator process while this client ran with full concurrency, microseconds. */
  readonly emulatorCpuMicros: number
}

interface Running {
  readonly spec: DriverSpec
  readonly driver: Driver
  /** The next subject token index: never reused, so the facade's cache never answers. */
  nextToken: number
  sequential: Totals
  concurrent: Totals
  emulatorCpuMicros: number
}

/** One turn of one client: warm-up, sequential batch, concurrent batch, checked with the emulator's count. */
const turn = async (emulator: EmulatorProcess, client: Running, plan: ExchangePlan, first: boolean) => {
  let made = 0
  const batch = async (bound: Bound, concurrency: number) => {
    const done = await runBatch(client.driver, client.nextToken, bound, concurrency)
    client.nextToken += done.calls
    made += done.calls
    return done
  }
  const before = await emulator.stats()
  // The previous client's garbage is collected before this turn, not between its batches: a full
  // collection right before a batch shrinks the young generation, and the scavenges that follow
  // charge an allocating client for what a running server never pays. The warm-up lets the heap
  // settle to this client's own allocation first.
  collectGarbage()
  if (first) await batch(plan.firstWarmup, plan.concurrency)
  await batch(plan.warmup, plan.concurrency)
  client.sequential = addBatch(client.sequential, await batch(plan.sequential, 1))
  const middle = await emulator.stats()
  client.concurrent = addBatch(client.concurrent, await batch(plan.concurrent, plan.concurrency))
  const after = await emulator.stats()
  client.emulatorCpuMicros += after.cpuMicros - middle.cpuMicros
  const received = after.tokenRequests - before.tokenRequests
  if (received !== made) {
    throw new Error(`${client.spec.key}: ${made} exchanges made, but the emulator received ${received} token requests`)
  }
}

/** Runs the plan for every client; `log` gets progress lines. */
export const runExchanges = async (
  emulator: EmulatorProcess,
  specs: ReadonlyArray<DriverSpec>,
  plan: ExchangePlan,
  log: (line: string) => void
): Promise<ReadonlyArray<ExchangeResult>> => {
  const clients: Array<Running> = []
  for (const spec of specs) {
    clients.push({
      spec,
      driver: await spec.make(emulator.url),
      nextToken: 0,
      sequential: emptyTotals,
      concurrent: emptyTotals,
      emulatorCpuMicros: 0
    })
  }
  try {
    for (let round = 0; round < plan.rounds; round++) {
      for (let k = 0; k < clients.length; k++) {
        const client = clients[(round + k) % clients.length]!
        log(`round ${round + 1}/${plan.rounds}: ${client.spec.key}`)
        await turn(emulator, client, plan, round === 0)
      }
    }
  } finally {
    await Promise.all(clients.map((client) => client.driver.close()))
  }
  return clients.map((client) => ({
    key: client.spec.key,
    name: client.driver.name,
    role: client.spec.role,
    sequential: client.sequential,
    concurrent: client.concurrent,
    emulatorCpuMicros: client.emulatorCpuMicros
  }))
}

const latency = (totals: Totals, p: number) =>
  percentile(Float64Array.from(totals.latenciesMs.flatMap((batch) => [...batch])), p)

const byRole = (results: ReadonlyArray<ExchangeResult>, role: Role) => results.find((result) => result.role === role)

/** The two tables: throughput and latency, then CPU per exchange; ratios against the floor (and the anchor). */
export const renderExchanges = (results: ReadonlyArray<ExchangeResult>, plan: ExchangePlan): string => {
  const floor = byRole(results, "floor")
  const anchor = byRole(results, "anchor")
  const ref = (result: ExchangeResult | undefined, f: (result: ExchangeResult) => number) =>
    result === undefined ? Number.NaN : f(result)
  const seqRate = (result: ExchangeResult) => rate(result.sequential)
  const concRate = (result: ExchangeResult) => rate(result.concurrent)
  const seqCpu = (result: ExchangeResult) => cpuPerCall(result.sequential)
  const concCpu = (result: ExchangeResult) => cpuPerCall(result.concurrent)

  const throughput = renderTable(
    ["client", "seq ex/s", "p50 ms", "p99 ms", "×floor", `${plan.concurrency} in flight ex/s`, "×floor", "×anchor"],
    results.map((result) => [
      result.name,
      integer(seqRate(result)),
      fixed(latency(result.sequential, 50), 3),
      fixed(latency(result.sequential, 99), 3),
      ratio(seqRate(result), ref(floor, seqRate)),
      integer(concRate(result)),
      ratio(concRate(result), ref(floor, concRate)),
      ratio(concRate(result), ref(anchor, concRate))
    ])
  )
  const cpu = renderTable(
    [
      "client",
      "CPU µs/ex seq",
      "×floor",
      `CPU µs/ex ${plan.concurrency} in flight`,
      "×floor",
      "×anchor",
      `emulator µs/ex ${plan.concurrency} in flight`
    ],
    results.map((result) => [
      result.name,
      fixed(seqCpu(result), 0),
      ratio(seqCpu(result), ref(floor, seqCpu)),
      fixed(concCpu(result), 0),
      ratio(concCpu(result), ref(floor, concCpu)),
      ratio(concCpu(result), ref(anchor, concCpu)),
      fixed(result.emulatorCpuMicros / result.concurrent.calls, 0)
    ])
  )
  const seconds = (bound: Bound) => `${fixed(bound.durationMs / 1000, 2)} s`
  const calls = (bound: Bound) => `${bound.maxCalls} exchanges or ${seconds(bound)}`
  const counts = `${plan.rounds} round(s) per client of: warm-up (${calls(plan.warmup)}; ` +
    `before the first round also ${calls(plan.firstWarmup)}), ${seconds(plan.sequential)} sequential, ` +
    `${seconds(plan.concurrent)} with ${plan.concurrency} in flight; every exchange a distinct subject token, ` +
    `the clients on their default options (cache on: every call a miss).\n` +
    `Exchanges measured per client: ${
      results.map((r) => `${r.key} ${r.sequential.calls}+${r.concurrent.calls}`).join(", ")
    }`
  return `${counts}\n\n${throughput}\n\n${cpu}`
}

type Mode = "sequential" | "concurrent"

/** One exchange target: `measure` of `client` in `mode`, compared with `factor` × the reference's. */
interface Goal {
  readonly client: string
  readonly measure: "ex/s" | "CPU/exchange"
  readonly mode: Mode
  readonly comparison: "<=" | ">="
  readonly factor: number
  readonly reference: "floor" | "anchor"
}

/** The issue's targets for exchanges: the Effect API on the Node layer against the floor, the facade against the anchor. */
const goals: ReadonlyArray<Goal> = [
  {
    client: "effect-node",
    measure: "CPU/exchange",
    mode: "sequential",
    comparison: "<=",
    factor: 1.5,
    reference: "floor"
  },
  {
    client: "effect-node",
    measure: "CPU/exchange",
    mode: "concurrent",
    comparison: "<=",
    factor: 1.5,
    reference: "floor"
  },
  { client: "effect-node", measure: "ex/s", mode: "concurrent", comparison: ">=", factor: 0.6, reference: "floor" },
  { client: "promise-node", measure: "ex/s", mode: "sequential", comparison: ">=", factor: 2, reference: "anchor" },
  { client: "promise-node", measure: "ex/s", mode: "concurrent", comparison: ">=", factor: 2, reference: "anchor" }
]

export const exchangeTargets = (results: ReadonlyArray<ExchangeResult>): ReadonlyArray<Target> =>
  goals.flatMap((goal) => {
    const client = results.find((result) => result.key === goal.client)
    if (client === undefined) return []
    const reference = byRole(results, goal.reference)
    const figure = (result: ExchangeResult | undefined) =>
      result === undefined ? Number.NaN : (goal.measure === "ex/s" ? rate : cpuPerCall)(result[goal.mode])
    const value = figure(client)
    const limit = goal.factor * figure(reference)
    const mode = goal.mode === "sequential" ? "sequential" : "64 in flight"
    // Round by round: the client against the reference's turn of the same round.
    const perRound = (result: ExchangeResult | undefined) =>
      result === undefined ? [] : result[goal.mode].batches.map(goal.measure === "ex/s" ? rate : cpuPerCall)
    const referenceRounds = perRound(reference)
    const rounds = perRound(client).flatMap((v, i) => referenceRounds[i] === undefined ? [] : [v / referenceRounds[i]!])
    const roundsMet = rounds.filter((r) => goal.comparison === "<=" ? r <= goal.factor : r >= goal.factor).length
    const spread = rounds.length < 2
      ? ""
      : `rounds ${fixed(Math.min(...rounds), 2)}–${fixed(Math.max(...rounds), 2)}×; `
    const measured = target(
      `${client.name}: ${goal.measure}, ${mode}`,
      `${goal.comparison === "<=" ? "≤" : "≥"} ${goal.factor === 1 ? "" : `${goal.factor}× `}${goal.reference}`,
      `${ratio(value, figure(reference))} (${spread}${fixed(value, 0)} vs ${fixed(figure(reference), 0)})`,
      value,
      goal.comparison,
      limit
    )
    return [rounds.length === 0 ? measured : { ...measured, rounds: { met: roundsMet, of: rounds.length } }]
  })
