/**
 * Testing your own code with the bundled Token Vault emulator, with `@effect/vitest`.
 *
 * `calendarAuthorization` stands for code of yours that needs a user's Google token. The tests run
 * it against the emulator in memory (no sockets), read what the emulator received, switch faults
 * on, move the TestClock, and finally run it over real HTTP against the loopback server. Each test
 * provides its own layer, so each starts with a fresh emulator and an empty token cache.
 */
import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import {
  EmulatorHttpClient,
  EmulatorServer,
  Fault,
  TestCertificates,
  TokenVaultEmulator
} from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"

// -- the code under test -------------------------------------------------------------------------

/** The `Authorization` header for Google Calendar, for the user holding `auth0AccessToken`. */
const calendarAuthorization = (auth0AccessToken: string) =>
  Effect.map(
    TokenVault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: auth0AccessToken }),
    (tokenSet) => ({ header: `Bearer ${Redacted.value(tokenSet.accessToken)}`, expiresAt: tokenSet.expiresAt })
  )

// -- the emulated tenant -------------------------------------------------------------------------

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: "my-api", clientSecret: "my-api-secret" }],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: ["at-alice", { token: "at-alice-short-lived", expiresAt: 60 }],
      connections: {
        "google-oauth2": [{
          loginHint: "alice@example.com",
          accessToken: "ya29.alice",
          scope: "openid email",
          expiresIn: 3599
        }]
      }
    },
    // Bob signed in, but never connected a Google account.
    { userId: "auth0|bob", accessTokens: ["at-bob"] }
  ]
}

const clientOptions = { clientId: "my-api", clientSecret: Redacted.make("my-api-secret") }

/** TokenVault over the emulator's in-memory HttpClient; the emulator itself is provided too. */
const InMemory = TokenVault.layer({ domain: tenant.domain, ...clientOptions }).pipe(
  Layer.provideMerge(EmulatorHttpClient.layerTenant(tenant))
)

describe("calendarAuthorization, in memory", () => {
  it.effect("exchanges Alice's token and sends what Auth0 expects", () =>
    Effect.gen(function*() {
      const result = yield* calendarAuthorization("at-alice")
      expect(result.header).toBe("Bearer ya29.alice")

      const [request] = yield* TokenVaultEmulator.requests
      expect(request?.path).toBe("/oauth/token")
      expect(request?.form["connection"]).toBe("google-oauth2")
      expect(request?.form["subject_token_type"]).toBe(TokenVaultEmulator.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN)
      expect(request?.form["client_id"]).toBe("my-api")
      expect(request?.headers["traceparent"]).toBeUndefined()
    }).pipe(Effect.provide(InMemory)))

  it.effect("expiresAt follows the TestClock, and so does the expiry of subject tokens", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(30_000) // 30 s after the epoch
      const fresh = yield* calendarAuthorization("at-alice")
      expect(fresh.expiresAt).toBe(30 + 3599) // Clock seconds + the identity's expiresIn

      yield* TestClock.adjust("1 minute") // past the short-lived subject token's expiresAt (60 s)
      const expired = yield* Effect.flip(calendarAuthorization("at-alice-short-lived"))
      expect(expired).toBeInstanceOf(TokenVaultError.InvalidSubjectTokenError)
      expect(expired._tag === "InvalidSubjectTokenError" && expired.error).toBe("invalid_grant")
    }).pipe(Effect.provide(InMemory)))

  it.effect("a user without a connected account gets an AccountNotConnectedError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(calendarAuthorization("at-bob"))
      expect(error._tag).toBe("AccountNotConnectedError")
      if (error._tag === "AccountNotConnectedError") {
        expect(error.status).toBe(401)
        expect(error.error).toBe("federated_connection_refresh_token_not_found")
      }
    }).pipe(Effect.provide(InMemory)))

  // None of these faults is retried by the client (a Retry-After of 30 s is over the 10 s it waits
  // at most, a 200 HTML page and a 500 are final), so no TestClock is needed: see
  // emulator-clock.test.ts for faults that are retried.
  it.effect("faults: rate limit, HTML and server errors become typed errors", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.RateLimited({ retryAfter: 30, remaining: 0 }))
      const limited = yield* Effect.flip(calendarAuthorization("at-alice"))
      expect(limited._tag === "RateLimitError" && limited.retryAfter).toBe(30)

      yield* TokenVaultEmulator.setFault(Fault.Html())
      const html = yield* Effect.flip(calendarAuthorization("at-alice"))
      expect(html._tag === "UnexpectedResponseError" && html.description).toBe("the success body is not JSON")

      yield* TokenVaultEmulator.setFault(Fault.ServerError())
      const down = yield* Effect.flip(calendarAuthorization("at-alice"))
      expect(down._tag === "UnexpectedResponseError" && down.status).toBe(500)

      yield* TokenVaultEmulator.setFault(undefined)
      expect((yield* calendarAuthorization("at-alice")).header).toBe("Bearer ya29.alice")
      expect(yield* TokenVaultEmulator.requests).toHaveLength(4) // faulted requests are recorded too
    }).pipe(Effect.provide(InMemory)))
})

describe("calendarAuthorization, over HTTP", () => {
  it.effect("runs against the loopback server through undici", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator) // closed when the test's scope closes

      const result = yield* calendarAuthorization("at-alice").pipe(
        Effect.provide(NodeTokenVault.layer({ domain: server.url, ...clientOptions }))
      )
      expect(result.header).toBe("Bearer ya29.alice")
      const [request] = yield* emulator.requests
      expect(request?.headers["host"]).toBe(server.domain)
      expect(yield* server.connections).toBe(1)
    }))

  it.effect("authenticates with a client certificate over HTTPS (mTLS)", () =>
    Effect.gen(function*() {
      const certificates = yield* TestCertificates.make() // a CA and a server certificate for 127.0.0.1, made with openssl
      const clientCertificate = yield* certificates.issueClient("CN=my-api")
      const emulator = yield* TokenVaultEmulator.make({
        ...tenant,
        clients: [{ clientId: "my-api", authMethods: ["tls_client_auth"], tlsClientAuthSubjectDn: "CN=my-api" }]
      })
      const server = yield* EmulatorServer.serve(emulator, {
        tls: {
          cert: certificates.server.cert,
          key: certificates.server.key,
          ca: certificates.ca.cert,
          requestClientCertificate: true
        }
      })

      const result = yield* calendarAuthorization("at-alice").pipe(
        Effect.provide(NodeTokenVault.layer({
          domain: server.url, // https://127.0.0.1:PORT
          clientId: "my-api",
          clientAuthentication: "tls_client_auth",
          discoverMtlsEndpoint: true, // the server advertises its own token endpoint as the mTLS alias
          tls: { cert: clientCertificate.cert, key: clientCertificate.key, ca: certificates.ca.cert }
        }))
      )
      expect(result.header).toBe("Bearer ya29.alice")
      const [discovery, token] = yield* emulator.requests
      expect(discovery?.path).toBe("/.well-known/openid-configuration")
      expect(token?.clientCertificate?.subjectDn).toBe("CN=my-api")
      expect(token?.form["client_secret"]).toBeUndefined()
    }), { timeout: 30_000 })
})
