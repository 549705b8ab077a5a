import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Scope from "effect/Scope"
import * as TokenVaultMetrics from "../TokenVaultMetrics.js"

interface InFlight<A, E> {
  readonly fiber: Fiber.RuntimeFiber<A, E>
  readonly waiters: Set<(exit: Exit.Exit<A, E>) => void>
}

/**
 * Shares one run of an effect among concurrent callers with the same key. The run is a fiber of
 * its own, not of the first caller: a caller that is interrupted only stops waiting, and the run
 * is interrupted when its last caller has gone, or when `scope` (the service's) closes. Callers
 * wait on the run's fiber directly (an observer per run, a callback per caller), and the runs in
 * flight are the scope's single finalizer: a fraction of the cost of a `Deferred` per run and a
 * child scope per fork (`Effect.forkIn`).
 */
export const makeCoalescer = <A, E>(scope: Scope.Scope) => {
  const inFlight = new Map<string, InFlight<A, E>>()
  let closed = false

  const join = (key: string, entry: InFlight<A, E>) =>
    Effect.async<A, E>((resume) => {
      entry.waiters.add(resume)
      return Effect.suspend(() => {
        entry.waiters.delete(resume)
        if (entry.waiters.size > 0) return Effect.void
        if (inFlight.get(key) === entry) inFlight.delete(key)
        return Fiber.interrupt(entry.fiber)
      })
    })

  const interruptAll = Effect.suspend(() => {
    closed = true
    const fibers = Array.from(inFlight.values(), (entry) => entry.fiber)
    inFlight.clear()
    return Fiber.interruptAll(fibers)
  })

  const coalesce = (key: string, run: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.suspend(() => {
      if (closed) return Effect.interrupt
      const running = inFlight.get(key)
      if (running !== undefined) return Effect.zipRight(Metric.increment(TokenVaultMetrics.coalesced), join(key, running))
      // Uninterruptible from the fork until this caller waits: a run is never left without one.
      return Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Effect.forkDaemon(Effect.interruptible(run)), (fiber) => {
          const entry: InFlight<A, E> = { fiber, waiters: new Set() }
          inFlight.set(key, entry)
          fiber.addObserver((exit) => {
            if (inFlight.get(key) === entry) inFlight.delete(key)
            for (const waiter of entry.waiters) waiter(exit)
          })
          return restore(join(key, entry))
        })
      )
    })

  return Effect.as(Scope.addFinalizer(scope, interruptAll), coalesce)
}
