/**
 * The memory of 100 000 cached entries: runs `cache-memory-process.ts` in a child process started
 * with `--expose-gc`, which fills a client's cache through the public API against the in-memory
 * emulator and reads the heap after full collections. The fill is bounded by a time budget;
 * when it stops short, the figure at 100 000 is projected from the bytes per entry.
 */
import { runJsonScript } from "./child.js"
import { fixed, integer, mebibytes } from "./table.js"
import { type Target, target } from "./targets.js"

/** What `cache-memory-process.ts` prints (one JSON line). */
export interface CacheMemory {
  /** The entries wanted (`cache.maxEntries`). */
  readonly target: number
  /** The entries filled within the time budget. */
  readonly filled: number
  readonly heapBeforeBytes: number
  /** Heap used after full collections, every few thousand entries. */
  readonly checkpoints: ReadonlyArray<{ readonly entries: number; readonly heapBytes: number }>
  readonly fillMs: number
  /** Token requests the emulator answered while filling (expected: `filled`). */
  readonly fillRequests: number
  /** Token requests while reading back a sample of the entries (expected: 0, all hits). */
  readonly readBackRequests: number
  readonly readBackSample: number
}

/** Runs `cache-memory-process.ts` with `--expose-gc` and reads its result. */
export const measureMemory = (entries: number, budgetMs: number): Promise<CacheMemory> =>
  runJsonScript<CacheMemory>("cache-memory-process.ts", {
    nodeFlags: ["--expose-gc"],
    args: [String(entries), String(budgetMs)],
    timeoutMs: budgetMs + 60_000,
    what: "the cache memory process"
  })

/** The least-squares slope of heap bytes over entries, from the checkpoints. */
const slope = (checkpoints: CacheMemory["checkpoints"]): number => {
  const n = checkpoints.length
  const meanX = checkpoints.reduce((sum, point) => sum + point.entries, 0) / n
  const meanY = checkpoints.reduce((sum, point) => sum + point.heapBytes, 0) / n
  const covariance = checkpoints.reduce((sum, point) => sum + (point.entries - meanX) * (point.heapBytes - meanY), 0)
  const variance = checkpoints.reduce((sum, point) => sum + (point.entries - meanX) ** 2, 0)
  return covariance / variance
}

/**
 * The heap the cache takes at `target` entries: measured when the fill got there; otherwise the
 * measured delta plus the bytes per entry times the entries missing. Bytes per entry are the
 * least-squares slope over the checkpoints (which leaves out what the first entries allocate
 * once, and smooths the noise of single heap readings); with one checkpoint, the delta divided
 * by the entries (an overestimate).
 */
export const memoryAtTarget = (
  memory: CacheMemory
): { readonly bytes: number; readonly projected: boolean; readonly bytesPerEntry: number } => {
  const last = memory.checkpoints.at(-1)
  if (last === undefined) return { bytes: Number.NaN, projected: true, bytesPerEntry: Number.NaN }
  const measured = last.heapBytes - memory.heapBeforeBytes
  const bytesPerEntry = memory.checkpoints.length > 1 ? slope(memory.checkpoints) : measured / last.entries
  return last.entries >= memory.target
    ? { bytes: measured, projected: false, bytesPerEntry }
    : { bytes: measured + bytesPerEntry * (memory.target - last.entries), projected: true, bytesPerEntry }
}

export const renderMemory = (memory: CacheMemory): string => {
  const atTarget = memoryAtTarget(memory)
  const measured = (memory.checkpoints.at(-1)?.heapBytes ?? Number.NaN) - memory.heapBeforeBytes
  const lines = [
    `Memory of the cache (cache.maxEntries ${integer(memory.target)}, filled through the public API against the ` +
    `in-memory emulator, heap used after full GCs):`,
    `  filled ${integer(memory.filled)} entries in ${fixed(memory.fillMs / 1000, 1)} s: heap +${
      mebibytes(measured)
    }; ` +
    `${integer(atTarget.bytesPerEntry)} bytes per entry ` +
    (memory.checkpoints.length > 1
      ? `(least-squares slope over ${memory.checkpoints.length} checkpoints)`
      : "(one checkpoint only: includes one-time allocations, an overestimate)"),
    `  ${integer(memory.target)} entries: ${mebibytes(atTarget.bytes)}` +
    (atTarget.projected
      ? ` (PROJECTED from ${integer(memory.filled)}: the fill stopped at its time budget)`
      : " (measured)"),
    `  token requests while filling: ${integer(memory.fillRequests)}; while reading back ${
      integer(memory.readBackSample)
    } ` +
    `entries: ${integer(memory.readBackRequests)} (0 = all served from the cache)`
  ]
  return lines.join("\n")
}

export const memoryTargets = (memory: CacheMemory): ReadonlyArray<Target> => {
  const { bytes, projected } = memoryAtTarget(memory)
  const measured = `${mebibytes(bytes)}${projected ? " (projected)" : ""}`
  return [
    target(`memory of ${integer(memory.target)} cached entries`, "< 64 MiB", measured, bytes, "<", 64 * 1024 * 1024)
  ]
}
