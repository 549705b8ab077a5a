import { TokenVault, TokenVaultError, TokenVaultOptions } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Exit, Layer, Redacted, Schema } from "effect"
import { stubHttpClient } from "./utils/stubHttpClient.js"

const success = { status: 200, body: JSON.stringify({ access_token: "federated", expires_in: 60 }) }

/** The error of building `TokenVault.layerConfig(config)` with these variables, or `undefined`. */
const buildError = (variables: Record<string, string>, config?: unknown) =>
  Effect.gen(function*() {
    const stub = yield* stubHttpClient(success)
    const layer = (config === undefined ? TokenVault.layerConfig() : TokenVault.layerConfig(config as never)).pipe(
      Layer.provide(stub.layer),
      Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(variables)))
    )
    const exit = yield* Effect.exit(Layer.build(layer))
    if (Exit.isSuccess(exit)) return undefined
    const error = yield* Effect.flip(Effect.suspend(() => exit))
    expect(error).toBeInstanceOf(TokenVaultError.InvalidConfigurationError)
    return error
  }).pipe(Effect.scoped)

const renderings = (error: unknown) => [String(error), JSON.stringify(error), (error as Error).message]

describe("layerConfig: every missing variable at once", () => {
  it.effect("names AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET when none is set", () =>
    Effect.gen(function*() {
      const error = yield* buildError({})
      expect(error?.option).toBe("config")
      for (const name of ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"]) {
        expect(error?.message).toContain(name)
      }
    }))

  it.effect("names the secret together with the client id when only the domain is set", () =>
    Effect.gen(function*() {
      const error = yield* buildError({ AUTH0_DOMAIN: "tenant.example.com" })
      expect(error?.message).toContain("AUTH0_CLIENT_ID")
      expect(error?.message).toContain("AUTH0_CLIENT_SECRET")
      expect(error?.message).not.toContain("AUTH0_DOMAIN")
    }))

  it.effect("names AUTH0_CLIENT_SECRET when it is the only one missing", () =>
    Effect.gen(function*() {
      const error = yield* buildError({ AUTH0_DOMAIN: "tenant.example.com", AUTH0_CLIENT_ID: "id" })
      expect(error?.option).toBe("clientSecret")
      expect(error?.message).toContain("AUTH0_CLIENT_SECRET")
    }))

  it.effect("with mTLS the secret is not needed, so it is not named", () =>
    Effect.gen(function*() {
      const error = yield* buildError({ AUTH0_CLIENT_AUTHENTICATION: "tls_client_auth" })
      expect(error?.message).toContain("AUTH0_DOMAIN")
      expect(error?.message).toContain("AUTH0_CLIENT_ID")
      expect(error?.message).not.toContain("AUTH0_CLIENT_SECRET")
    }))

  it.effect("complete variables build the layer", () =>
    Effect.gen(function*() {
      expect(
        yield* buildError({ AUTH0_DOMAIN: "tenant.example.com", AUTH0_CLIENT_ID: "id", AUTH0_CLIENT_SECRET: "s3cret" })
      ).toBeUndefined()
    }))
})

describe("layerConfig: an invalid value lists the allowed ones", () => {
  it.effect("AUTH0_CLIENT_AUTHENTICATION=basic names the variable and the four methods, not the value", () =>
    Effect.gen(function*() {
      const error = yield* buildError({
        AUTH0_DOMAIN: "tenant.example.com",
        AUTH0_CLIENT_ID: "id",
        AUTH0_CLIENT_SECRET: "s3cret",
        AUTH0_CLIENT_AUTHENTICATION: "basic-7f3e"
      })
      expect(error?.option).toBe("config")
      expect(error?.message).toContain("AUTH0_CLIENT_AUTHENTICATION")
      for (const method of TokenVaultOptions.ClientAuthenticationMethod.literals) {
        expect(error?.message).toContain(method)
      }
      for (const text of renderings(error)) expect(text).not.toContain("basic-7f3e")
    }))

  it.effect("a missing variable and an invalid one are reported together", () =>
    Effect.gen(function*() {
      const error = yield* buildError({ AUTH0_DOMAIN: "tenant.example.com", AUTH0_CLIENT_AUTHENTICATION: "basic" })
      expect(error?.message).toContain("AUTH0_CLIENT_ID")
      expect(error?.message).toContain("AUTH0_CLIENT_SECRET")
      expect(error?.message).toContain("AUTH0_CLIENT_AUTHENTICATION")
    }))
})

describe("layerConfig given something that is not a config", () => {
  const notConfigs: ReadonlyArray<readonly [string, unknown]> = [
    ["null", null],
    ["a string", "AUTH0_DOMAIN"],
    ["a string where a Config belongs", { domain: "tenant.example.com" }],
    ["null where a Config belongs", { domain: null }],
    [
      "a throwing getter",
      Object.defineProperty({}, "domain", {
        enumerable: true,
        get: () => {
          throw new Error("getter-secret-9c1")
        }
      })
    ]
  ]
  it.effect.each(notConfigs)(
    "fails typed with option config for %s, and throws nothing",
    ([, config]) =>
      Effect.gen(function*() {
        let error: TokenVaultError.InvalidConfigurationError | undefined
        expect(() => {
          // Building the layer value must not throw either.
          TokenVault.layerConfig(config as never)
        }).not.toThrow()
        error = yield* buildError({}, config)
        expect(error?.option).toBe("config")
        expect(error?.message).toContain("config must be a Config")
        for (const text of renderings(error)) expect(text).not.toContain("getter-secret-9c1")
        error = yield* Effect.flip(TokenVaultOptions.loadConfig(config as never))
        expect(error.option).toBe("config")
      })
  )

  it.effect("loadConfig reads a record of Configs", () =>
    Effect.gen(function*() {
      const options = yield* TokenVaultOptions.loadConfig({
        domain: Config.String("TENANT_DOMAIN"),
        clientId: Config.String("TENANT_CLIENT_ID"),
        clientSecret: Config.Redacted("TENANT_CLIENT_SECRET")
      }).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({
          TENANT_DOMAIN: "tenant.example.com",
          TENANT_CLIENT_ID: "id",
          TENANT_CLIENT_SECRET: "s3cret"
        })))
      )
      expect(options.domain).toBe("tenant.example.com")
      expect(Redacted.value(options.clientSecret)).toBe("s3cret")
    }))
})

describe("the mTLS client-authentication methods", () => {
  it("are tls_client_auth and self_signed_tls_client_auth, both among all the methods", () => {
    expect(TokenVaultOptions.MtlsClientAuthenticationMethod.literals).toEqual([
      "tls_client_auth",
      "self_signed_tls_client_auth"
    ])
    const isMtls = Schema.is(TokenVaultOptions.MtlsClientAuthenticationMethod)
    expect(TokenVaultOptions.ClientAuthenticationMethod.literals.filter(isMtls)).toEqual([
      "tls_client_auth",
      "self_signed_tls_client_auth"
    ])
  })
})
