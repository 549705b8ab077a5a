import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Layer, Redacted } from "effect"
import { HttpClient } from "effect/http"
import { jsonAnswer } from "./utils/stubHttpClient.js"
import { secretOf, tenant } from "./utils/tenant.js"
import { github, vaultOver } from "./utils/vault.js"

const call = { connection: "github", accessToken: "alice-access-token" } as const

/** The error of one call through `vault` over the emulated tenant. */
const failure = (
  vault: Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError, HttpClient.HttpClient>
) =>
  Effect.gen(function*() {
    const emulator = yield* TokenVaultEmulator.make(tenant)
    const error = yield* Effect.flip(TokenVault.getAccessTokenForConnection(call)).pipe(
      Effect.provide(vault.pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, EmulatorHttpClient.make(emulator)))))
    )
    expect(error).toBeInstanceOf(TokenVaultError.TokenExchangeError)
    return error as TokenVaultError.TokenExchangeError
  })

const options = (clientId: string, secret: string) => ({
  domain: tenant.domain,
  clientId,
  clientSecret: Redacted.make(secret),
  retry: false as const
})

const env = (clientId: string, secret: string) =>
  ConfigProvider.fromEnv({
    env: { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_SECRET: secret }
  })

describe("Auth0 rejecting the client's authentication", () => {
  it.effect("a wrong secret: the message says to check the client id and secret; the fields are Auth0's answer", () =>
    Effect.gen(function*() {
      const error = yield* failure(TokenVault.layer(options("web-app", "not-the-secret")))
      expect(error.message).toBe(
        "Auth0 rejected the client's authentication in the token exchange for connection \"github\" " +
          "(401 access_denied): Unauthorized; check the client id and secret (clientId, clientSecret)"
      )
      expect({ ...error }).toStrictEqual({
        _tag: "TokenExchangeError",
        status: 401,
        error: "access_denied",
        errorDescription: "Unauthorized",
        connection: "github"
      })
      expect(error.message).not.toContain("not-the-secret")
    }))

  it.effect("an unknown client id: the same advice", () =>
    Effect.gen(function*() {
      const error = yield* failure(TokenVault.layer(options("no-such-client", secretOf("web-app"))))
      expect(error.message).toContain("check the client id and secret (clientId, clientSecret)")
    }))

  it.effect("invalid_client (a method the client may not use): the same advice", () =>
    Effect.gen(function*() {
      const error = yield* failure(TokenVault.layer(options("basic-only", secretOf("basic-only"))))
      expect(error.error).toBe("invalid_client")
      expect(error.message).toContain("rejected the client's authentication")
      expect(error.message).toContain("check the client id and secret")
    }))

  it.effect("options from layerConfig: the message names AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET", () =>
    Effect.gen(function*() {
      const error = yield* failure(TokenVault.layerConfig()).pipe(
        Effect.provideService(ConfigProvider.ConfigProvider, env("web-app", "not-the-secret"))
      )
      expect(error.message).toContain("check the client id and secret (AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET)")
      expect(error.message).not.toContain("not-the-secret")
    }))

  it.effect("a config of the application's own variables names no AUTH0_ variable", () =>
    Effect.gen(function*() {
      const error = yield* failure(TokenVault.layerConfig({
        domain: Config.String("AUTH0_DOMAIN"),
        clientId: Config.String("AUTH0_CLIENT_ID"),
        clientSecret: Config.Redacted("AUTH0_CLIENT_SECRET"),
        retry: Config.succeed(false as const)
      })).pipe(Effect.provideService(ConfigProvider.ConfigProvider, env("web-app", "not-the-secret")))
      expect(error.message).toContain("check the client id and secret (clientId, clientSecret)")
    }))

  it.effect("a refused user keeps the message about the exchange, with no advice about the client", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const error = yield* Effect.flip(
        TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "unknown-token" })
      ).pipe(
        Effect.provide(
          TokenVault.layer(options("web-app", secretOf("web-app"))).pipe(
            Layer.provide(Layer.succeed(HttpClient.HttpClient, EmulatorHttpClient.make(emulator)))
          )
        )
      )
      expect(error._tag).toBe("InvalidSubjectTokenError")
      expect(error.message).toMatch(
        /^Auth0 refused the subject token of the token exchange for connection "github" \(401 invalid_grant\)/
      )
      expect(error.message).not.toContain("client id")
    }))

  it.effect("with mTLS, the advice is the client id and the certificate", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver(
        jsonAnswer(401, { error: "invalid_client", error_description: "The client certificate is not trusted" }),
        { clientAuthentication: "tls_client_auth", mtlsEndpoint: "https://mtls.tenant.auth0.com/oauth/token" }
      )
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error.message).toMatch(/; check the client id \(clientId\) and the client certificate$/)
    }))
})
