import { TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, type Scope } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { readFileSync } from "node:fs"
import { closedPort } from "./utils/closedPort.js"
import { secretOf, tenant } from "./utils/tenant.js"

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  readonly version: string
}

interface Setup {
  readonly emulator: TokenVaultEmulator.TokenVaultEmulator
  readonly makeVault: (
    overrides?: Partial<TokenVaultOptions.TokenVaultOptions>
  ) => Effect.Effect<TokenVault.Service, TokenVaultError.InvalidConfigurationError, Scope.Scope>
}

const clientOptions = (domain: string, overrides: Partial<TokenVaultOptions.TokenVaultOptions> = {}) => ({
  domain,
  clientId: "web-app",
  clientSecret: Redacted.make(secretOf("web-app")),
  // Each error must surface as it is; retries have tests of their own.
  retry: false as const,
  ...overrides
})

/**
 * The two ways of reaching the emulator. Every test below runs over both and must pass the same:
 * swapping the HTTP layer changes nothing but the transport.
 */
const transports: ReadonlyArray<readonly [string, Effect.Effect<Setup, never, Scope.Scope>]> = [
  [
    "in-memory HttpClient",
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const http = EmulatorHttpClient.make(emulator)
      return {
        emulator,
        makeVault: (overrides) =>
          TokenVault.make(clientOptions(tenant.domain, overrides)).pipe(
            Effect.provideService(HttpClient.HttpClient, http)
          )
      }
    })
  ],
  [
    "loopback server over undici",
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      const undici = yield* Layer.build(NodeHttpClient.layerUndici)
      return {
        emulator,
        makeVault: (overrides) => TokenVault.make(clientOptions(server.url, overrides)).pipe(Effect.provide(undici))
      }
    })
  ]
]

/** Auth0's OAuth error answer, as the error of the tag it is classified as. */
const exchangeError = <Tag extends TokenVaultError.TokenVaultError["_tag"]>(
  tag: Tag,
  error: TokenVaultError.TokenVaultError
) => {
  expect(error._tag).toBe(tag)
  return error as Extract<TokenVaultError.TokenVaultError, { readonly _tag: Tag }>
}

describe.each(transports)("exchange over the %s", (_, setup) => {
  it.effect("an access token becomes the connection's token set", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_800_000_000_000)
      const { makeVault } = yield* setup
      const vault = yield* makeVault()
      const tokenSet = yield* vault.getAccessTokenForConnection({
        connection: "github",
        accessToken: "alice-access-token"
      })
      expect(Redacted.value(tokenSet.accessToken)).toBe("gho_alice")
      expect(tokenSet.scope).toBe("repo")
      expect(tokenSet.expiresAt).toBe(1_800_000_000 + 3600)
      expect(tokenSet.connection).toBe("github")
      expect(tokenSet.loginHint).toBeUndefined()
    }))

  it.effect("a refresh token and a login_hint select the matching identity", () =>
    Effect.gen(function*() {
      const { makeVault } = yield* setup
      const vault = yield* makeVault()
      const tokenSet = yield* vault.getAccessTokenForConnection({
        connection: "google-oauth2",
        refreshToken: Redacted.make("alice-refresh-token"),
        loginHint: "alice.home@example.com"
      })
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice-home")
      expect(tokenSet.scope).toBeUndefined()
      expect(tokenSet.loginHint).toBe("alice.home@example.com")
    }))

  it.effect("the request on the wire is the Token Vault grant with client_secret_post", () =>
    Effect.gen(function*() {
      const { emulator, makeVault } = yield* setup
      const vault = yield* makeVault()
      yield* vault.getAccessTokenForConnection({
        connection: "google-oauth2",
        accessToken: "alice-access-token",
        loginHint: "alice@example.com"
      })
      const [request] = yield* emulator.requests
      expect(request!.method).toBe("POST")
      expect(request!.path).toBe("/oauth/token")
      expect(request!.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/)
      expect(request!.headers["accept"]).toBe("application/json")
      expect(request!.headers["authorization"]).toBeUndefined()
      expect(request!.form).toEqual({
        grant_type: "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token",
        subject_token: "alice-access-token",
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        requested_token_type: "http://auth0.com/oauth/token-type/federated-connection-access-token",
        connection: "google-oauth2",
        login_hint: "alice@example.com",
        client_id: "web-app",
        client_secret: secretOf("web-app")
      })
      const telemetry = JSON.parse(atob(request!.headers["auth0-client"]!))
      expect(telemetry).toEqual({ name: "@effect-auth0/token-vault", version: manifest.version })
    }))

  it.effect("client_secret_basic sends the credentials in the Authorization header only", () =>
    Effect.gen(function*() {
      const { emulator, makeVault } = yield* setup
      const vault = yield* makeVault({
        clientId: "basic-only",
        clientSecret: Redacted.make(secretOf("basic-only")),
        clientAuthentication: "client_secret_basic"
      })
      const tokenSet = yield* vault.getAccessTokenForConnection({
        connection: "github",
        accessToken: "alice-access-token"
      })
      expect(Redacted.value(tokenSet.accessToken)).toBe("gho_alice")
      const [request] = yield* emulator.requests
      expect(request!.headers["authorization"]).toBe(`Basic ${btoa(`basic-only:${secretOf("basic-only")}`)}`)
      expect(request!.form["client_secret"]).toBeUndefined()
      expect(request!.form["client_id"]).toBeUndefined()
    }))

  it.effect("telemetry: false leaves out the Auth0-Client header", () =>
    Effect.gen(function*() {
      const { emulator, makeVault } = yield* setup
      const vault = yield* makeVault({ telemetry: false })
      yield* vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-access-token" })
      const [request] = yield* emulator.requests
      expect(request!.headers["auth0-client"]).toBeUndefined()
    }))

  it.effect("an unknown subject token is invalid_grant: an InvalidSubjectTokenError", () =>
    Effect.gen(function*() {
      const vault = yield* Effect.flatMap(setup, (s) => s.makeVault())
      const error = exchangeError(
        "InvalidSubjectTokenError",
        yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: "nobody-knows-me" })
        )
      )
      expect(error.status).toBe(401)
      expect(error.error).toBe("invalid_grant")
    }))

  it.effect("a subject token past its expiry (TestClock) is invalid_grant: an InvalidSubjectTokenError", () =>
    Effect.gen(function*() {
      const vault = yield* Effect.flatMap(setup, (s) => s.makeVault())
      yield* TestClock.setTime(1_800_000_000_000)
      const first = yield* vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-short-lived" })
      expect(first.expiresAt).toBe(1_800_000_000 + 3600)
      yield* TestClock.adjust("2 minutes")
      const error = exchangeError(
        "InvalidSubjectTokenError",
        yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-short-lived", cache: false })
        )
      )
      expect(error.error).toBe("invalid_grant")
    }))

  it.effect("a connection the user never linked, or an unknown login_hint, is federated_connection_refresh_token_not_found: an AccountNotConnectedError", () =>
    Effect.gen(function*() {
      const vault = yield* Effect.flatMap(setup, (s) => s.makeVault())
      for (
        const options of [
          { connection: "slack", accessToken: "alice-access-token" },
          { connection: "google-oauth2", accessToken: "alice-access-token", loginHint: "mallory@example.com" }
        ]
      ) {
        const error = exchangeError(
          "AccountNotConnectedError",
          yield* Effect.flip(vault.getAccessTokenForConnection(options))
        )
        expect(error.status).toBe(401)
        expect(error.error).toBe("federated_connection_refresh_token_not_found")
        expect(error.connection).toBe(options.connection)
      }
    }))

  it.effect("a wrong client secret is refused with 401", () =>
    Effect.gen(function*() {
      const vault = yield* Effect.flatMap(setup, (s) => s.makeVault({ clientSecret: Redacted.make("wrong-secret") }))
      const error = exchangeError(
        "TokenExchangeError",
        yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-access-token" })
        )
      )
      expect(error.status).toBe(401)
      expect(error.error).toBe("access_denied")
    }))

  it.effect("a client without the Token Vault grant is unauthorized_client: a ClientNotAllowedError", () =>
    Effect.gen(function*() {
      const vault = yield* Effect.flatMap(
        setup,
        (s) => s.makeVault({ clientId: "no-vault", clientSecret: Redacted.make(secretOf("no-vault")) })
      )
      const error = exchangeError(
        "ClientNotAllowedError",
        yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-access-token" })
        )
      )
      expect(error.status).toBe(403)
      expect(error.error).toBe("unauthorized_client")
    }))

  it.effect.each(
    [
      ["HTML", Fault.Html(), 200, "not JSON"],
      ["non-JSON", Fault.NonJson(), 200, "not JSON"],
      ["JSON with wrong types", Fault.WrongTypes(), 200, "access_token"],
      ["an empty body", Fault.EmptyBody(), 200, "empty body"],
      ["a 500", Fault.ServerError(), 500, "status 500"]
    ] as const
  )("%s is an UnexpectedResponseError", ([_, fault, status, description]) =>
    Effect.gen(function*() {
      const { emulator, makeVault } = yield* setup
      const vault = yield* makeVault()
      yield* emulator.setFault(fault)
      const error = yield* Effect.flip(
        vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-access-token" })
      )
      expect(error._tag).toBe("UnexpectedResponseError")
      expect((error as TokenVaultError.UnexpectedResponseError).status).toBe(status)
      expect((error as TokenVaultError.UnexpectedResponseError).description).toContain(description)
    }))

  it.effect("a 429 with Retry-After is a RateLimitError", () =>
    Effect.gen(function*() {
      const { emulator, makeVault } = yield* setup
      const vault = yield* makeVault()
      yield* emulator.setFault(Fault.RateLimited({ retryAfter: 2, limit: 10, remaining: 0, reset: 1_800_000_002 }))
      const error = yield* Effect.flip(
        vault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-access-token" })
      )
      expect(error._tag).toBe("RateLimitError")
      const rateLimit = error as TokenVaultError.RateLimitError
      expect(rateLimit.retryAfter).toBe(2)
      expect(rateLimit.limit).toBe(10)
      expect(rateLimit.remaining).toBe(0)
      expect(rateLimit.reset).toBe(1_800_000_002)
      expect(rateLimit.error).toBe("too_many_requests")
    }))
})

describe.each(
  [
    ["fetch", FetchHttpClient.layer],
    ["undici", NodeHttpClient.layerUndici]
  ] as const
)("a refused connection over %s", (_, http) => {
  it.effect("is a TransportError naming the token endpoint", () =>
    Effect.gen(function*() {
      const domain = `http://127.0.0.1:${yield* closedPort}`
      const error = yield* TokenVault.getAccessTokenForConnection({
        connection: "github",
        accessToken: "alice-access-token"
      }).pipe(
        Effect.provide(TokenVault.layer(clientOptions(domain))),
        Effect.provide(http),
        Effect.flip
      )
      expect(error._tag).toBe("TransportError")
      expect((error as TokenVaultError.TransportError).url).toBe(`${domain}/oauth/token`)
      expect(error.message).toContain("Could not complete the request")
    }))
})
