import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { jsonAnswer, type Script } from "./utils/stubHttpClient.js"
import { advance, github, poll, settle, vaultOver } from "./utils/vault.js"

const success = jsonAnswer(200, { access_token: "federated", expires_in: 3600 })

/** A 429 with `Retry-After: value`. */
const rateLimited = (value: string) => jsonAnswer(429, { error: "too_many_requests" }, { "retry-after": value })

/** Rate-limited once, then a success. */
const rateLimitedOnce = (value: string): Script => (index) => Effect.succeed(index === 0 ? rateLimited(value) : success)

/** RFC 9110's example instant, Sun, 06 Nov 1994 08:49:37 GMT, less three seconds. */
const threeSecondsBefore = Date.UTC(1994, 10, 6, 8, 49, 34)

describe("Retry-After", () => {
  it.effect.each(
    [
      ["2", 2],
      ["0", 0],
      ["5, 7", 5],
      ["5, 5", 5],
      ["Sun, 06 Nov 1994 08:49:37 GMT", 3],
      ["Sunday, 06-Nov-94 08:49:37 GMT", 3],
      ["Sun Nov  6 08:49:37 1994", 3],
      ["Sun, 06 Nov 1994 08:49:30 GMT", 0],
      ["1.5", undefined],
      ["-1", undefined],
      ["soon", undefined],
      ["", undefined],
      ["1994-11-06T08:49:37Z", undefined],
      ["Sun, 06 Nov 1994 08:49:37 UTC", undefined],
      ["Sun Nov 6 08:49:37 1994", undefined],
      ["Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT", undefined]
    ] as const
  )("%j gives retryAfter %s", ([value, retryAfter]) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(threeSecondsBefore)
      const { vault } = yield* vaultOver(rateLimited(value), { retry: false })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error._tag).toBe("RateLimitError")
      expect(error).toHaveProperty("retryAfter", retryAfter)
    }))

  it.effect("a 429 with an unusable Retry-After (1.5) is retried after the backoff, not at once", () =>
    Effect.gen(function*() {
      // Today: `Date.parse("1.5")` is a day in 2001, which would make the wait 0.
      yield* TestClock.setTime(Date.UTC(2025, 0, 1))
      const { instants, vault } = yield* vaultOver(rateLimitedOnce("1.5"), { retry: { baseDelay: "1 second" } })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("2 seconds")
      yield* Fiber.join(call)
      expect(instants).toHaveLength(2)
      expect(instants[1]! - instants[0]!).toBeGreaterThanOrEqual(800) // 1 s less the 20 % jitter
    }))
})

describe("Retry-After and the total limit", () => {
  it.effect.each(["10", "5"])(
    "Retry-After: %s with timeout.total 5 s fails at once with the RateLimitError",
    (value) =>
      Effect.gen(function*() {
        const { instants, vault } = yield* vaultOver(rateLimited(value), { timeout: { total: "5 seconds" } })
        const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
        yield* settle
        // Done without the clock moving: no sleep until the deadline.
        const exit = yield* poll(call)
        expect(Option.isSome(exit) && Exit.isFailure(exit.value)).toBe(true)
        const error = yield* Effect.flip(Fiber.join(call))
        expect(error).toMatchObject({ _tag: "RateLimitError", retryAfter: Number(value) })
        expect(instants).toEqual([0])
      })
  )

  it.effect("Retry-After: 2 with timeout.total 5 s is retried after 2 s and succeeds", () =>
    Effect.gen(function*() {
      const { instants, vault } = yield* vaultOver(rateLimitedOnce("2"), { timeout: { total: "5 seconds" } })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("1999 millis")
      expect(instants).toEqual([0])
      yield* advance("1 millis")
      const tokenSet = yield* Fiber.join(call)
      expect(Redacted.value(tokenSet.accessToken)).toBe("federated")
      expect(instants).toEqual([0, 2000])
    }))
})
