import { FetchTokenTransport, TokenTransport, TokenVault } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { jsonAnswer, stubHttpClient } from "./utils/stubHttpClient.js"
import { recordingTransport, unusedHttpClient } from "./utils/transports.js"

const options = { domain: "tenant.auth0.com", clientId: "client", clientSecret: Redacted.make("client-secret") }
const call = { connection: "github", accessToken: "subject-token" }
const body = JSON.stringify({ access_token: "federated", expires_in: 3600 })

const success: TokenTransport.TokenResponse = { status: 200, header: () => undefined, body }

describe("the TokenTransport service", () => {
  it.effect("TokenVault.make sends token requests with the TokenTransport in context, not the HttpClient", () =>
    Effect.gen(function*() {
      const transport = recordingTransport(success)
      const http = yield* stubHttpClient(jsonAnswer(200, { access_token: "from-http-client", expires_in: 3600 }))
      const vault = yield* TokenVault.make(options).pipe(Effect.provide(Layer.merge(http.layer, transport.layer)))
      const tokenSet = yield* vault.getAccessTokenForConnection(call)
      expect(Redacted.value(tokenSet.accessToken)).toBe("federated")
      expect(yield* http.seen).toEqual([])
      expect(transport.sent).toHaveLength(1)
      const [request] = transport.sent
      expect(request!.url).toBe("https://tenant.auth0.com/oauth/token")
      expect(request!.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/)
      expect(request!.maxResponseBytes).toBe(65_536)
      const form = new URLSearchParams(request!.body)
      expect(form.get("subject_token")).toBe("subject-token")
      expect(form.get("connection")).toBe("github")
      expect(form.get("client_secret")).toBe("client-secret")
    }))

  it.effect("TokenVault.layer picks up a TokenTransport provided to it", () =>
    Effect.gen(function*() {
      const transport = recordingTransport(success)
      const http = unusedHttpClient()
      yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(TokenVault.layer(options).pipe(Layer.provide(Layer.merge(http.layer, transport.layer))))
      )
      expect(transport.sent).toHaveLength(1)
      expect(http.used).toEqual([])
    }))

  it.effect("without a TokenTransport, token requests go through the HttpClient in context", () =>
    Effect.gen(function*() {
      const http = yield* stubHttpClient(jsonAnswer(200, { access_token: "from-http-client", expires_in: 3600 }))
      const vault = yield* TokenVault.make(options).pipe(Effect.provide(http.layer))
      const tokenSet = yield* vault.getAccessTokenForConnection(call)
      expect(Redacted.value(tokenSet.accessToken)).toBe("from-http-client")
      const seen = yield* http.seen
      expect(seen.map((request) => request.url)).toEqual(["https://tenant.auth0.com/oauth/token"])
      expect(new URLSearchParams(seen[0]!.body).get("subject_token")).toBe("subject-token")
    }))

  it.effect("the transport's failures become the tagged errors", () =>
    Effect.gen(function*() {
      const failing = (failure: TokenTransport.TransportFailure) =>
        Layer.succeed(TokenTransport.TokenTransport, { send: () => Effect.fail(failure) })
      const exchange = (failure: TokenTransport.TransportFailure) =>
        TokenVault.make({ ...options, retry: false }).pipe(
          Effect.flatMap((vault) => Effect.flip(vault.getAccessTokenForConnection(call))),
          Effect.provide(Layer.merge(unusedHttpClient().layer, failing(failure)))
        )
      const refused = yield* exchange({
        _tag: "RequestFailed",
        responseReceived: false,
        detail: "request failed: ECONNREFUSED"
      })
      expect(refused).toMatchObject({ _tag: "TransportError", responseReceived: false })
      expect(refused.message).toContain("ECONNREFUSED")
      const timedOut = yield* exchange({ _tag: "TimedOut", responseReceived: true })
      expect(timedOut).toMatchObject({ _tag: "TransportError", responseReceived: true })
      const tooLarge = yield* exchange({ _tag: "BodyTooLarge", status: 200 })
      expect(tooLarge).toMatchObject({ _tag: "UnexpectedResponseError", status: 200 })
    }))
})

describe("FetchTokenTransport.layer", () => {
  it.effect("provides a TokenTransport over the given fetch and RequestInit fields; the HttpClient is not used", () =>
    Effect.gen(function*() {
      const calls: Array<{ readonly url: string; readonly init: RequestInit }> = []
      const fetch: typeof globalThis.fetch = (input, init) => {
        calls.push({ url: String(input), init: init! })
        return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } }))
      }
      const http = unusedHttpClient()
      const tokenSet = yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(TokenVault.layer(options)),
        Effect.provide(Layer.merge(http.layer, FetchTokenTransport.layer({ fetch, init: { credentials: "omit" } })))
      )
      expect(Redacted.value(tokenSet.accessToken)).toBe("federated")
      expect(http.used).toEqual([])
      expect(calls).toHaveLength(1)
      const [{ init, url }] = calls as [typeof calls[number]]
      expect(url).toBe("https://tenant.auth0.com/oauth/token")
      expect(init.method).toBe("POST")
      expect(init.credentials).toBe("omit")
      // A 307 or 308 must not carry the form, secrets included, anywhere else.
      expect(init.redirect).toBe("manual")
      expect(new Headers(init.headers).get("content-type")).toMatch(/^application\/x-www-form-urlencoded/)
      expect(new URLSearchParams(String(init.body)).get("subject_token")).toBe("subject-token")
      expect(init.signal).toBeInstanceOf(AbortSignal)
    }))

  it.effect("make gives the same transport as a value: a fetch that throws ends in RequestFailed", () =>
    Effect.gen(function*() {
      const transport = FetchTokenTransport.make({
        fetch: () => {
          throw new TypeError("fetch is not allowed here")
        }
      })
      const failure = yield* Effect.flip(transport.send({
        url: "https://tenant.auth0.com/oauth/token",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=x",
        maxResponseBytes: 1024,
        timeoutMillis: 1000
      }))
      expect(failure).toMatchObject({ _tag: "RequestFailed", responseReceived: false })
      expect((failure as { readonly detail: string }).detail).toContain("fetch is not allowed here")
    }))

  it.effect("a body over maxResponseBytes is BodyTooLarge, and its stream is cancelled", () =>
    Effect.gen(function*() {
      let cancelled = false
      const stream = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new Uint8Array(512).fill(32)),
        cancel: () => void (cancelled = true)
      })
      const transport = FetchTokenTransport.make({
        fetch: () => Promise.resolve(new Response(stream, { status: 200 }))
      })
      const failure = yield* Effect.flip(transport.send({
        url: "https://tenant.auth0.com/oauth/token",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=x",
        maxResponseBytes: 1024,
        timeoutMillis: 5000
      }))
      expect(failure).toEqual({ _tag: "BodyTooLarge", status: 200 })
      expect(cancelled).toBe(true)
    }))
})
