import { FetchTokenTransport, type TokenTransport, TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorHttpClient } from "@effect-auth0/token-vault-testing"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient, Headers, HttpClient, HttpClientResponse } from "effect/http"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { recordingTracer } from "./utils/recorders.js"
import { keyForms } from "./utils/signingKeys.js"
import { secretOf, tenant } from "./utils/tenant.js"

const subjectToken = "SUBJECT-eyJhbGciOiJSUzI1NiJ9.s3cr3t"
const clientSecret = "CLIENT-SECRET-kq84hd"
const issuedToken = "ISSUED-ya29.a0AfH6SM"
const secrets = [subjectToken, clientSecret, issuedToken]
const signingKeyPem = keyForms("RS256").pem
const dpopKeyPem = keyForms("ES256").pem

/** An attribute that holds a header of a request or a response. */
const headerAttribute = /^http\.(request|response)\.header\./

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => (body += chunk))
    request.on("end", () => resolve(body))
  })

/**
 * A loopback server that echoes each request into its response headers: the form and the
 * authorization header of a token request, every header of a discovery request. Token requests
 * succeed (with the issued token in a header too); the discovery document names the server's
 * own token endpoint.
 */
const echoServer = Effect.acquireRelease(
  Effect.callback<{ readonly origin: string; readonly close: () => void }>((resume) => {
    const server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        response.setHeader("x-echo-headers", JSON.stringify(request.headers))
        if (request.url === "/.well-known/openid-configuration") {
          response.setHeader("content-type", "application/json")
          response.end(JSON.stringify({ mtls_endpoint_aliases: { token_endpoint: `${origin}/oauth/token` } }))
          return
        }
        response.setHeader("x-echo-form", body)
        response.setHeader("x-echo-authorization", request.headers.authorization ?? "")
        response.setHeader("x-issued", issuedToken)
        response.setHeader("content-type", "application/json")
        response.end(JSON.stringify({ access_token: issuedToken, expires_in: 3600 }))
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({
        origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => server.close()
      })))
  }),
  (server) => Effect.sync(server.close)
)

/**
 * An in-memory `HttpClient` that echoes what it was sent into its response headers, as
 * {@link echoServer} does.
 */
const echoClient = HttpClient.make((request, url) =>
  Effect.sync(() => {
    const form = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
    const discovery = url.pathname === "/.well-known/openid-configuration"
    const body = discovery
      ? { mtls_endpoint_aliases: { token_endpoint: `${url.origin}/oauth/token` } }
      : { access_token: issuedToken, expires_in: 3600 }
    return HttpClientResponse.fromWeb(
      request,
      new Response(JSON.stringify(body), {
        headers: {
          "content-type": "application/json",
          "x-echo-headers": JSON.stringify(request.headers),
          "x-echo-form": form,
          "x-echo-authorization": request.headers.authorization ?? "",
          "x-issued": issuedToken
        }
      })
    )
  })
)

type Http =
  | Layer.Layer<HttpClient.HttpClient, unknown>
  | Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport, unknown>

const transports: ReadonlyArray<readonly [string, Http]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["Effect's undici HttpClient", NodeHttpClient.layerUndici],
  ["FetchTokenTransport", Layer.merge(FetchTokenTransport.layer(), FetchHttpClient.layer)],
  ["NodeTokenVault's undici transport", NodeTokenVault.layerHttpClient()]
]

/**
 * One exchange with a recording tracer, under an application that asks Effect's `HttpClient` to
 * record every header in its spans, and to redact none.
 */
const exchangeRecorded = (
  http: Http,
  options: Partial<TokenVaultOptions.TokenVaultOptions>,
  call: { readonly forwardedFor?: string } = {}
) =>
  Effect.gen(function*() {
    const recording = recordingTracer()
    yield* TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken, ...call }).pipe(
      Effect.provide(TokenVault.layer({
        domain: "tenant.auth0.com",
        clientId: "client",
        clientSecret: Redacted.make(clientSecret),
        retry: false,
        ...options
      })),
      Effect.provide(http),
      Effect.withTracer(recording.tracer),
      Effect.provideService(HttpClient.TracerHeaderFilter, () => true),
      Effect.provideService(Headers.CurrentRedactedNames, [])
    )
    return recording
  })

const expectNoHeaderInSpans = (recording: ReturnType<typeof recordingTracer>) => {
  const keys = recording.spans.flatMap((span) => [...span.attributes.keys()])
  expect(keys.filter((key) => headerAttribute.test(key))).toEqual([])
  const text = recording.text()
  for (const secret of secrets) expect(text).not.toContain(secret)
  expect(text).not.toContain(btoa(`client:${clientSecret}`))
}

describe("no header of a token or discovery request reaches a span", () => {
  for (const [name, http] of transports) {
    for (const clientAuthentication of ["client_secret_post", "client_secret_basic"] as const) {
      it.effect(`a server echoing the request into headers, over ${name} (${clientAuthentication})`, () =>
        Effect.gen(function*() {
          const server = yield* echoServer
          const recording = yield* exchangeRecorded(http, { domain: server.origin, clientAuthentication })
          expect(recording.spans.map((span) => span.name)).toContain("TokenVault.attempt")
          expectNoHeaderInSpans(recording)
        }))
    }

    it.effect(`private_key_jwt, DPoP and forwardedFor, over ${name}: no assertion, proof or IP in a span`, () =>
      Effect.gen(function*() {
        const server = yield* echoServer
        const recording = yield* exchangeRecorded(http, {
          domain: server.origin,
          clientAssertionSigningKey: Redacted.make(signingKeyPem),
          dpop: { privateKey: Redacted.make(dpopKeyPem) }
        }, { forwardedFor: "203.0.113.9" })
        expect(recording.spans.map((span) => span.name)).toContain("TokenVault.attempt")
        expectNoHeaderInSpans(recording)
        const text = recording.text()
        for (const leak of ["client_assertion", "eyJhbGciOiJFUzI1NiIsInR5cCI6ImRwb3Arand0", "203.0.113.9"]) {
          expect(text).not.toContain(leak)
        }
      }))

    it.effect(`mTLS discovery and the token request to its alias, over ${name}`, () =>
      Effect.gen(function*() {
        const server = yield* echoServer
        const recording = yield* exchangeRecorded(http, {
          domain: server.origin,
          clientAuthentication: "tls_client_auth",
          discoverMtlsEndpoint: true
        })
        // The discovery GET has its span from the HttpClient.
        expect(recording.spans.map((span) => span.name)).toContain("GET")
        expectNoHeaderInSpans(recording)
      }))
  }

  it.effect("an in-memory HttpClient echoing the request into headers, token request and discovery", () =>
    Effect.gen(function*() {
      const http = Layer.succeed(HttpClient.HttpClient, echoClient)
      expectNoHeaderInSpans(yield* exchangeRecorded(http, { clientAuthentication: "client_secret_basic" }))
      const recording = yield* exchangeRecorded(http, {
        clientAuthentication: "tls_client_auth",
        discoverMtlsEndpoint: true
      })
      expect(recording.spans.map((span) => span.name)).toEqual(expect.arrayContaining(["GET", "POST"]))
      expectNoHeaderInSpans(recording)
    }))

  it.effect("the emulator's in-memory HttpClient", () =>
    Effect.gen(function*() {
      const recording = recordingTracer()
      const tokenSet = yield* TokenVault.getAccessTokenForConnection({
        connection: "github",
        accessToken: "alice-access-token"
      }).pipe(
        Effect.provide(TokenVault.layer({
          domain: tenant.domain,
          clientId: "basic-only",
          clientSecret: Redacted.make(secretOf("basic-only")),
          clientAuthentication: "client_secret_basic"
        })),
        Effect.provide(EmulatorHttpClient.layerTenant(tenant)),
        Effect.withTracer(recording.tracer),
        Effect.provideService(HttpClient.TracerHeaderFilter, () => true),
        Effect.provideService(Headers.CurrentRedactedNames, [])
      )
      expect(Redacted.value(tokenSet.accessToken)).toBe("gho_alice")
      expect(recording.spans.map((span) => span.name)).toContain("POST")
      const keys = recording.spans.flatMap((span) => [...span.attributes.keys()])
      expect(keys.filter((key) => headerAttribute.test(key))).toEqual([])
      expect(recording.text()).not.toContain(secretOf("basic-only"))
      expect(recording.text()).not.toContain("gho_alice")
    }))
})
