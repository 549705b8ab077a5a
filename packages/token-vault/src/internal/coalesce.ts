import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as FiberStatus from "effect/FiberStatus"
import * as Metric from "effect/Metric"
import * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import * as TokenVaultMetrics from "../TokenVaultMetrics.js"

interface InFlight<A, E> {
  readonly fiber: Fiber.RuntimeFiber<A, E>
  readonly waiters: Set<(exit: Exit.Exit<A, E>) => void>
}

/**
 * Shares one run of an effect among concurrent callers with the same key. The run is a fiber of
 * its own, not of the first caller: a caller that is interrupted only stops waiting, and the run
 * is interrupted when its last caller has gone, or when `scope` (the service's) closes.
 *
 * A caller finds or starts the run and registers itself in one synchronous, uninterruptible step,
 * so that no interruption and no yield of its fiber can fall between the two: a run is never left
 * without the caller that started it, and a caller never registers with a run that has ended.
 * Callers wait on the run's fiber directly (an observer per run, a callback per caller), and the
 * runs in flight are the scope's single finalizer.
 */
export const makeCoalescer = <A, E>(scope: Scope.Scope) => {
  const inFlight = new Map<string, InFlight<A, E>>()
  let closed = false

  /**
   * Starts `run` as a daemon fiber with the caller's context and fiber refs, `first` (the
   * caller's waiter) already registered: the fiber may end before `runFork` returns.
   */
  const start = (
    key: string,
    run: Effect.Effect<A, E>,
    first: (exit: Exit.Exit<A, E>) => void,
    caller: Fiber.RuntimeFiber<A, E>,
    status: FiberStatus.Running
  ) => {
    const runtime = Runtime.make({
      context: caller.currentContext,
      fiberRefs: caller.getFiberRefs(),
      runtimeFlags: status.runtimeFlags
    })
    const entry: InFlight<A, E> = { fiber: Runtime.runFork(runtime)(Effect.interruptible(run)), waiters: new Set([first]) }
    inFlight.set(key, entry)
    // Called at once if the fiber has already ended.
    entry.fiber.addObserver((exit) => {
      if (inFlight.get(key) === entry) inFlight.delete(key)
      for (const waiter of entry.waiters) waiter(exit)
    })
    return entry
  }

  /** A caller stops waiting: the run is interrupted once nobody waits for it. */
  const leave = (key: string, entry: InFlight<A, E>, waiter: (exit: Exit.Exit<A, E>) => void) =>
    Effect.suspend(() => {
      entry.waiters.delete(waiter)
      if (entry.waiters.size > 0) return Effect.void
      if (inFlight.get(key) === entry) inFlight.delete(key)
      return Fiber.interrupt(entry.fiber)
    })

  const interruptAll = Effect.suspend(() => {
    closed = true
    const fibers = Array.from(inFlight.values(), (entry) => entry.fiber)
    inFlight.clear()
    return Fiber.interruptAll(fibers)
  })

  const coalesce = (key: string, run: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.withFiberRuntime<A, E>((caller, status) => {
        if (closed) return Effect.interrupt
        // The run may end before this caller's wait begins: its exit is kept for it.
        let resume: ((exit: Exit.Exit<A, E>) => void) | undefined
        let ended: Exit.Exit<A, E> | undefined
        const waiter = (exit: Exit.Exit<A, E>) => (resume === undefined ? (ended = exit) : resume(exit))
        // A run in the map has not ended: its observer removes it.
        const running = inFlight.get(key)
        running?.waiters.add(waiter)
        const entry = running ?? start(key, run, waiter, caller, status)
        const wait = Effect.onInterrupt(
          restore(Effect.async<A, E>((callback) => {
            if (ended === undefined) resume = callback
            else callback(ended)
          })),
          () => leave(key, entry, waiter)
        )
        return running === undefined ? wait : Effect.zipRight(Metric.increment(TokenVaultMetrics.coalesced), wait)
      })
    )

  return Effect.as(Scope.addFinalizer(scope, interruptAll), coalesce)
}
