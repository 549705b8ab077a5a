import { EmulatorHttpClient, EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import { DOMAIN, formBody, json, tenant, tokenRequest } from "./fixtures.js"

const APP_ORIGIN = "http://127.0.0.1:5173"
const corsTenant: TokenVaultEmulator.TenantConfig = {
  ...tenant,
  allowedWebOrigins: [APP_ORIGIN, "https://spa.example.com/"]
}

/** Headers a browser never lists in `access-control-request-headers` (CORS-safelisted names). */
const SAFELISTED = new Set(["accept", "accept-language", "content-language"])

/**
 * The browser's CORS-preflight check (Fetch standard §4.9, for a request without credentials):
 * whether the actual request may be sent after this preflight answer.
 */
const preflightPasses = (
  answer: { readonly status: number; readonly headers: Readonly<Record<string, string>> },
  request: { readonly origin: string; readonly method: string; readonly headers: ReadonlyArray<string> }
): boolean => {
  if (answer.status < 200 || answer.status > 299) return false
  const allowOrigin = answer.headers["access-control-allow-origin"]
  if (allowOrigin !== "*" && allowOrigin !== request.origin) return false
  const list = (name: string) =>
    (answer.headers[name] ?? "").split(",").map((value) => value.trim().toLowerCase()).filter((value) => value !== "")
  const methods = list("access-control-allow-methods")
  if (!["GET", "HEAD", "POST"].includes(request.method) && !methods.includes(request.method.toLowerCase())) {
    return false
  }
  const allowed = list("access-control-allow-headers")
  return request.headers.every((name) =>
    SAFELISTED.has(name.toLowerCase()) || allowed.includes("*") || allowed.includes(name.toLowerCase())
  )
}

const preflightRequest = (
  origin: string,
  requestHeaders?: string,
  url = "/oauth/token"
): TokenVaultEmulator.EmulatorRequest => ({
  method: "OPTIONS",
  url,
  headers: {
    origin,
    "access-control-request-method": "POST",
    ...(requestHeaders === undefined ? {} : { "access-control-request-headers": requestHeaders })
  },
  body: ""
})

const corsHeaderNames = (headers: Readonly<Record<string, string>>) =>
  Object.keys(headers).filter((name) => name.startsWith("access-control-"))

describe("CORS for allowed web origins", () => {
  it.effect("answers a preflight from an allowed origin with 204 and the CORS headers a token client needs", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      const answer = yield* emulator.handle(preflightRequest(APP_ORIGIN, "content-type,auth0-client"))
      expect(answer.status).toBe(204)
      expect(answer.body).toBe("")
      expect(answer.headers).toStrictEqual({
        "access-control-allow-origin": APP_ORIGIN,
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": "content-type, auth0-client",
        "access-control-max-age": "86400",
        vary: "origin"
      })
      expect(preflightPasses(answer, { origin: APP_ORIGIN, method: "POST", headers: ["content-type", "auth0-client"] }))
        .toBe(true)
    }))

  it.effect("without access-control-request-headers, allows content-type, auth0-client, authorization, dpop and auth0-forwarded-for", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      const answer = yield* emulator.handle(preflightRequest(APP_ORIGIN))
      expect(answer.headers["access-control-allow-headers"]).toBe(
        "content-type, auth0-client, authorization, dpop, auth0-forwarded-for"
      )
      const basicAuth = yield* emulator.handle(preflightRequest(APP_ORIGIN, "Authorization, Content-Type"))
      expect(basicAuth.headers["access-control-allow-headers"]).toBe("authorization, content-type")
      expect(
        preflightPasses(basicAuth, { origin: APP_ORIGIN, method: "POST", headers: ["authorization", "content-type"] })
      )
        .toBe(true)
      const dpopClient = yield* emulator.handle(preflightRequest(APP_ORIGIN, "content-type,dpop,auth0-forwarded-for"))
      expect(
        preflightPasses(dpopClient, {
          origin: APP_ORIGIN,
          method: "POST",
          headers: ["content-type", "dpop", "auth0-forwarded-for"]
        })
      ).toBe(true)
    }))

  it.effect("does not allow trace-context headers: a client that propagates them fails its preflight", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      for (const traced of ["content-type,traceparent", "b3,content-type", "content-type,tracestate,traceparent"]) {
        const answer = yield* emulator.handle(preflightRequest(APP_ORIGIN, traced))
        expect(answer.status).toBe(204)
        expect(answer.headers["access-control-allow-headers"]).toBe(
          "content-type, auth0-client, authorization, dpop, auth0-forwarded-for"
        )
        expect(preflightPasses(answer, { origin: APP_ORIGIN, method: "POST", headers: traced.split(",") })).toBe(false)
      }
      // The same client without propagation passes.
      const untraced = yield* emulator.handle(preflightRequest(APP_ORIGIN, "content-type"))
      expect(preflightPasses(untraced, { origin: APP_ORIGIN, method: "POST", headers: ["content-type"] })).toBe(true)
    }))

  it.effect("gives a disallowed origin no CORS headers, so the browser blocks it", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      for (const origin of ["http://127.0.0.1:5174", "http://localhost:5173", "https://evil.example.com", "null"]) {
        const answer = yield* emulator.handle(preflightRequest(origin, "content-type"))
        expect(corsHeaderNames(answer.headers)).toStrictEqual([])
        expect(preflightPasses(answer, { origin, method: "POST", headers: ["content-type"] })).toBe(false)
        const post = yield* emulator.handle(tokenRequest({}, { origin }))
        expect(post.status).toBe(200)
        expect(corsHeaderNames(post.headers)).toStrictEqual([])
        expect(post.headers["vary"]).toBe("origin")
      }
    }))

  it.effect("matches origins exactly, after normalizing the configured ones", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      const configuredWithSlash = yield* emulator.handle(preflightRequest("https://spa.example.com"))
      expect(configuredWithSlash.headers["access-control-allow-origin"]).toBe("https://spa.example.com")
      const otherScheme = yield* emulator.handle(preflightRequest("http://spa.example.com"))
      expect(otherScheme.headers["access-control-allow-origin"]).toBeUndefined()
    }))

  it.effect("marks actual answers for an allowed origin: success, OAuth errors and faults", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      const headers = { origin: APP_ORIGIN }
      const ok = yield* emulator.handle(tokenRequest({}, headers))
      expect(ok.status).toBe(200)
      expect(ok.headers).toMatchObject({
        "access-control-allow-origin": APP_ORIGIN,
        "access-control-expose-headers":
          "x-auth0-requestid, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, dpop-nonce",
        vary: "origin"
      })
      const denied = yield* emulator.handle(tokenRequest({ client_secret: "wrong" }, headers))
      expect(denied.status).toBe(401)
      expect(denied.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
      yield* emulator.setFault(Fault.RateLimited({ retryAfter: 1, remaining: 0 }))
      const limited = yield* emulator.handle(tokenRequest({}, headers))
      expect(limited.status).toBe(429)
      expect(limited.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
      yield* emulator.setFault(Fault.Html({ status: 502 }))
      const html = yield* emulator.handle(tokenRequest({}, headers))
      expect(html.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
      const discovery = yield* emulator.handle({
        method: "GET",
        url: "/.well-known/openid-configuration",
        headers,
        body: ""
      })
      expect(discovery.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
    }))

  it.effect("preflights are not faulted, do not use up a fault's times, and are recorded", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      yield* emulator.setFault(Fault.ServerError({ status: 503 }), { times: 1 })
      const preflight = yield* emulator.handle(preflightRequest(APP_ORIGIN, "content-type"))
      expect(preflight.status).toBe(204)
      const first = yield* emulator.handle(tokenRequest({}, { origin: APP_ORIGIN }))
      expect(first.status).toBe(503)
      expect(first.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
      expect((yield* emulator.handle(tokenRequest({}, { origin: APP_ORIGIN }))).status).toBe(200)
      const recorded = yield* emulator.requests
      expect(recorded.map((r) => r.method)).toStrictEqual(["OPTIONS", "POST", "POST"])
      expect(recorded[0]?.fault).toBeUndefined()
      expect(recorded[1]?.fault).toStrictEqual(Fault.ServerError({ status: 503 }))
    }))

  it.effect("preflights the discovery documents with GET and HEAD", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(corsTenant)
      const answer = yield* emulator.handle({
        ...preflightRequest(APP_ORIGIN, undefined, "/.well-known/openid-configuration"),
        headers: { origin: APP_ORIGIN, "access-control-request-method": "GET" }
      })
      expect(answer.status).toBe(204)
      expect(answer.headers["access-control-allow-methods"]).toBe("GET, HEAD")
    }))

  it.effect("without allowed origins, sends no CORS headers and no vary", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const preflight = yield* emulator.handle(preflightRequest(APP_ORIGIN, "content-type"))
      expect(preflight).toStrictEqual({ status: 204, headers: {}, body: "" })
      const post = yield* emulator.handle(tokenRequest({}, { origin: APP_ORIGIN }))
      expect(post.status).toBe(200)
      expect(corsHeaderNames(post.headers)).toStrictEqual([])
      expect(post.headers["vary"]).toBeUndefined()
      // An OPTIONS that is not a preflight is still a wrong method.
      const plain = yield* emulator.handle({ method: "OPTIONS", url: "/oauth/token", headers: {}, body: "" })
      expect(plain.status).toBe(405)
    }))

  it.effect("rejects allowed web origins that are not origins", () =>
    Effect.gen(function*() {
      for (const origin of ["127.0.0.1:5173", "http://127.0.0.1:5173/app", "ftp://files.example.com", "*"]) {
        const exit = yield* Effect.exit(TokenVaultEmulator.make({ ...tenant, allowedWebOrigins: [origin] }))
        expect(Exit.isFailure(exit) && Cause.pretty(exit.cause)).toContain("TenantConfig.allowedWebOrigins")
      }
    }))
})

describe("CORS over the transports", () => {
  const preflightOver = (url: string, requestHeaders: string) =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      return yield* client.execute(
        HttpClientRequest.make("OPTIONS")(url).pipe(
          HttpClientRequest.setHeaders({
            origin: APP_ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": requestHeaders
          })
        )
      )
    })

  const postOver = (url: string) =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      return yield* client.execute(
        HttpClientRequest.post(url).pipe(
          HttpClientRequest.setHeader("origin", APP_ORIGIN),
          HttpClientRequest.bodyText(formBody(), "application/x-www-form-urlencoded")
        )
      )
    })

  it.effect("in memory", () =>
    Effect.gen(function*() {
      const url = `https://${DOMAIN}/oauth/token`
      const preflight = yield* preflightOver(url, "content-type, auth0-client")
      expect(preflight.status).toBe(204)
      expect(preflight.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
      expect(preflight.headers["access-control-allow-headers"]).toBe("content-type, auth0-client")
      const post = yield* postOver(url)
      expect(post.status).toBe(200)
      expect(post.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(corsTenant))))

  it.effect("on loopback", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.EmulatorServer
      const preflight = yield* preflightOver(server.tokenEndpoint, "content-type, traceparent")
      expect(preflight.status).toBe(204)
      expect(preflight.headers["content-length"]).toBeUndefined()
      expect(preflight.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
      expect(preflight.headers["access-control-allow-methods"]).toBe("POST")
      expect(preflight.headers["access-control-allow-headers"]).toBe(
        "content-type, auth0-client, authorization, dpop, auth0-forwarded-for"
      )
      expect(preflight.headers["access-control-max-age"]).toBe("86400")
      expect(preflight.headers["vary"]).toBe("origin")
      const post = yield* postOver(server.tokenEndpoint)
      expect(post.status).toBe(200)
      expect(post.headers["access-control-allow-origin"]).toBe(APP_ORIGIN)
      expect(json({ status: post.status, headers: {}, body: yield* post.text })).toMatchObject({
        access_token: "ya29.alice-personal"
      })
    }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(corsTenant), NodeHttpClient.layerUndici))))
})
