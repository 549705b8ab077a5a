import { AccessTokenForConnectionOptions, TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Redacted, Schema } from "effect"
import { polluted } from "./utils/polluted.js"
import { stubHttpClient } from "./utils/stubHttpClient.js"

const success = { status: 200, body: JSON.stringify({ access_token: "federated-token", expires_in: 600 }) }
const base = { domain: "tenant.auth0.com", clientId: "client", clientSecret: Redacted.make("client-secret-value") }
const call = { connection: "github", accessToken: "subject-token" } as const

/** A cache store that records what it was given. */
const recordingStore = () => {
  const received: Array<unknown> = []
  const store = {
    get: () => Effect.succeed(undefined),
    set: (_key: string, tokenSet: unknown) => Effect.sync(() => void received.push(tokenSet)),
    invalidate: () => Effect.void
  }
  return { store, received }
}

/** Two calls through a vault built from `options`: the URLs requested. */
const exchangeTwice = (options: TokenVaultOptions.TokenVaultOptions) =>
  Effect.gen(function*() {
    const stub = yield* stubHttpClient(success)
    yield* Effect.gen(function*() {
      const vault = yield* TokenVault.make(options)
      yield* vault.getAccessTokenForConnection(call)
      yield* vault.getAccessTokenForConnection(call)
    }).pipe(Effect.provide(stub.layer), Effect.scoped)
    return (yield* stub.seen).map((request) => request.url)
  })

describe("client options are read as own properties only (a polluted Object.prototype changes nothing)", () => {
  it.effect("Object.prototype.store never receives a token set; the client's own cache answers", () => {
    const { received, store } = recordingStore()
    return polluted({ store }, () =>
      Effect.gen(function*() {
        // Also through the nested cache options, where `store` would be read.
        for (const options of [base, { ...base, cache: { maxEntries: 10 } }]) {
          const urls = yield* exchangeTwice(options)
          expect(urls).toEqual(["https://tenant.auth0.com/oauth/token"])
        }
        expect(received).toEqual([])
      }))
  })

  it.effect("Object.prototype.cache (a store in it) is ignored", () => {
    const { received, store } = recordingStore()
    return polluted({ cache: { store } }, () =>
      Effect.gen(function*() {
        expect(yield* exchangeTwice(base)).toEqual(["https://tenant.auth0.com/oauth/token"])
        expect(received).toEqual([])
      }))
  })

  it.effect("Object.prototype.mtlsEndpoint / clientAuthentication / discoverMtlsEndpoint never redirect tokens", () =>
    polluted({
      mtlsEndpoint: "https://attacker.example/oauth/token",
      discoverMtlsEndpoint: true,
      clientAuthentication: "tls_client_auth"
    }, () =>
      Effect.gen(function*() {
        const urls = yield* exchangeTwice(base)
        expect(urls).toEqual(["https://tenant.auth0.com/oauth/token"])
      })))

  it.effect("Object.prototype.domain / clientId / clientSecret do not fill in missing options", () =>
    polluted(
      { domain: "attacker.example", clientId: "x", clientSecret: Redacted.make("y") },
      () =>
        Effect.gen(function*() {
          const stub = yield* stubHttpClient(success)
          const error = yield* Effect.flip(
            TokenVault.make({ clientId: "client" } as never).pipe(Effect.provide(stub.layer), Effect.scoped)
          )
          expect(error._tag).toBe("InvalidConfigurationError")
          expect(error.option).toBe("domain")
        })
    ))

  // Live clock: the default retry waits about 100 ms, and the answer that follows takes 20 ms.
  it.live("Object.prototype.retry / timeout / telemetry do not change the client", () =>
    polluted(
      { retry: false, maxAttempts: 1, timeout: { attempt: "1 millis", total: "1 millis" }, telemetry: false },
      () =>
        Effect.gen(function*() {
          // A 503, then a success 20 ms later: an inherited `retry: false` would fail the call at the
          // 503, an inherited 1 ms timeout would fail it while waiting for the success.
          const stub = yield* stubHttpClient((index) =>
            index === 0
              ? Effect.succeed({ status: 503, body: "" })
              : Effect.succeed(success).pipe(Effect.delay("20 millis"))
          )
          const tokenSet = yield* Effect.gen(function*() {
            const vault = yield* TokenVault.make(base)
            return yield* vault.getAccessTokenForConnection(call)
          }).pipe(Effect.provide(stub.layer), Effect.scoped)
          expect(Redacted.value(tokenSet.accessToken)).toBe("federated-token")
          const requests = yield* stub.seen
          expect(requests).toHaveLength(2)
          // telemetry stays on: the header is sent.
          expect(requests[0]?.headers["auth0-client"]).toBeDefined()
        })
    ))

  it.effect("the prototype is restored afterwards", () =>
    Effect.sync(() => {
      expect("store" in {}).toBe(false)
      expect("mtlsEndpoint" in {}).toBe(false)
    }))
})

/** The token requests' forms of `calls` through one vault with a cache: what each call did. */
const callForms = (
  calls: ReadonlyArray<Parameters<TokenVault.Service["getAccessTokenForConnection"]>[0]>
) =>
  Effect.gen(function*() {
    const stub = yield* stubHttpClient(success)
    const results = yield* Effect.gen(function*() {
      const vault = yield* TokenVault.make(base)
      const results: Array<string> = []
      for (const options of calls) {
        const exit = yield* Effect.exit(vault.getAccessTokenForConnection(options))
        results.push(
          exit._tag === "Success" ? Redacted.value(exit.value.accessToken) : String(Cause.squash(exit.cause))
        )
      }
      return results
    }).pipe(Effect.provide(stub.layer), Effect.scoped)
    const forms = (yield* stub.seen).map((request) => Object.fromEntries(new URLSearchParams(request.body)))
    return { results, forms }
  })

const callPollution = {
  cache: false,
  refreshToken: "polluted-refresh-token",
  accessToken: "polluted-access-token",
  loginHint: "evil",
  connection: "polluted-connection"
}

describe("call options are read as own properties only (a polluted Object.prototype changes nothing)", () => {
  it.effect("a call behaves as unpolluted: no inherited cache: false, refreshToken or loginHint", () =>
    Effect.gen(function*() {
      const calls = [call, call, { connection: "github", refreshToken: "refresh" }] as const
      const clean = yield* callForms(calls)
      const dirty = yield* polluted(callPollution, () => callForms(calls))
      expect(dirty).toStrictEqual(clean)
      // The cache answered the second call; the first form names the access token and no login hint.
      expect(dirty.forms).toHaveLength(2)
      expect(dirty.forms[0]).toMatchObject({
        connection: "github",
        subject_token: "subject-token",
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token"
      })
      expect(dirty.forms[0]).not.toHaveProperty("login_hint")
      expect(dirty.forms[1]).toMatchObject({
        subject_token: "refresh",
        subject_token_type: "urn:ietf:params:oauth:token-type:refresh_token"
      })
    }))

  it.effect("a call without its own connection still fails \"connection is required\"", () =>
    polluted(callPollution, () =>
      Effect.gen(function*() {
        const stub = yield* stubHttpClient(success)
        const error = yield* Effect.gen(function*() {
          const vault = yield* TokenVault.make(base)
          return yield* Effect.flip(vault.getAccessTokenForConnection({ accessToken: "t" } as never))
        }).pipe(Effect.provide(stub.layer), Effect.scoped)
        expect(error._tag).toBe("InvalidArgumentError")
        expect(error.message).toBe("connection is required")
        expect(yield* stub.seen).toEqual([])
      })))

  it.effect("the public Schema reads own properties too: inherited options are absent", () =>
    polluted(callPollution, () =>
      Effect.sync(() => {
        const decoded = Schema.decodeUnknownSync(AccessTokenForConnectionOptions.AccessTokenForConnectionOptions)(call)
        expect(Object.keys(decoded)).toEqual(["connection", "accessToken"])
        const inherited = Schema.decodeUnknownExit(AccessTokenForConnectionOptions.AccessTokenForConnectionOptions)(
          Object.create({ connection: "github", accessToken: "t" })
        )
        expect(inherited._tag).toBe("Failure")
      })))

  it.effect("invalidate reads own properties only as well", () =>
    polluted(callPollution, () =>
      Effect.gen(function*() {
        const stub = yield* stubHttpClient(success)
        yield* Effect.gen(function*() {
          const vault = yield* TokenVault.make(base)
          yield* vault.getAccessTokenForConnection(call)
          yield* vault.invalidate(call)
          yield* vault.getAccessTokenForConnection(call)
        }).pipe(Effect.provide(stub.layer), Effect.scoped)
        const forms = (yield* stub.seen).map((request) => Object.fromEntries(new URLSearchParams(request.body)))
        // Invalidated under the access-token key: the second call exchanges again, with the same form.
        expect(forms).toHaveLength(2)
        expect(forms[1]).toStrictEqual(forms[0])
        expect(forms[0]).not.toHaveProperty("login_hint")
      })))
})
