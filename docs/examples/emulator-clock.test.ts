/**
 * Retries, time limits and the token cache under `@effect/vitest`'s `TestClock`, against the
 * emulator in memory.
 *
 * Under `TestClock` nothing that waits on the clock happens until the test moves it: not a
 * retry's backoff, not a `Retry-After`, not a time limit, not the expiry of a cache entry. A call
 * that needs a retry must run in a fiber while the test moves the clock (`runWithClock` below),
 * or the client must be built with `retry: false`.
 */
import { TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: "my-api", clientSecret: "my-api-secret" }],
  users: [{
    userId: "auth0|alice",
    accessTokens: ["at-alice"],
    connections: { "google-oauth2": [{ accessToken: "ya29.alice", expiresIn: 3600 }] }
  }]
}

/** TokenVault over a fresh in-memory emulator, with extra client options. */
const vaultLayer = (options: Partial<TokenVaultOptions.TokenVaultOptions> = {}) =>
  TokenVault.layer({
    domain: tenant.domain,
    clientId: "my-api",
    clientSecret: Redacted.make("my-api-secret"),
    ...options
  })
    .pipe(Layer.provideMerge(EmulatorHttpClient.layerTenant(tenant)))

const google = { connection: "google-oauth2", accessToken: "at-alice" } as const
const exchange = TokenVault.getAccessTokenForConnection(google)

/** One real-time tick: lets work that Effect's scheduler doesn't run (a WebCrypto digest of the cache key where the runtime has no node:crypto, body streams) finish. */
const tick = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 10)))

/** Runs `effect` in a fiber and moves the TestClock 100 ms at a time until the fiber is done. */
const runWithClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(effect)
    while (fiber.pollUnsafe() === undefined) {
      yield* tick
      yield* TestClock.adjust("100 millis")
    }
    return yield* Fiber.join(fiber)
  })

describe("retries under TestClock", () => {
  it.effect("a 503 is retried once the clock moves past the backoff", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.ServerError({ status: 503 }), { times: 1 })
      const tokenSet = yield* runWithClock(exchange)
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
      const requests = yield* TokenVaultEmulator.requests
      expect(requests.map((request) => request.fault?._tag)).toEqual(["ServerError", undefined])
    }).pipe(Effect.provide(vaultLayer())))

  it.effect("a 429 is retried after the Retry-After Auth0 sent", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.RateLimited({ retryAfter: 2 }), { times: 1 })
      yield* runWithClock(exchange)
      const [limited, retried] = yield* TokenVaultEmulator.requests
      expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(2_000)
    }).pipe(Effect.provide(vaultLayer())))

  it.effect("a connection reset before the headers is retried", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.ResetBeforeHeaders(), { times: 2 })
      yield* runWithClock(exchange)
      expect(yield* TokenVaultEmulator.requests).toHaveLength(3)
    }).pipe(Effect.provide(vaultLayer())))

  it.effect("with retry: false the first failure comes back at once, no clock needed", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.ServerError({ status: 503 }))
      const error = yield* Effect.flip(exchange)
      expect(error._tag === "UnexpectedResponseError" && error.status).toBe(503)
      expect(yield* TokenVaultEmulator.requests).toHaveLength(1)
    }).pipe(Effect.provide(vaultLayer({ retry: false }))))

  it.effect("a stalled body ends at the attempt time limit", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.StalledBody())
      const error = yield* runWithClock(Effect.flip(exchange))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("no complete response within 2s")
      // The headers had arrived, so the client did not retry.
      expect(error._tag === "TransportError" && error.responseReceived).toBe(true)
      expect(yield* TokenVaultEmulator.requests).toHaveLength(1)
    }).pipe(Effect.provide(vaultLayer({ timeout: { attempt: "2 seconds" } }))))
})

describe("the token cache under TestClock", () => {
  it.effect("serves the token set until shortly before it expires; invalidate and cache: false go to Auth0", () =>
    Effect.gen(function*() {
      const sent = Effect.map(TokenVaultEmulator.requests, (requests) => requests.length)
      yield* exchange
      yield* exchange
      expect(yield* sent).toBe(1) // the second call was a cache hit

      yield* TokenVault.getAccessTokenForConnection({ ...google, cache: false })
      expect(yield* sent).toBe(2) // skipped the lookup, refreshed the entry

      yield* TokenVault.invalidate(google)
      yield* exchange
      expect(yield* sent).toBe(3)

      // expires_in is 3600 s and the cache's skew 60 s: served for 3540 s, then exchanged again.
      yield* TestClock.adjust("3539 seconds")
      yield* exchange
      expect(yield* sent).toBe(3)
      yield* TestClock.adjust("1 second")
      yield* exchange
      expect(yield* sent).toBe(4)
    }).pipe(Effect.provide(vaultLayer())))
})
