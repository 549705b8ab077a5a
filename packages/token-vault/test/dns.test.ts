import {
  FetchTokenTransport,
  TokenTransport,
  TokenVault,
  type TokenVaultError,
  TokenVaultOptions
} from "@effect-auth0/token-vault"
import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Layer, Redacted } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { jsonAnswer, stubHttpClient } from "./utils/stubHttpClient.js"
import { secretOf, tenant } from "./utils/tenant.js"
import { github } from "./utils/vault.js"

/** Node's error for a host name that does not resolve, as `dns.lookup` gives it. */
const lookupError = (code: "ENOTFOUND" | "EAI_AGAIN", host: string) =>
  Object.assign(new Error(`getaddrinfo ${code} ${host}`), { code, syscall: "getaddrinfo", hostname: host })

/** A transport whose every request fails as `error` does, and the count of requests it was sent. */
const failingTransport = (error: unknown) => {
  let sent = 0
  const layer = Layer.succeed(TokenTransport.TokenTransport, {
    send: () => Effect.sync(() => sent++).pipe(Effect.andThen(Effect.fail(TokenTransport.requestFailed(error, false))))
  })
  return { layer, sent: () => sent }
}

/** A `fetch` that fails as undici's does when the tenant's host name does not resolve, and its count of calls. */
const unresolvedFetch = () => {
  let calls = 0
  const fetch = (() => {
    calls++
    return Promise.reject(new TypeError("fetch failed", { cause: lookupError("ENOTFOUND", "dev-x1y2z3.us.auth0.com") }))
  }) as typeof globalThis.fetch
  return { fetch, fetched: () => calls }
}

/** Fast retries, so that a retried failure shows as several requests within the test. */
const quickRetries = { maxAttempts: 8, baseDelay: "1 millis", maxDelay: "1 millis" } as const

const options = {
  domain: "dev-x1y2z3.us.auth0.com",
  clientId: "client",
  clientSecret: Redacted.make("secret"),
  retry: quickRetries
}

const failureOf = (
  vault: Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError, never>
) => Effect.flip(TokenVault.getAccessTokenForConnection(github)).pipe(Effect.provide(vault))

describe("a host name that does not resolve", () => {
  it.live.each(["ENOTFOUND", "EAI_AGAIN"] as const)(
    "%s is not retried, and the message says to check domain",
    (code) =>
      Effect.gen(function*() {
        const stub = yield* stubHttpClient(jsonAnswer(200, {}))
        const transport = failingTransport(lookupError(code, "dev-x1y2z3.us.auth0.com"))
        const error = yield* failureOf(
          TokenVault.layer(options).pipe(Layer.provide(Layer.merge(stub.layer, transport.layer)))
        )
        expect(error._tag).toBe("TransportError")
        expect(transport.sent()).toBe(1)
        expect(error.message).toContain(`${code}: getaddrinfo ${code}`)
        expect(error.message).toMatch(/the host name did not resolve: check the domain option$/)
      })
  )

  it.live("over fetch, whose error carries the code in its cause", () =>
    Effect.gen(function*() {
      const { fetch, fetched } = unresolvedFetch()
      const error = yield* failureOf(
        TokenVault.layer(options).pipe(
          Layer.provide(Layer.merge(FetchHttpClient.layer, FetchTokenTransport.layer({ fetch })))
        )
      )
      expect(error._tag).toBe("TransportError")
      expect(fetched()).toBe(1)
      expect(error.message).toContain("check the domain option")
    }))

  it.live("with options from layerConfig, the message names AUTH0_DOMAIN", () =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(jsonAnswer(200, {}))
      const transport = failingTransport(lookupError("ENOTFOUND", "dev-x1y2z3.us.auth0.com"))
      const env = {
        AUTH0_DOMAIN: "dev-x1y2z3.us.auth0.com",
        AUTH0_CLIENT_ID: "client",
        AUTH0_CLIENT_SECRET: "secret"
      }
      const error = yield* failureOf(
        TokenVault.layerConfig().pipe(Layer.provide(Layer.merge(stub.layer, transport.layer)))
      ).pipe(Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })))
      expect(error.message).toMatch(/check AUTH0_DOMAIN$/)
      expect(transport.sent()).toBe(1)
    }))

  it.live("mTLS discovery from the default configuration: the message names AUTH0_DOMAIN too", () =>
    Effect.gen(function*() {
      const { fetch, fetched } = unresolvedFetch()
      const env = {
        AUTH0_DOMAIN: "dev-x1y2z3.us.auth0.com",
        AUTH0_CLIENT_ID: "client",
        AUTH0_CLIENT_AUTHENTICATION: "tls_client_auth"
      }
      const error = yield* failureOf(
        TokenVault.layerConfig(
          Config.map(TokenVaultOptions.config, (read) => ({ ...read, discoverMtlsEndpoint: true }))
        ).pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch))
        )
      ).pipe(Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("discovery failed")
      expect(error.message).toMatch(/the host name did not resolve: check AUTH0_DOMAIN\)$/)
      expect(fetched()).toBe(1)
    }))

  it.live("a refused connection is still retried", () =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(jsonAnswer(200, {}))
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" })
      const transport = failingTransport(refused)
      const error = yield* failureOf(
        TokenVault.layer(options).pipe(Layer.provide(Layer.merge(stub.layer, transport.layer)))
      )
      expect(error._tag).toBe("TransportError")
      expect(transport.sent()).toBe(8)
      expect(error.message).not.toContain("did not resolve")
    }))

  it.live("a mistyped tenant domain, against the emulator: one request, at once, and the advice", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      // Default retries: eight attempts would take about 7 s.
      const error = yield* failureOf(
        TokenVault.layer({
          domain: "tenant.tset",
          clientId: "web-app",
          clientSecret: Redacted.make(secretOf("web-app"))
        }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, EmulatorHttpClient.make(emulator))))
      ).pipe(Effect.timeout("1 second"))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toBe(
        "Could not complete the request to https://tenant.tset/oauth/token: request failed: ENOTFOUND: " +
          "getaddrinfo ENOTFOUND tenant.tset; the host name did not resolve: check the domain option"
      )
    }))
})
