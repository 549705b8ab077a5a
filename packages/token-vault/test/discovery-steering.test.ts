import { FetchTokenTransport, TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { checkAlias } from "../src/internal/discovery.js"
import { jsonAnswer, type StubAnswer, stubHttpClient } from "./utils/stubHttpClient.js"

const documentNaming = (tokenEndpoint: string): StubAnswer =>
  jsonAnswer(200, { mtls_endpoint_aliases: { token_endpoint: tokenEndpoint } })
const success = jsonAnswer(200, { access_token: "federated", expires_in: 3600 })

/** A vault with `discoverMtlsEndpoint` for `domain` over a stub answering the requests in order. */
const discover = (
  domain: string,
  answers: ReadonlyArray<StubAnswer>,
  options: { readonly followRedirects?: boolean } & Partial<TokenVaultOptions.TokenVaultOptions> = {}
) =>
  Effect.gen(function*() {
    const stub = yield* stubHttpClient((index) => Effect.succeed(answers[Math.min(index, answers.length - 1)]!))
    const { followRedirects = false, ...clientOptions } = options
    const client = followRedirects ? HttpClient.followRedirects(stub.client) : stub.client
    const exit = yield* TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "subject" }).pipe(
      Effect.provide(TokenVault.layer({
        domain,
        clientId: "client",
        clientAuthentication: "tls_client_auth",
        discoverMtlsEndpoint: true,
        retry: false,
        ...clientOptions
      })),
      Effect.provideService(HttpClient.HttpClient, client),
      Effect.exit
    )
    return { exit, urls: (yield* stub.seen).map((request) => request.url) }
  })

const failureOf = (exit: { readonly _tag: string }) => {
  expect(exit._tag).toBe("Failure")
  const error = (exit as unknown as { cause: { reasons: ReadonlyArray<{ error: { _tag: string; message: string } }> } })
    .cause.reasons[0]!.error
  return error
}

describe("mTLS discovery cannot be steered", () => {
  it.effect.each(
    [
      ["login.example.com", "https://mtls.example.com/oauth/token"],
      ["login.example.com", "https://login.example.com:8443/oauth/token"],
      ["login.example.com", "https://mtls.login.example.com/oauth/token"],
      ["tenant.auth0.com", "https://mtls.tenant.auth0.com/oauth/token"],
      ["example.com", "https://mtls.example.com/oauth/token"],
      ["http://127.0.0.1:4000", "http://127.0.0.1:4001/oauth/token"],
      ["http://localhost:4000", "https://127.0.0.1:4443/oauth/token"]
    ] as const
  )("the tenant %s may use the alias %s", ([domain, alias]) =>
    Effect.gen(function*() {
      const { exit, urls } = yield* discover(domain, [documentNaming(alias), success])
      expect(exit._tag).toBe("Success")
      expect(urls[1]).toBe(alias)
    }))

  it.effect.each(
    [
      [
        "login.example.com",
        "https://evil.example.net/oauth/token",
        "is not on the tenant's host (login.example.com) or under example.com"
      ],
      ["login.example.com", "https://example.com.evil.net/oauth/token", "set mtlsEndpoint"],
      ["login.example.com", "https://notexample.com/oauth/token", "set mtlsEndpoint"],
      ["login.example.com", "http://mtls.example.com/oauth/token", "uses http; it must use https"],
      ["login.example.com", "http://127.0.0.1:8080/oauth/token", "uses http; it must use https"],
      ["https://127.0.0.1:4443", "http://127.0.0.1:4000/oauth/token", "uses http; it must use https"],
      ["https://10.0.0.5", "https://10.0.0.6/oauth/token", "is not on the tenant's host (10.0.0.5); set mtlsEndpoint"],
      ["http://127.0.0.1:4000", "https://mtls.example.com/oauth/token", "is not on the tenant's host (127.0.0.1)"]
    ] as const
  )(
    "the tenant %s refuses the alias %s, and sends no token request",
    ([domain, alias, message]) =>
      Effect.gen(function*() {
        const { exit, urls } = yield* discover(domain, [documentNaming(alias), success])
        const error = failureOf(exit)
        expect(error._tag).toBe("UnexpectedResponseError")
        expect(error.message).toContain("discovery failed")
        expect(error.message).toContain(message)
        expect(urls).toHaveLength(1)
      })
  )

  it.effect.each([301, 302, 303, 307, 308])(
    "a %s on the discovery URL is an error, even with a document in its body",
    (status) =>
      Effect.gen(function*() {
        const redirect: StubAnswer = {
          ...documentNaming("https://mtls.tenant.auth0.com/oauth/token"),
          status,
          headers: { "content-type": "application/json", location: "https://elsewhere.example.net/discovery" }
        }
        const { exit, urls } = yield* discover("tenant.auth0.com", [redirect, success])
        const error = failureOf(exit)
        expect(error._tag).toBe("UnexpectedResponseError")
        expect(error.message).toContain(`redirect (status ${status}), which is not followed`)
        expect(urls).toEqual(["https://tenant.auth0.com/.well-known/openid-configuration"])
      })
  )

  it.effect("a status other than 2xx is an error, even with a document in its body", () =>
    Effect.gen(function*() {
      const { exit, urls } = yield* discover("tenant.auth0.com", [{
        ...documentNaming("https://mtls.tenant.auth0.com/oauth/token"),
        status: 404
      }])
      expect(failureOf(exit).message).toContain("status 404 instead of the discovery document")
      expect(urls).toHaveLength(1)
    }))

  it.effect("an HttpClient that follows redirects itself cannot take discovery elsewhere", () =>
    Effect.gen(function*() {
      const redirect: StubAnswer = {
        status: 302,
        body: "",
        headers: { location: "https://tenant.auth0.com.evil.net/.well-known/openid-configuration" }
      }
      const { exit, urls } = yield* discover(
        "tenant.auth0.com",
        [redirect, documentNaming("https://mtls.tenant.auth0.com/oauth/token"), success],
        { followRedirects: true }
      )
      const error = failureOf(exit)
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("never follow redirects")
      expect(urls).toHaveLength(2)
    }))

  it.effect("a real redirect over fetch is not followed", () =>
    Effect.gen(function*() {
      // Two loopback servers: the tenant redirects discovery to the other, which serves a document.
      const hits: Array<string> = []
      const listen = (handler: Parameters<typeof createServer>[1]) =>
        Effect.acquireRelease(
          Effect.callback<{ origin: string; close: () => void }>((resume) => {
            const server = createServer(handler)
            server.listen(0, "127.0.0.1", () =>
              resume(Effect.succeed({
                origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
                close: () => server.close()
              })))
          }),
          (server) => Effect.sync(server.close)
        )
      const elsewhere = yield* listen((request, response) => {
        hits.push(`elsewhere ${request.url}`)
        response.setHeader("content-type", "application/json")
        response.end(JSON.stringify({ mtls_endpoint_aliases: { token_endpoint: "http://127.0.0.1:1/oauth/token" } }))
      })
      const tenant = yield* listen((request, response) => {
        hits.push(`tenant ${request.url}`)
        response.statusCode = 302
        response.setHeader("location", `${elsewhere.origin}/.well-known/openid-configuration`)
        response.end()
      })
      const exit = yield* TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "subject" }).pipe(
        Effect.provide(TokenVault.layer({
          domain: tenant.origin,
          clientId: "client",
          clientAuthentication: "tls_client_auth",
          discoverMtlsEndpoint: true,
          retry: false
        })),
        Effect.provide(Layer.merge(FetchHttpClient.layer, FetchTokenTransport.layer())),
        Effect.exit
      )
      expect(failureOf(exit).message).toContain("redirect (status 302)")
      expect(hits).toEqual(["tenant /.well-known/openid-configuration"])
    }))

  it("checkAlias compares host names, not strings that merely end alike", () => {
    const url = "https://login.example.com/.well-known/openid-configuration"
    expect(checkAlias(url, "https://a.b.example.com/oauth/token")._tag).toBe("Success")
    expect(checkAlias(url, "https://xexample.com/oauth/token")._tag).toBe("Failure")
    expect(checkAlias(url, "https://example.com/oauth/token")._tag).toBe("Failure")
    expect(checkAlias(url, "https://login.example.com./oauth/token")._tag).toBe("Success")
  })
})
