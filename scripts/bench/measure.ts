/**
 * The one measuring loop every driver runs through: exchanges with at most `concurrency` in
 * flight, until `durationMs` has passed or `maxCalls` were made (whichever comes first), timed one
 * by one, with the wall time and this process's CPU time of the whole batch.
 */
import { performance } from "node:perf_hooks"
import type { Driver } from "./drivers/index.js"
import { cpuMicrosSince } from "./stats.js"

/** How long a batch runs: a duration, bounded by a number of calls. */
export interface Bound {
  readonly durationMs: number
  readonly maxCalls: number
}

export interface Batch {
  readonly calls: number
  readonly wallMs: number
  /** CPU time of this process (user + system, all threads), microseconds. */
  readonly cpuMicros: number
  /** Latency of each call, milliseconds. */
  readonly latenciesMs: Float64Array
}

/**
 * Runs exchanges `first`, `first + 1`, ... of `driver`, `concurrency` at a time, within `bound`;
 * the batch ends when the calls in flight at the deadline have completed.
 */
export const runBatch = async (driver: Driver, first: number, bound: Bound, concurrency: number): Promise<Batch> => {
  const latenciesMs = new Float64Array(bound.maxCalls)
  let next = 0
  let deadline = Infinity
  const worker = async () => {
    while (next < bound.maxCalls && performance.now() < deadline) {
      const slot = next++
      const started = performance.now()
      await driver.exchange(first + slot)
      latenciesMs[slot] = performance.now() - started
    }
  }
  const cpu = process.cpuUsage()
  const started = performance.now()
  deadline = started + bound.durationMs
  await Promise.all(Array.from({ length: Math.min(concurrency, bound.maxCalls) }, worker))
  return {
    calls: next,
    wallMs: performance.now() - started,
    cpuMicros: cpuMicrosSince(cpu),
    latenciesMs: latenciesMs.subarray(0, next)
  }
}

/** What one batch measured, without its latencies. */
export interface BatchFigures {
  readonly calls: number
  readonly wallMs: number
  readonly cpuMicros: number
}

/** Batches of one kind added up, and each batch's own figures (one per round, in order). */
export interface Totals extends BatchFigures {
  readonly latenciesMs: ReadonlyArray<Float64Array>
  readonly batches: ReadonlyArray<BatchFigures>
}

export const emptyTotals: Totals = { calls: 0, wallMs: 0, cpuMicros: 0, latenciesMs: [], batches: [] }

export const addBatch = (totals: Totals, batch: Batch): Totals => ({
  calls: totals.calls + batch.calls,
  wallMs: totals.wallMs + batch.wallMs,
  cpuMicros: totals.cpuMicros + batch.cpuMicros,
  latenciesMs: [...totals.latenciesMs, batch.latenciesMs],
  batches: [...totals.batches, { calls: batch.calls, wallMs: batch.wallMs, cpuMicros: batch.cpuMicros }]
})

/** Exchanges per second. */
export const rate = (totals: BatchFigures): number => (totals.calls * 1000) / totals.wallMs

/** CPU microseconds per exchange. */
export const cpuPerCall = (totals: BatchFigures): number => totals.cpuMicros / totals.calls
