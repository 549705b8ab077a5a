import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FiberMap from "effect/FiberMap"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as TokenVaultMetrics from "../TokenVaultMetrics.js"

/**
 * Shares one run of an effect among concurrent callers with the same key. The runs are the
 * fibers of a `FiberMap` owned by the service's scope, not fibers of their callers: a caller that
 * is interrupted only stops waiting, and a run is interrupted when its last caller has gone, or
 * when the scope closes.
 *
 * A caller finds or starts the run and counts itself among its callers in one uninterruptible
 * step, so that no interruption can fall between the two: a run is never left without the caller
 * that started it.
 */
export const makeCoalescer = <A, E>(): Effect.Effect<
  (key: string, run: Effect.Effect<A, E>) => Effect.Effect<A, E>,
  never,
  Scope.Scope
> =>
  Effect.map(FiberMap.make<string, A, E>(), (runs) => {
    /** How many callers wait for each run. */
    const callers = new WeakMap<Fiber.Fiber<A, E>, number>()

    /** A caller stops waiting: the run is interrupted once nobody waits for it. */
    const leave = (fiber: Fiber.Fiber<A, E>) =>
      Effect.suspend(() => {
        const left = callers.get(fiber)! - 1
        callers.set(fiber, left)
        return left > 0 ? Effect.void : Fiber.interrupt(fiber)
      })

    return (key, run) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.suspend(() => {
          const running = Option.getOrUndefined(FiberMap.getUnsafe(runs, key))
          return Effect.flatMap(
            running === undefined ? FiberMap.run(runs, key, run) : Effect.succeed(running),
            (fiber) => {
              callers.set(fiber, (callers.get(fiber) ?? 0) + 1)
              const wait = Effect.onInterrupt(restore(Fiber.join(fiber)), () => leave(fiber))
              return running === undefined ? wait : Effect.andThen(Metric.update(TokenVaultMetrics.coalesced, 1), wait)
            }
          )
        })
      )
  })
