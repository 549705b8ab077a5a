/**
 * The few statistics the benchmarks need: percentiles (nearest rank), medians, CPU time deltas,
 * and a way to collect garbage between measurements.
 */
import * as v8 from "node:v8"
import * as vm from "node:vm"

/** The `p`-th percentile (0..100) of `values`, by nearest rank; `NaN` when there are none. */
export const percentile = (values: ArrayLike<number>, p: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

/** The median of `values` (the mean of the middle two for an even count); `NaN` when there are none. */
export const median = (values: ArrayLike<number>): number => {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** CPU time (user + system, microseconds) of this process since `since`. */
export const cpuMicrosSince = (since: NodeJS.CpuUsage): number => {
  const delta = process.cpuUsage(since)
  return delta.user + delta.system
}

/**
 * A full garbage collection, so that one client's garbage is not collected (and charged) while
 * the next one is measured. Exposes `gc` at run time when Node was not started with `--expose-gc`.
 */
export const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed !== undefined) return exposed
  v8.setFlagsFromString("--expose-gc")
  return vm.runInNewContext("gc") as () => void
})()
