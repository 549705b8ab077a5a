import { TokenTransport, TokenVault } from "@effect-auth0/token-vault"
import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { expectNoTracePropagation, tokenPosts } from "./utils/report.js"
import { ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, FEDERATED_TOKEN, SCOPE, tenant } from "./utils/tenant.js"

interface FetchCall {
  readonly url: string
  readonly init: RequestInit
}

/** A `fetch` that records its calls and answers every request with `answer`. */
const recordingFetch = (answer: () => Response) => {
  const calls: Array<FetchCall> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    calls.push({ url: input instanceof Request ? input.url : String(input), init: init ?? {} })
    return Promise.resolve(answer())
  }
  return { fetch, calls }
}

const success = () =>
  new Response(JSON.stringify({ access_token: "federated-1", expires_in: 60, token_type: "Bearer" }), {
    status: 200,
    headers: { "content-type": "application/json" }
  })

const options = { domain: "tenant.example.com", clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET) }
const exchange = TokenVault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: ACCESS_TOKEN })

describe("BrowserTokenVault", () => {
  it.effect("token requests go straight to fetch; other requests through Effect's FetchHttpClient, same fetch and fields", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recordingFetch(success)
      const layer = BrowserTokenVault.layerHttpClient({ fetch, credentials: "omit" })
      const { client, transport } = yield* Effect.provide(
        Effect.gen(function*() {
          return {
            client: yield* HttpClient.HttpClient,
            transport: yield* Effect.serviceOption(TokenTransport.TokenTransport)
          }
        }),
        layer
      )
      // The layer provides a token transport next to the client.
      expect(Option.isSome(transport)).toBe(true)
      yield* client.get("https://tenant.example.com/.well-known/openid-configuration")
      expect(calls.map((call) => call.url)).toEqual(["https://tenant.example.com/.well-known/openid-configuration"])
      expect(calls[0]?.init).toMatchObject({ credentials: "omit" })
      // The client's request carries Effect's Headers object.
      expect(Headers.isHeaders(calls[0]?.init.headers)).toBe(true)
      yield* exchange.pipe(Effect.provide(TokenVault.layer(options)), Effect.provide(layer))
      expect(calls[1]?.url).toBe("https://tenant.example.com/oauth/token")
      // The token request's headers are a plain record, not Effect's Headers object: the transport sent it.
      expect(Headers.isHeaders(calls[1]?.init.headers)).toBe(false)
      expect(calls[1]?.init.headers).toMatchObject({ "content-type": "application/x-www-form-urlencoded" })
      expect(calls[1]?.init).toMatchObject({ credentials: "omit", method: "POST" })
    }))

  it.effect("calls the given fetch with the given RequestInit fields", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recordingFetch(success)
      const tokenSet = yield* exchange.pipe(
        Effect.provide(BrowserTokenVault.layer(options, {
          fetch,
          credentials: "omit",
          mode: "cors",
          referrerPolicy: "no-referrer",
          redirect: "manual"
        }))
      )
      expect(Redacted.value(tokenSet.accessToken)).toBe("federated-1")
      expect(calls.length).toBe(1)
      expect(calls[0]?.url).toBe("https://tenant.example.com/oauth/token")
      expect(calls[0]?.init).toMatchObject({
        method: "POST",
        credentials: "omit",
        mode: "cors",
        referrerPolicy: "no-referrer",
        redirect: "manual"
      })
    }))

  it.effect("passes no RequestInit field that was not given (runtimes reject some they lack), but redirect: manual", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recordingFetch(success)
      yield* exchange.pipe(Effect.provide(BrowserTokenVault.layer(options, { fetch, credentials: undefined })))
      const init = calls[0]?.init ?? {}
      for (const key of ["credentials", "mode", "referrerPolicy", "cache"]) {
        expect(Object.keys(init)).not.toContain(key)
      }
      // A redirect would send the credentials on: never followed.
      expect(init.redirect).toBe("manual")
    }))

  it.effect("sends no trace context: traceparent / b3 would fail the CORS preflight", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recordingFetch(success)
      yield* exchange.pipe(
        Effect.withSpan("application"),
        Effect.provide(BrowserTokenVault.layer(options, { fetch }))
      )
      const headers = new globalThis.Headers(calls[0]?.init.headers)
      expect(headers.has("traceparent")).toBe(false)
      expect(headers.has("b3")).toBe(false)
      // Only CORS-safelisted headers besides Auth0's own telemetry header.
      expect([...headers.keys()].sort()).toStrictEqual(["accept", "auth0-client", "content-type"])
    }))

  it.live(
    "a fetch that rejects, as a browser's does on a CORS failure, is a TransportError",
    () =>
      Effect.gen(function*() {
        const fetch: typeof globalThis.fetch = () => Promise.reject(new TypeError("Failed to fetch"))
        // Retries off: this is about how the failure is reported, not how often it is retried.
        const layer = BrowserTokenVault.layer({ ...options, retry: false }, { fetch })
        const error = yield* Effect.flip(exchange.pipe(Effect.provide(layer)))
        expect(error._tag).toBe("TransportError")
        expect(error.message).toContain("https://tenant.example.com/oauth/token")
        expect(error.message).not.toContain(CLIENT_SECRET)
        expect(error.message).not.toContain(ACCESS_TOKEN)
      }),
    { timeout: 20_000 }
  )

  it.effect("layerConfig reads AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and uses the HTTP options", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recordingFetch(success)
      yield* exchange.pipe(
        Effect.provide(BrowserTokenVault.layerConfig(undefined, { fetch, credentials: "omit" })),
        Effect.provideService(
          ConfigProvider.ConfigProvider,
          ConfigProvider.fromUnknown({
            AUTH0_DOMAIN: "config-tenant.example.com",
            AUTH0_CLIENT_ID: CLIENT_ID,
            AUTH0_CLIENT_SECRET: CLIENT_SECRET
          })
        )
      )
      expect(calls[0]?.url).toBe("https://config-tenant.example.com/oauth/token")
      expect(calls[0]?.init.credentials).toBe("omit")
    }))

  it.effect("bad options fail the layer with InvalidConfigurationError, before any request", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recordingFetch(success)
      const error = yield* Effect.flip(
        exchange.pipe(
          Effect.provide(BrowserTokenVault.layer({ ...options, domain: "http://tenant.example.com" }, { fetch }))
        )
      )
      expect(error._tag).toBe("InvalidConfigurationError")
      expect(calls).toStrictEqual([])
    }))

  it.live("exchanges with the emulator on loopback over the runtime's global fetch (Node's here)", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant([]))
      const server = yield* EmulatorServer.serve(emulator)
      const layer = BrowserTokenVault.layer({ ...options, domain: server.url })
      const tokenSet = yield* exchange.pipe(Effect.provide(layer))
      expect(Redacted.value(tokenSet.accessToken)).toBe(FEDERATED_TOKEN)
      expect(tokenSet.scope).toBe(SCOPE)

      const unlinked = yield* Effect.flip(
        TokenVault.getAccessTokenForConnection({ connection: "slack", accessToken: ACCESS_TOKEN }).pipe(
          Effect.provide(layer)
        )
      )
      expect(unlinked).toMatchObject({
        _tag: "AccountNotConnectedError",
        status: 401,
        error: "federated_connection_refresh_token_not_found",
        connection: "slack"
      })
      const requests = yield* emulator.requests
      expect(tokenPosts(requests).length).toBe(2)
      expectNoTracePropagation(requests)
    }))

  it.effect("layerHttpClient is an HttpClient layer for TokenVault.layer", () =>
    Effect.gen(function*() {
      const { calls, fetch } = recordingFetch(success)
      yield* exchange.pipe(
        Effect.provide(TokenVault.layer(options).pipe(Layer.provide(BrowserTokenVault.layerHttpClient({ fetch }))))
      )
      expect(calls.length).toBe(1)
    }))

  it.effect("without options.fetch, the global fetch is looked up at each request: a double installed later is used", () =>
    Effect.gen(function*() {
      const layer = BrowserTokenVault.layerHttpClient()
      const original = globalThis.fetch
      yield* Effect.addFinalizer(() => Effect.sync(() => globalThis.fetch = original))
      for (const round of [1, 2]) {
        // A new double each round, installed after the layer was made (and, in round 2, used).
        const { calls, fetch } = recordingFetch(success)
        globalThis.fetch = fetch
        const client = yield* Effect.provide(HttpClient.HttpClient, layer)
        yield* client.get("https://tenant.example.com/.well-known/openid-configuration")
        yield* exchange.pipe(Effect.provide(TokenVault.layer(options)), Effect.provide(layer))
        expect(calls.map((call) => call.url), `round ${round}`).toStrictEqual([
          "https://tenant.example.com/.well-known/openid-configuration",
          "https://tenant.example.com/oauth/token"
        ])
      }
    }))
})
