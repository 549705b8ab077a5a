import { EmulatorHttpClient, EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import {
  APP_ID,
  APP_SECRET,
  basic,
  DOMAIN,
  formBody,
  GOOGLE_SCOPE,
  params,
  SVC_ID,
  SVC_SECRET,
  tenant
} from "./fixtures.js"

const TOKEN_URL = `https://${DOMAIN}/oauth/token`

const exchange = (overrides: Parameters<typeof params>[0] = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    return yield* client.execute(
      HttpClientRequest.post(TOKEN_URL).pipe(HttpClientRequest.bodyUrlParams(params(overrides)))
    )
  })

describe("EmulatorHttpClient", () => {
  it.effect("performs an exchange in memory and records the request as sent", () =>
    Effect.gen(function*() {
      const response = yield* exchange({ login_hint: "alice@example.com" })
      expect(response.status).toBe(200)
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8")
      expect(yield* response.json).toStrictEqual({
        access_token: "ya29.alice-personal",
        expires_in: 1377,
        scope: GOOGLE_SCOPE,
        token_type: "Bearer",
        issued_token_type: TokenVaultEmulator.REQUESTED_TOKEN_TYPE
      })
      const [recorded] = yield* TokenVaultEmulator.requests
      expect(recorded?.method).toBe("POST")
      expect(recorded?.path).toBe("/oauth/token")
      expect(recorded?.url).toBe(TOKEN_URL)
      expect(recorded?.headers["content-type"]).toBe("application/x-www-form-urlencoded")
      expect(recorded?.form).toStrictEqual(params({ login_hint: "alice@example.com" }))
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("exchanges a refresh token with client_secret_basic", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post(TOKEN_URL).pipe(
          HttpClientRequest.setHeader("Authorization", basic(SVC_ID, SVC_SECRET)),
          HttpClientRequest.bodyUrlParams(params({
            client_id: undefined,
            client_secret: undefined,
            subject_token: "rt-alice",
            subject_token_type: TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN,
            login_hint: "alice@work.example"
          }))
        )
      )
      expect(response.status).toBe(200)
      expect(yield* response.json).toMatchObject({ access_token: "ya29.alice-work" })
      const [recorded] = yield* TokenVaultEmulator.requests
      expect(recorded?.headers["authorization"]).toBe(basic(SVC_ID, SVC_SECRET))
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("passes OAuth errors through with their status", () =>
    Effect.gen(function*() {
      const response = yield* exchange({ client_id: "no-grant-client", client_secret: "no-grant-secret" })
      expect(response.status).toBe(403)
      expect(yield* response.json).toMatchObject({ error: "unauthorized_client" })
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("fails like a DNS failure for any other host, without reaching the emulator", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const result = yield* Effect.result(client.get("https://other.example.com/oauth/token"))
      expect(Result.isFailure(result)).toBe(true)
      if (Result.isFailure(result)) {
        expect(result.failure._tag).toBe("HttpClientError")
        expect(result.failure.reason._tag).toBe("TransportError")
        expect(result.failure.message).toContain("ENOTFOUND other.example.com")
      }
      expect(yield* TokenVaultEmulator.requests).toStrictEqual([])
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("matches the domain case-insensitively and with its default port", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`https://${DOMAIN.toUpperCase()}:443/.well-known/openid-configuration`)
      expect(response.status).toBe(200)
      expect(yield* response.json).toMatchObject({ issuer: `https://${DOMAIN}/` })
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("serves a domain given with a scheme and port", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get("http://127.0.0.1:4010/.well-known/openid-configuration")
      expect(yield* response.json).toMatchObject({ token_endpoint: "http://127.0.0.1:4010/oauth/token" })
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant({ ...tenant, domain: "http://127.0.0.1:4010" }))))

  it.effect("sends JSON, raw and streamed bodies as text", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const asJson = yield* client.execute(
        HttpClientRequest.post(TOKEN_URL).pipe(HttpClientRequest.bodyJsonUnsafe(params()))
      )
      expect(asJson.status).toBe(200)
      const raw = yield* client.execute(
        HttpClientRequest.post(TOKEN_URL).pipe(
          HttpClientRequest.setBody(HttpBody.raw(formBody(), { contentType: "application/x-www-form-urlencoded" }))
        )
      )
      expect(raw.status).toBe(200)
      const streamed = yield* client.execute(
        HttpClientRequest.post(TOKEN_URL).pipe(
          HttpClientRequest.bodyStream(Stream.make(new TextEncoder().encode(formBody())), {
            contentType: "application/x-www-form-urlencoded"
          })
        )
      )
      expect(streamed.status).toBe(200)
      const recorded = yield* TokenVaultEmulator.requests
      expect(recorded.map((r) => r.rawBody)).toStrictEqual([JSON.stringify(params()), formBody(), formBody()])
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("delivers faults: headers, content types and bodies", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.RateLimited({ retryAfter: 7, remaining: 0 }))
      const limited = yield* exchange()
      expect(limited.status).toBe(429)
      expect(limited.headers["retry-after"]).toBe("7")
      expect(limited.headers["x-ratelimit-remaining"]).toBe("0")
      expect(yield* limited.json).toStrictEqual({
        error: "too_many_requests",
        error_description: "Global limit has been reached"
      })

      yield* TokenVaultEmulator.setFault(Fault.Html())
      const html = yield* exchange()
      expect(html.status).toBe(200)
      expect(html.headers["content-type"]).toMatch(/^text\/html/)
      expect(yield* html.text).toContain("<html>")

      yield* TokenVaultEmulator.setFault(Fault.EmptyBody())
      const empty = yield* exchange()
      expect(yield* empty.text).toBe("")

      yield* TokenVaultEmulator.setFault(Fault.WrongTypes())
      const wrong = (yield* (yield* exchange()).json) as Record<string, unknown>
      expect(typeof wrong["access_token"]).toBe("number")

      yield* TokenVaultEmulator.setFault(undefined)
      expect((yield* exchange()).status).toBe(200)
      expect((yield* TokenVaultEmulator.requests).length).toBe(5)
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("a fault status a web Response cannot carry is a transport error", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.Custom({ status: 600, body: "?" }))
      const result = yield* Effect.result(exchange())
      expect(
        Result.isFailure(result) && result.failure._tag === "HttpClientError" &&
          result.failure.reason._tag === "TransportError"
      )
        .toBe(true)
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("subject token expiry follows TestClock through the client", () =>
    Effect.gen(function*() {
      expect((yield* exchange({ subject_token: "at-alice-expiring" })).status).toBe(200)
      yield* TestClock.adjust("1 hour")
      const expired = yield* exchange({ subject_token: "at-alice-expiring" })
      expect(expired.status).toBe(401)
      expect(yield* expired.json).toMatchObject({ error: "invalid_grant" })
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("layer(emulator) serves a given instance", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const response = yield* exchange().pipe(Effect.provide(EmulatorHttpClient.layer(emulator)))
      expect(response.status).toBe(200)
      expect((yield* emulator.requests).length).toBe(1)
      expect((yield* emulator.requests)[0]?.form["client_secret"]).toBe(APP_SECRET)
      expect((yield* emulator.requests)[0]?.form["client_id"]).toBe(APP_ID)
    }))

  it.effect("a nested layerTenant gets its own emulator and client (layers are memoized across provides)", () =>
    Effect.gen(function*() {
      const outer = yield* TokenVaultEmulator.TokenVaultEmulator
      const inner = yield* Effect.gen(function*() {
        const client = yield* HttpClient.HttpClient
        const response = yield* client.get("https://inner.example.com/.well-known/openid-configuration")
        expect(yield* response.json).toMatchObject({ issuer: "https://inner.example.com/" })
        return yield* TokenVaultEmulator.TokenVaultEmulator
      }).pipe(Effect.provide(EmulatorHttpClient.layerTenant({ ...tenant, domain: "inner.example.com" })))
      expect(inner).not.toBe(outer)
      expect((yield* inner.requests).map((r) => r.url)).toStrictEqual([
        "https://inner.example.com/.well-known/openid-configuration"
      ])
      expect(yield* outer.requests).toStrictEqual([])
      // The outer client still answers for the outer tenant only.
      expect((yield* exchange()).status).toBe(200)
      expect((yield* outer.requests).length).toBe(1)
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("answers for a running EmulatorServer's address while it serves", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const client = EmulatorHttpClient.make(emulator)
      const url = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* EmulatorServer.serve(emulator)
          const response = yield* client.get(`${server.url}/.well-known/openid-configuration`)
          expect(response.status).toBe(200)
          return server.url
        })
      )
      const after = yield* Effect.result(client.get(`${url}/.well-known/openid-configuration`))
      expect(Result.isFailure(after)).toBe(true)
      expect((yield* emulator.requests).length).toBe(1)
    }))
})
