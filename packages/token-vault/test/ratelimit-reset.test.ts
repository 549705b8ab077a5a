import { TokenVault } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Option, Redacted } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { jsonAnswer, type Script } from "./utils/stubHttpClient.js"
import { secretOf, tenant } from "./utils/tenant.js"
import { advance, github, poll, settle, vaultOver } from "./utils/vault.js"

const success = jsonAnswer(200, { access_token: "federated", expires_in: 3600 })

/** The clock's start in these tests: a UNIX time in seconds, and in milliseconds. */
const nowSeconds = 1_800_000_000
const nowMillis = nowSeconds * 1000

/** Auth0's 429: its x-ratelimit-* headers, `reset` in UNIX seconds, and `Retry-After` only when given. */
const rateLimited = (reset: number, retryAfter?: string) =>
  jsonAnswer(429, { error: "too_many_requests", error_description: "Global limit has been reached" }, {
    "x-ratelimit-limit": "10",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": String(reset),
    ...(retryAfter === undefined ? {} : { "retry-after": retryAfter })
  })

const rateLimitedOnce = (reset: number, retryAfter?: string): Script => (index) =>
  Effect.succeed(index === 0 ? rateLimited(reset, retryAfter) : success)

/** The call's exit, once it ended without the clock moving; fails the test if it is still waiting. */
const endedAtOnce = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function*() {
    yield* settle
    const exit = yield* poll(fiber)
    expect(Option.isSome(exit)).toBe(true)
    return Option.getOrThrow(exit)
  })

describe("x-ratelimit-reset without Retry-After", () => {
  it.effect("within maxRetryAfter and the deadline: the retry waits until the reset, exactly", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { instants, vault } = yield* vaultOver(rateLimitedOnce(nowSeconds + 3))
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("2999 millis")
      expect(instants).toEqual([nowMillis])
      yield* advance("1 millis")
      const tokenSet = yield* Fiber.join(call)
      expect(Redacted.value(tokenSet.accessToken)).toBe("federated")
      expect(instants).toEqual([nowMillis, nowMillis + 3000])
    }))

  it.effect("past maxRetryAfter: fails at once with the RateLimitError and its figures", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { instants, vault } = yield* vaultOver(rateLimited(nowSeconds + 60))
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      const exit = yield* endedAtOnce(call)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(Fiber.join(call))
      expect(error).toMatchObject({
        _tag: "RateLimitError",
        retryAfter: undefined,
        limit: 10,
        remaining: 0,
        reset: nowSeconds + 60
      })
      expect(instants).toEqual([nowMillis])
    }))

  it.effect("within maxRetryAfter but past the call's deadline: fails at once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { instants, vault } = yield* vaultOver(rateLimited(nowSeconds + 8), { timeout: { total: "5 seconds" } })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      const exit = yield* endedAtOnce(call)
      expect(Exit.isFailure(exit)).toBe(true)
      expect(yield* Effect.flip(Fiber.join(call))).toMatchObject({ _tag: "RateLimitError", reset: nowSeconds + 8 })
      expect(instants).toEqual([nowMillis])
    }))

  it.effect("a larger maxRetryAfter lets the call wait for a later reset", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { instants, vault } = yield* vaultOver(rateLimitedOnce(nowSeconds + 20), {
        retry: { maxRetryAfter: "30 seconds" }
      })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("20 seconds")
      yield* Fiber.join(call)
      expect(instants).toEqual([nowMillis, nowMillis + 20_000])
    }))

  it.effect("a reset that has passed: the usual backoff, not an immediate retry", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { instants, vault } = yield* vaultOver(rateLimitedOnce(nowSeconds - 5), {
        retry: { baseDelay: "1 second" }
      })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("2 seconds")
      yield* Fiber.join(call)
      expect(instants).toHaveLength(2)
      expect(instants[1]! - instants[0]!).toBeGreaterThanOrEqual(800) // 1 s less the 20 % jitter
    }))

  it.effect("Retry-After, when sent, counts and the reset does not", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { instants, vault } = yield* vaultOver(rateLimitedOnce(nowSeconds + 60, "2"))
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("2 seconds")
      yield* Fiber.join(call)
      expect(instants).toEqual([nowMillis, nowMillis + 2000])
    }))
})

describe("the emulator's RateLimited fault", () => {
  const over = (fault: Fault.Fault) =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      yield* emulator.setFault(fault, { times: 1 })
      const vault = yield* TokenVault.make({
        domain: tenant.domain,
        clientId: "web-app",
        clientSecret: Redacted.make(secretOf("web-app"))
      }).pipe(Effect.provide(Layer.succeed(HttpClient.HttpClient, EmulatorHttpClient.make(emulator))))
      const call = yield* Effect.forkChild(
        vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-access-token" })
      )
      return { emulator, call }
    })

  it.effect("sends Auth0's headers without Retry-After, and the client waits until the reset", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { call, emulator } = yield* over(Fault.RateLimited({ reset: nowSeconds + 4 }))
      yield* advance("3999 millis")
      expect((yield* emulator.requests).length).toBe(1)
      yield* advance("1 millis")
      expect(Redacted.value((yield* Fiber.join(call)).accessToken)).toBe("gho_alice")
      expect((yield* emulator.requests).length).toBe(2)
    }))

  it.effect("by default: a reset one second ahead of the emulator's clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(nowMillis)
      const { call, emulator } = yield* over(Fault.RateLimited())
      yield* advance("999 millis")
      expect((yield* emulator.requests).length).toBe(1)
      yield* advance("1 millis")
      yield* Fiber.join(call)
      expect((yield* emulator.requests).length).toBe(2)
    }))
})
