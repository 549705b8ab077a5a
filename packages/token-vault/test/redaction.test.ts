import { TokenTransport, TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { HttpClient, HttpClientError } from "effect/http"
import { scrub } from "../src/internal/excerpt.js"
import { jsonAnswer, stubHttpClient } from "./utils/stubHttpClient.js"

const host = "dev-x1y2z3.us.auth0.com"

/** A Node DNS failure, as undici and fetch report it. */
const notFound = () =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
    code: "ENOTFOUND",
    syscall: "getaddrinfo",
    hostname: host
  })

/** The error of one call with `clientSecret` over `http`. */
const failure = (
  http: Layer.Layer<HttpClient.HttpClient> | Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport>,
  options: Partial<TokenVaultOptions.TokenVaultOptions> = {}
) =>
  TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "subject-token-7f3a" }).pipe(
    Effect.provide(TokenVault.layer({
      domain: host,
      clientId: "client",
      clientSecret: Redacted.make("s"),
      retry: false,
      ...options
    })),
    Effect.provide(http),
    Effect.flip
  )

const failingClient = (cause: unknown) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.fail(
        new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
      )
    )
  )

describe("redaction cuts secrets as whole values, never words or the configured domain", () => {
  it.effect("a client secret \"s\" leaves \"request\" whole in a transport error", () =>
    Effect.gen(function*() {
      const error = yield* failure(failingClient(new Error("connect ECONNREFUSED: the request was refused")))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("request failed")
      expect(error.message).toContain("the request was refused")
      expect(error.message).not.toContain("<redacted>")
    }))

  it.effect("a client secret \"s\" leaves an OAuth error readable, and is cut where it is echoed", () =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(jsonAnswer(400, {
        error: "invalid_request",
        error_description: "missing parameters: subject_token_type; you sent client_secret=s&connection=github"
      }))
      const error = yield* failure(stub.layer)
      expect(error._tag).toBe("TokenExchangeError")
      expect(error.message).toContain("invalid_request")
      expect(error.message).toContain(
        "missing parameters: subject_token_type; you sent client_secret=<redacted>&connection=github"
      )
    }))

  it.effect("the tenant's host stays in an ENOTFOUND message over an HttpClient", () =>
    Effect.gen(function*() {
      const error = yield* failure(failingClient(notFound()))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain(`ENOTFOUND ${host}`)
      expect(error.message).not.toContain("<redacted>")
    }))

  it.effect("the tenant's host stays in an ENOTFOUND message over a TokenTransport", () =>
    Effect.gen(function*() {
      const transport = Layer.succeed(TokenTransport.TokenTransport, {
        send: () => Effect.fail(TokenTransport.requestFailed(notFound(), false))
      })
      const error = yield* failure(
        Layer.merge(transport, Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.die("unused")))),
        { clientSecret: Redacted.make("CLIENT-SECRET-kq84hd") }
      )
      expect(error.message).toContain(`getaddrinfo ENOTFOUND ${host}`)
      expect(error.message).not.toContain("<redacted>")
    }))

  it.each(
    [
      ["s", "request", "request"],
      ["s", "client_secret=s", "client_secret=<redacted>"],
      ["s", "secret \"s\" refused", "secret \"<redacted>\" refused"],
      ["s", "s", "<redacted>"],
      ["s", "s is wrong", "<redacted> is wrong"],
      ["s", "it was s.", "it was <redacted>."],
      ["s", "a=s&b=s", "a=<redacted>&b=<redacted>"],
      [
        "s",
        "(s) [s] {s} <s> 's' s, s; s:",
        "(<redacted>) [<redacted>] {<redacted>} <<redacted>> '<redacted>' <redacted>, <redacted>; <redacted>:"
      ],
      ["s", "sss is not s", "sss is not <redacted>"],
      ["s3cr3t", "sent s3cr3t\ttwice:s3cr3t", "sent <redacted> twice:<redacted>"],
      ["s3cr3t", "xs3cr3t s3cr3tx", "xs3cr3t s3cr3tx"],
      // A secret of 8 characters or more is cut even glued to other word characters.
      ["subject-token-4f1c2b", "0subject-token-4f1c2b.AA", "0<redacted>.AA"],
      ["CLIENTSECRET", "xCLIENTSECRETx", "x<redacted>x"],
      ["a+b/c=", "x=a%2Bb%2Fc%3D&y", "x=<redacted>&y"],
      ["a+b/c=", "x=a%2bb%2fc%3d&y", "x=<redacted>&y"],
      ["a+b/c=", "{\"x\":\"a+b\\/c=\"}", "{\"x\":\"<redacted>\"}"],
      ["a+b/c=", "x=a&#43;b&#x2f;c&equals;", "x=<redacted>"],
      ["pass word", "password=pass+word&x", "password=<redacted>&x"],
      ["ünï", "x=%C3%BCn%C3%AF;", "x=<redacted>;"]
    ] as const
  )("the secret %j in %j", (secret, text, expected) => {
    expect(scrub(text, [secret])).toBe(expected)
  })

  it.each(
    [
      [`getaddrinfo ENOTFOUND ${host}`],
      [`connect to https://${host}/oauth/token failed`],
      ["getaddrinfo ENOTFOUND login.example-tenant-2024.eu.auth0.com."],
      ["getaddrinfo ENOTFOUND x1y2z3a4b5c6d7e8.example.com"]
    ] as const
  )("a host name is not mistaken for a token: %s", (text) => {
    expect(scrub(text, ["CLIENT-SECRET-kq84hd"])).toBe(text)
  })

  it.each(
    [
      ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
      ["a Google access token", "ya29.a0AfH6SMBx3kq84hdPq0ZtR2"],
      ["an Auth0 refresh token", "v1.MRrT0kq84hd-3ZtR2xYwq8e5s3cr3t"],
      ["an opaque token with a path", "abc123def456/ghi789jkl012mno345"]
    ] as const
  )("%s still reads as a token", (_, token) => {
    expect(scrub(`token ${token} refused`, [])).toBe("token <redacted> refused")
  })
})
