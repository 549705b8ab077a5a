import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import type * as Scope from "effect/Scope"
import * as TokenVaultMetrics from "../TokenVaultMetrics.js"

interface InFlight<A, E> {
  readonly result: Deferred.Deferred<A, E>
  fiber: Fiber.RuntimeFiber<void, E> | undefined
  waiters: number
}

/**
 * Shares one run of an effect among concurrent callers with the same key. The run lives in
 * `scope` (the service's), not in the first caller's fiber: a caller that is interrupted only
 * stops waiting, and the run is interrupted when its last caller has gone.
 */
export const makeCoalescer = <A, E>(scope: Scope.Scope) => {
  const inFlight = new Map<string, InFlight<A, E>>()

  return (key: string, run: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        let entry = inFlight.get(key)
        if (entry === undefined) {
          const created: InFlight<A, E> = { result: yield* Deferred.make<A, E>(), fiber: undefined, waiters: 0 }
          inFlight.set(key, created)
          created.fiber = yield* Effect.interruptible(run).pipe(
            Effect.onExit((exit: Exit.Exit<A, E>) =>
              Effect.zipRight(
                Effect.sync(() => {
                  if (inFlight.get(key) === created) inFlight.delete(key)
                }),
                Deferred.done(created.result, exit)
              )
            ),
            Effect.asVoid,
            Effect.forkIn(scope)
          )
          entry = created
        } else {
          yield* Metric.increment(TokenVaultMetrics.coalesced)
        }
        const joined = entry
        joined.waiters++
        return yield* restore(Deferred.await(joined.result)).pipe(
          Effect.onInterrupt(() =>
            Effect.suspend(() => {
              joined.waiters--
              if (joined.waiters > 0 || joined.fiber === undefined) return Effect.void
              if (inFlight.get(key) === joined) inFlight.delete(key)
              return Fiber.interrupt(joined.fiber)
            })
          )
        )
      })
    )
}
