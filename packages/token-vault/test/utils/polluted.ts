import * as Effect from "effect/Effect"

/**
 * Runs `f` with these entries on `Object.prototype` (as a prototype-pollution attack leaves them),
 * restoring the prototype afterwards whatever `f` does. Shared by the core's and the Node
 * adapter's prototype-pollution tests.
 */
export const polluted = <A, E, R>(entries: Record<string, unknown>, f: () => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      for (const [key, value] of Object.entries(entries)) {
        Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true })
      }
    }),
    f,
    () =>
      Effect.sync(() => {
        for (const key of Object.keys(entries)) delete (Object.prototype as Record<string, unknown>)[key]
      })
  )
