import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Cause, ConfigProvider, Effect, Exit, Layer, Option, Redacted, Result } from "effect"
import { readFileSync } from "node:fs"
import { packageName, packageVersion } from "../src/internal/version.js"
import * as FastCheck from "./utils/arbitraries.js"
import { stubHttpClient } from "./utils/stubHttpClient.js"

const success = { status: 200, body: JSON.stringify({ access_token: "federated", expires_in: 60 }) }
const secret = Redacted.make("client-secret-value")

/** The URL the client posts to for `domain`, or the configuration error. */
const tokenUrlFor = (domain: string) =>
  Effect.gen(function*() {
    const stub = yield* stubHttpClient(success)
    const vault = yield* TokenVault.make({ domain, clientId: "client", clientSecret: secret }).pipe(
      Effect.provide(stub.layer)
    )
    yield* vault.getAccessTokenForConnection({ connection: "github", accessToken: "subject" })
    const [request] = yield* stub.seen
    return request!.url
  }).pipe(Effect.scoped)

describe("client options", () => {
  it.effect.each(
    [
      ["tenant.auth0.com", "https://tenant.auth0.com/oauth/token"],
      ["https://tenant.auth0.com", "https://tenant.auth0.com/oauth/token"],
      ["https://tenant.auth0.com/", "https://tenant.auth0.com/oauth/token"],
      ["tenant.auth0.com/", "https://tenant.auth0.com/oauth/token"],
      ["HTTPS://Login.Example.COM", "https://login.example.com/oauth/token"],
      ["login.example.com:8443", "https://login.example.com:8443/oauth/token"],
      ["http://127.0.0.1:4000", "http://127.0.0.1:4000/oauth/token"],
      ["http://localhost:4000/", "http://localhost:4000/oauth/token"],
      ["http://[::1]:4000", "http://[::1]:4000/oauth/token"]
    ] as const
  )("accepts the domain %s", ([domain, url]) =>
    Effect.gen(function*() {
      expect(yield* tokenUrlFor(domain)).toBe(url)
    }))

  it.effect.each(
    [
      ["", "non-empty"],
      [" tenant.auth0.com", "whitespace"],
      ["tenant.auth0.com\n", "whitespace"],
      ["ten ant.auth0.com", "whitespace"],
      ["http://tenant.auth0.com", "https"],
      ["http://192.168.1.10", "https"],
      ["ftp://tenant.auth0.com", "https"],
      ["https://tenant.auth0.com/oauth", "no path"],
      ["https://tenant.auth0.com?x=1", "no path, query"],
      ["https://tenant.auth0.com#frag", "fragment"],
      ["https://user:hunter2@tenant.auth0.com", "user-info"],
      ["https://", "host"],
      ["https://exa mple.com", "whitespace"],
      ["https://[zz]", "valid host"]
    ] as const
  )("rejects the domain %j", ([domain, reason]) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(tokenUrlFor(domain))
      expect(error._tag).toBe("InvalidConfigurationError")
      const configError = error as TokenVaultError.InvalidConfigurationError
      expect(configError.option).toBe("domain")
      expect(configError.message).toContain(reason)
      expect(configError.message).not.toContain("hunter2")
    }))

  it.effect.each(
    [
      [{ clientId: "" }, "clientId"],
      [{ clientId: 42 }, "clientId"],
      [{ clientSecret: undefined }, "clientSecret"],
      [{ clientSecret: "plain-string-secret" }, "clientSecret"],
      [{ clientSecret: Redacted.make("") }, "clientSecret"],
      [{ clientAuthentication: "private_key_jwt" }, "clientAssertionSigningKey"],
      [{ clientAuthentication: "client_secret_jwt" }, "clientAuthentication"],
      [{ clientAssertionSigningAlg: "HS256" }, "clientAssertionSigningAlg"],
      [{ clientAssertionSigningKey: "a plain PEM string" }, "clientAssertionSigningKey"],
      [{ dpop: { publicKey: {} } }, "dpop.privateKey"],
      [{ dpop: { privateKey: Redacted.make("k"), algorithm: "EdDSA" } }, "dpop.algorithm"],
      [{ telemetry: "yes" }, "telemetry"],
      [{ cache: { store: { get: () => undefined, set: () => undefined } } }, "cache.store"],
      [{ cache: { maxEntries: 0 } }, "cache.maxEntries"],
      [{ retry: { maxAttempts: 1.5 } }, "retry.maxAttempts"],
      [{ retry: { baseDelay: "soon" } }, "retry.baseDelay"],
      [{ timeout: { attempt: Infinity } }, "timeout.attempt"],
      [{ maxResponseBytes: -1 }, "maxResponseBytes"],
      [{ mtlsEndpoint: "https://mtls.tenant.auth0.com/oauth/token" }, "mtlsEndpoint"],
      [
        { clientAuthentication: "tls_client_auth", mtlsEndpoint: "http://mtls.tenant.auth0.com/oauth/token" },
        "mtlsEndpoint"
      ],
      [{ domain: undefined }, "domain"]
    ] as const
  )("rejects %j as the %s option, before any request", ([override, option]) =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(success)
      const options = { domain: "tenant.auth0.com", clientId: "client", clientSecret: secret, ...override }
      const error = yield* Effect.flip(
        TokenVault.make(options as Parameters<typeof TokenVault.make>[0]).pipe(
          Effect.provide(stub.layer),
          Effect.scoped
        )
      )
      expect(error).toBeInstanceOf(TokenVaultError.InvalidConfigurationError)
      expect(error.option).toBe(option)
      expect(error.message).not.toContain("plain-string-secret")
      expect(yield* stub.seen).toHaveLength(0)
    }))

  it.effect("layerConfig reads AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET", () =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(success)
      const env = {
        AUTH0_DOMAIN: "from-config.auth0.com",
        AUTH0_CLIENT_ID: "config-client",
        AUTH0_CLIENT_SECRET: "config-secret"
      }
      yield* TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "subject" }).pipe(
        Effect.provide(TokenVault.layerConfig().pipe(Layer.provide(stub.layer))),
        Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))
      )
      const [request] = yield* stub.seen
      expect(request!.url).toBe("https://from-config.auth0.com/oauth/token")
      const form = new URLSearchParams(request!.body)
      expect(form.get("client_id")).toBe("config-client")
      expect(form.get("client_secret")).toBe("config-secret")
    }))

  it.effect("layerConfig reads mTLS client authentication without a secret, and needs the secret otherwise", () =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(success)
      const build = (entries: Record<string, string>) =>
        Layer.build(TokenVault.layerConfig().pipe(Layer.provide(stub.layer))).pipe(
          Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env: entries })),
          Effect.exit
        )
      const base = { AUTH0_DOMAIN: "tenant.auth0.com", AUTH0_CLIENT_ID: "config-client" }
      const mtls = yield* build({
        ...base,
        AUTH0_CLIENT_AUTHENTICATION: "tls_client_auth",
        AUTH0_MTLS_ENDPOINT: "https://mtls.tenant.auth0.com/oauth/token"
      })
      expect(Exit.isSuccess(mtls)).toBe(true)
      const noSecret = yield* build(base)
      expect(
        Exit.isFailure(noSecret) && Cause.findErrorOption(noSecret.cause).pipe(Option.map((error) => error.option))
      )
        .toEqual(Option.some("clientSecret"))
    }))

  it.effect("layerConfig fails with InvalidConfigurationError when a variable is missing", () =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(success)
      const error = yield* TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "subject" })
        .pipe(
          Effect.provide(TokenVault.layerConfig().pipe(Layer.provide(stub.layer))),
          Effect.provideService(
            ConfigProvider.ConfigProvider,
            ConfigProvider.fromEnv({ env: { AUTH0_DOMAIN: "tenant.auth0.com" } })
          ),
          Effect.flip
        )
      expect(error._tag).toBe("InvalidConfigurationError")
      expect(error.message).toContain("AUTH0_CLIENT_ID")
    }))
})

describe("client options, hostile values", () => {
  const anyValue = FastCheck.oneof(
    FastCheck.string(),
    FastCheck.webUrl({ withQueryParameters: true, withFragments: true }),
    FastCheck.domain(),
    FastCheck.integer(),
    FastCheck.constant(null),
    FastCheck.constant(undefined),
    FastCheck.object(),
    FastCheck.string().pipe(Arbitrary.map((s) => Redacted.make(s)))
  )

  const anyDuration = FastCheck.oneof(
    anyValue,
    FastCheck.constantFrom("5 seconds", "0 millis", "-1 seconds", "soon", "Infinity", Number.NaN, -1, Infinity),
    FastCheck.double(),
    FastCheck.integer({ min: 0, max: 120_000 })
  )
  const anyCount = FastCheck.oneof(anyValue, FastCheck.integer({ min: -2, max: 10 }), FastCheck.double())
  const validBase = { domain: "tenant.auth0.com", clientId: "client", clientSecret: Redacted.make("secret") }

  const anyOptions = FastCheck.record({
    domain: anyValue,
    clientId: anyValue,
    clientSecret: anyValue,
    clientAuthentication: FastCheck.oneof(
      anyValue,
      FastCheck.constantFrom(
        "client_secret_post",
        "client_secret_basic",
        "tls_client_auth",
        "self_signed_tls_client_auth"
      )
    ),
    telemetry: FastCheck.oneof(anyValue, FastCheck.boolean()),
    mtlsEndpoint: anyValue,
    discoverMtlsEndpoint: FastCheck.oneof(anyValue, FastCheck.boolean()),
    cache: FastCheck.oneof(
      anyValue,
      FastCheck.constant(false),
      FastCheck.record({ maxEntries: anyCount, skew: anyDuration, store: anyValue }, { requiredKeys: [] })
    ),
    retry: FastCheck.oneof(
      anyValue,
      FastCheck.constant(false),
      FastCheck.record(
        { maxAttempts: anyCount, baseDelay: anyDuration, maxDelay: anyDuration, maxRetryAfter: anyDuration },
        { requiredKeys: [] }
      )
    ),
    timeout: FastCheck.oneof(
      anyValue,
      FastCheck.record({ attempt: anyDuration, total: anyDuration }, { requiredKeys: [] })
    ),
    maxResponseBytes: anyCount
  }, { requiredKeys: [] })

  it.effect.prop(
    "random options build a client, whose call ends typed, or fail with InvalidConfigurationError, never a defect",
    // Half of the runs keep a valid domain, client id and secret, so that the other options are reached.
    [FastCheck.oneof(anyOptions, anyOptions.pipe(Arbitrary.map((options) => ({ ...options, ...validBase }))))],
    ([options]) =>
      Effect.gen(function*() {
        const stub = yield* stubHttpClient(success)
        const exit = yield* Effect.exit(
          Effect.flatMap(
            TokenVault.make(options as Parameters<typeof TokenVault.make>[0]),
            (vault) =>
              Effect.result(vault.getAccessTokenForConnection({ connection: "github", accessToken: "subject-token" }))
          ).pipe(Effect.provide(stub.layer), Effect.scoped)
        )
        if (Exit.isFailure(exit)) {
          const failure = Cause.findErrorOption(exit.cause)
          expect(Option.isSome(failure)).toBe(true)
          expect(Option.getOrThrow(failure)).toBeInstanceOf(TokenVaultError.InvalidConfigurationError)
          return
        }
        // A client was built: its call ends in a token set or a tagged error (never a defect, never a hang).
        if (Result.isFailure(exit.value)) expect(exit.value.failure._tag).toMatch(/Error$/)
      })
  )
})

describe("telemetry", () => {
  it("the Auth0-Client header names the version in package.json", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(packageVersion).toBe(manifest.version)
    expect(packageName).toBe(manifest.name)
  })
})
