import { Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as TestClock from "effect/testing/TestClock"
import {
  APP_ID,
  APP_SECRET,
  basic,
  DOMAIN,
  formBody,
  GOOGLE_SCOPE,
  json,
  type Params,
  secrets,
  SVC_ID,
  SVC_SECRET,
  tenant,
  tokenRequest
} from "./fixtures.js"

const emulator = TokenVaultEmulator.make(tenant)

const exchange = (overrides: Params = {}, headers: Record<string, string> = {}) =>
  Effect.flatMap(emulator, (e) => e.handle(tokenRequest(overrides, headers)))

const expectNoSecrets = (body: string) => {
  for (const secret of secrets) expect(body).not.toContain(secret)
}

describe("TokenVaultEmulator: successful exchanges", () => {
  it.effect("exchanges an access token for the primary identity when no login_hint is given", () =>
    Effect.gen(function*() {
      const response = yield* exchange()
      expect(response.status).toBe(200)
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8")
      expect(response.headers["cache-control"]).toBe("no-store")
      expect(json(response)).toStrictEqual({
        access_token: "ya29.alice-personal",
        expires_in: 1377,
        scope: GOOGLE_SCOPE,
        token_type: "Bearer",
        issued_token_type: "http://auth0.com/oauth/token-type/federated-connection-access-token"
      })
    }))

  it.effect("selects the identity matching login_hint", () =>
    Effect.gen(function*() {
      const response = yield* exchange({ login_hint: "alice@work.example" })
      expect(response.status).toBe(200)
      expect(json(response)).toMatchObject({ access_token: "ya29.alice-work", scope: "openid", expires_in: 3600 })
    }))

  it.effect("exchanges a refresh token, with and without login_hint", () =>
    Effect.gen(function*() {
      const refresh = {
        subject_token: "rt-alice",
        subject_token_type: TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN
      }
      const primary = yield* exchange(refresh)
      expect(primary.status).toBe(200)
      expect(json(primary)["access_token"]).toBe("ya29.alice-personal")
      const work = yield* exchange({ ...refresh, login_hint: "alice@work.example" })
      expect(work.status).toBe(200)
      expect(json(work)["access_token"]).toBe("ya29.alice-work")
    }))

  it.effect("omits scope when the federated token set has none and defaults expires_in to 3600", () =>
    Effect.gen(function*() {
      const response = yield* exchange({ connection: "github" })
      expect(response.status).toBe(200)
      const body = json(response)
      expect(body).not.toHaveProperty("scope")
      expect(body).toStrictEqual({
        access_token: "gho_alice",
        expires_in: 3600,
        token_type: "Bearer",
        issued_token_type: TokenVaultEmulator.REQUESTED_TOKEN_TYPE
      })
    }))

  it.effect("accepts client_secret_basic with form-urlencoded credentials, and a matching client_id in the body", () =>
    Effect.gen(function*() {
      const headers = { authorization: basic(SVC_ID, SVC_SECRET) }
      const alone = yield* exchange({ client_id: undefined, client_secret: undefined }, headers)
      expect(alone.status).toBe(200)
      const withId = yield* exchange({ client_id: SVC_ID, client_secret: undefined }, headers)
      expect(withId.status).toBe(200)
    }))

  it.effect("accepts a JSON body, as Auth0 does", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const body = Object.fromEntries(new URLSearchParams(formBody({ login_hint: "alice@work.example" })))
      const response = yield* e.handle({
        method: "POST",
        url: "https://tenant.example.com/oauth/token",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body)
      })
      expect(response.status).toBe(200)
      expect(json(response)["access_token"]).toBe("ya29.alice-work")
    }))

  it.effect("honours a subject token bound to the client that exchanges it", () =>
    Effect.gen(function*() {
      const response = yield* exchange({
        subject_token: "at-alice-for-post-only",
        client_id: "post-only-client",
        client_secret: "post-only-secret"
      })
      expect(response.status).toBe(200)
    }))
})

interface ErrorCase {
  readonly name: string
  readonly request: TokenVaultEmulator.EmulatorRequest
  readonly status: number
  readonly error: string
  readonly description?: string
}

const post = (overrides: Params = {}, headers: Record<string, string> = {}) => tokenRequest(overrides, headers)
const refreshType = TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN

const errorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "unknown path",
    request: { method: "GET", url: "/api/v2/users", headers: {}, body: "" },
    status: 404,
    error: "not_found"
  },
  {
    name: "GET on the token endpoint",
    request: { ...post(), method: "GET" },
    status: 405,
    error: "method_not_allowed"
  },
  {
    name: "POST on the discovery document",
    request: { method: "POST", url: "/.well-known/openid-configuration", headers: {}, body: "" },
    status: 405,
    error: "method_not_allowed"
  },
  { name: "no content type", request: { ...post(), headers: {} }, status: 400, error: "invalid_request" },
  {
    name: "text/plain body",
    request: { ...post(), headers: { "content-type": "text/plain" } },
    status: 400,
    error: "invalid_request"
  },
  {
    name: "malformed JSON",
    request: { ...post(), headers: { "content-type": "application/json" }, body: "{not json" },
    status: 400,
    error: "invalid_request"
  },
  {
    name: "a repeated parameter",
    request: { ...post(), body: `${formBody()}&connection=github` },
    status: 400,
    error: "invalid_request",
    description: "Parameter connection must not be repeated"
  },
  {
    name: "missing grant_type",
    request: post({ grant_type: undefined }),
    status: 400,
    error: "invalid_request",
    description: "Missing required parameter: grant_type"
  },
  {
    name: "unsupported grant_type (checked before client authentication)",
    request: post({ grant_type: "client_credentials", client_secret: "wrong" }),
    status: 400,
    error: "unsupported_grant_type",
    description: "Unsupported grant type: client_credentials"
  },
  {
    name: "no client authentication",
    request: post({ client_id: undefined, client_secret: undefined }),
    status: 401,
    error: "invalid_client"
  },
  {
    name: "client_id without a secret",
    request: post({ client_secret: undefined }),
    status: 401,
    error: "invalid_client"
  },
  {
    name: "unknown client",
    request: post({ client_id: "nobody" }),
    status: 401,
    error: "access_denied",
    description: "Unauthorized"
  },
  { name: "wrong secret (post)", request: post({ client_secret: "wrong" }), status: 401, error: "access_denied" },
  {
    name: "wrong secret (basic)",
    request: post({ client_id: undefined, client_secret: undefined }, { authorization: basic(APP_ID, "wrong") }),
    status: 401,
    error: "access_denied"
  },
  {
    name: "basic for a post-only client",
    request: post(
      { client_id: undefined, client_secret: undefined },
      { authorization: basic("post-only-client", "post-only-secret") }
    ),
    status: 401,
    error: "invalid_client"
  },
  {
    name: "post for a basic-only client",
    request: post({ client_id: "basic-only-client", client_secret: "basic-only-secret" }),
    status: 401,
    error: "invalid_client"
  },
  {
    name: "both authentication methods at once",
    request: post({}, { authorization: basic(APP_ID, APP_SECRET) }),
    status: 400,
    error: "invalid_request"
  },
  {
    name: "a body client_id that differs from the Basic one",
    request: post({ client_id: "post-only-client", client_secret: undefined }, {
      authorization: basic(APP_ID, APP_SECRET)
    }),
    status: 400,
    error: "invalid_request"
  },
  {
    name: "a malformed Basic header",
    request: post({ client_id: undefined, client_secret: undefined }, { authorization: "Basic %%%" }),
    status: 400,
    error: "invalid_request"
  },
  {
    name: "a client assertion without client_assertion_type",
    request: post({ client_secret: undefined, client_assertion: "eyJ.x.y" }),
    status: 401,
    error: "invalid_client",
    description: "Invalid client assertion: client_assertion_type is missing"
  },
  {
    name: "a client without the Token Vault grant",
    request: post({ client_id: "no-grant-client", client_secret: "no-grant-secret" }),
    status: 403,
    error: "unauthorized_client",
    description: `Grant type '${TokenVaultEmulator.GRANT_TYPE}' not allowed for the client.`
  },
  {
    name: "a client without the grant and a wrong secret (authentication comes first)",
    request: post({ client_id: "no-grant-client", client_secret: "wrong" }),
    status: 401,
    error: "access_denied"
  },
  {
    name: "missing subject_token_type",
    request: post({ subject_token_type: undefined }),
    status: 400,
    error: "invalid_request",
    description: "Missing required parameter: subject_token_type"
  },
  {
    name: "unsupported subject_token_type",
    request: post({ subject_token_type: "urn:ietf:params:oauth:token-type:jwt" }),
    status: 400,
    error: "invalid_request"
  },
  {
    name: "missing subject_token",
    request: post({ subject_token: undefined }),
    status: 400,
    error: "invalid_request",
    description: "Missing required parameter: subject_token"
  },
  {
    name: "missing requested_token_type",
    request: post({ requested_token_type: undefined }),
    status: 400,
    error: "invalid_request",
    description: "Missing required parameter: requested_token_type"
  },
  {
    name: "wrong requested_token_type",
    request: post({ requested_token_type: "urn:ietf:params:oauth:token-type:access_token" }),
    status: 400,
    error: "invalid_request"
  },
  {
    name: "missing connection",
    request: post({ connection: undefined }),
    status: 400,
    error: "invalid_request",
    description: "Missing required parameter: connection"
  },
  {
    name: "an empty connection",
    request: post({ connection: "" }),
    status: 400,
    error: "invalid_request",
    description: "Missing required parameter: connection"
  },
  {
    name: "unknown access token",
    request: post({ subject_token: "at-nobody" }),
    status: 401,
    error: "invalid_grant",
    description: "Unknown or invalid access token."
  },
  {
    name: "unknown refresh token",
    request: post({ subject_token: "rt-nobody", subject_token_type: refreshType }),
    status: 401,
    error: "invalid_grant",
    description: "Unknown or invalid refresh token."
  },
  {
    name: "a refresh token declared as an access token",
    request: post({ subject_token: "rt-alice" }),
    status: 401,
    error: "invalid_grant",
    description: "The subject_token is not a valid access token."
  },
  {
    name: "an access token declared as a refresh token",
    request: post({ subject_token_type: refreshType }),
    status: 401,
    error: "invalid_grant",
    description: "The subject_token is not a valid refresh token."
  },
  {
    name: "a subject token issued to another client",
    request: post({ subject_token: "at-alice-for-post-only" }),
    status: 401,
    error: "invalid_grant",
    description: "The access token was issued to another client."
  },
  {
    name: "a user without that connection",
    request: post({ subject_token: "at-bob" }),
    status: 401,
    error: "federated_connection_refresh_token_not_found",
    description: "Federated connection Refresh Token not found."
  },
  {
    name: "a connection the user never linked",
    request: post({ connection: "slack" }),
    status: 401,
    error: "federated_connection_refresh_token_not_found"
  },
  {
    name: "a connection named like an Object.prototype member",
    request: post({ connection: "constructor" }),
    status: 401,
    error: "federated_connection_refresh_token_not_found"
  },
  {
    name: "a login_hint matching none of the identities",
    request: post({ login_hint: "alice@elsewhere.example" }),
    status: 401,
    error: "federated_connection_refresh_token_not_found"
  }
]

describe("TokenVaultEmulator: errors", () => {
  it.effect.each(errorCases)("$name", (errorCase) =>
    Effect.gen(function*() {
      const e = yield* emulator
      const response = yield* e.handle(errorCase.request)
      expect(response.status).toBe(errorCase.status)
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8")
      const body = json(response)
      expect(body["error"]).toBe(errorCase.error)
      expect(typeof body["error_description"]).toBe("string")
      if (errorCase.description !== undefined) expect(body["error_description"]).toBe(errorCase.description)
      expectNoSecrets(response.body)
    }))

  it.effect("405 answers name the allowed method", () =>
    Effect.gen(function*() {
      const response = yield* Effect.flatMap(emulator, (e) => e.handle({ ...tokenRequest(), method: "PUT" }))
      expect(response.status).toBe(405)
      expect(response.headers["allow"]).toBe("POST")
    }))
})

describe("TokenVaultEmulator: subject token expiry follows Clock", () => {
  it.effect("an access token expires at expiresAt (TestClock)", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const request = tokenRequest({ subject_token: "at-alice-expiring" })
      expect((yield* e.handle(request)).status).toBe(200)
      yield* TestClock.adjust("3599 seconds")
      expect((yield* e.handle(request)).status).toBe(200)
      yield* TestClock.adjust("1 second")
      const expired = yield* e.handle(request)
      expect(expired.status).toBe(401)
      expect(json(expired)).toStrictEqual({ error: "invalid_grant", error_description: "Expired access token." })
    }))

  it.effect("a refresh token expires at expiresAt (TestClock)", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const request = tokenRequest({ subject_token: "rt-alice-expiring", subject_token_type: refreshType })
      yield* TestClock.setTime(7_199_999)
      expect((yield* e.handle(request)).status).toBe(200)
      yield* TestClock.setTime(7_200_000)
      const expired = yield* e.handle(request)
      expect(expired.status).toBe(401)
      expect(json(expired)["error_description"]).toBe("Expired refresh token.")
    }))
})

describe("TokenVaultEmulator: recorded requests", () => {
  it.effect("records every request in order, with lower-cased headers, the parsed form and the Clock time", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.handle(tokenRequest({ login_hint: "alice@work.example" }, { "X-Request-Id": "one" }))
      yield* TestClock.adjust("5 seconds")
      yield* e.handle({ method: "get", url: "/.well-known/openid-configuration?x=1", headers: {}, body: "" })
      yield* e.handle({
        method: "POST",
        url: "/oauth/token",
        headers: { "content-type": "application/json" },
        body: "{}"
      })

      const recorded = yield* e.requests
      expect(recorded.map((r) => [r.method, r.path, r.at])).toStrictEqual([
        ["POST", "/oauth/token", 0],
        ["GET", "/.well-known/openid-configuration", 5000],
        ["POST", "/oauth/token", 5000]
      ])
      const first = recorded[0]!
      expect(first.headers).toStrictEqual({
        "content-type": "application/x-www-form-urlencoded",
        "x-request-id": "one"
      })
      expect(first.form).toStrictEqual({
        grant_type: TokenVaultEmulator.GRANT_TYPE,
        subject_token: "at-alice",
        subject_token_type: TokenVaultEmulator.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN,
        requested_token_type: TokenVaultEmulator.REQUESTED_TOKEN_TYPE,
        connection: "google-oauth2",
        client_id: APP_ID,
        client_secret: APP_SECRET,
        login_hint: "alice@work.example"
      })
      expect(first.rawBody).toBe(formBody({ login_hint: "alice@work.example" }))
      expect(recorded[1]!.url).toBe("/.well-known/openid-configuration?x=1")
      expect(recorded[2]!.form).toStrictEqual({})
      expect(recorded[2]!.rawBody).toBe("{}")

      yield* e.clearRequests
      expect(yield* e.requests).toStrictEqual([])
    }))

  it.effect("keeps no record when recordRequests is false, and still answers", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make({ ...tenant, recordRequests: false })
      expect((yield* e.handle(tokenRequest())).status).toBe(200)
      expect(yield* e.requests).toStrictEqual([])
    }))

  it.effect("each emulator has its own record", () =>
    Effect.gen(function*() {
      const a = yield* emulator
      const b = yield* emulator
      yield* a.handle(tokenRequest())
      expect((yield* a.requests).length).toBe(1)
      expect((yield* b.requests).length).toBe(0)
    }))

  it.effect("module accessors reach the emulator in context", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.TokenVaultEmulator
      yield* TokenVaultEmulator.setFault(Fault.EmptyBody())
      expect((yield* e.handle(tokenRequest())).body).toBe("")
      expect(yield* e.fault).toStrictEqual(Fault.EmptyBody())
      expect((yield* TokenVaultEmulator.requests).length).toBe(1)
      yield* TokenVaultEmulator.clearRequests
      expect((yield* TokenVaultEmulator.requests).length).toBe(0)
    }).pipe(Effect.provide(TokenVaultEmulator.layer(tenant))))
})

describe("TokenVaultEmulator: faults", () => {
  const withFault = (fault: Fault.Fault, request: TokenVaultEmulator.EmulatorRequest = tokenRequest()) =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.setFault(fault)
      const response = yield* e.handle(request)
      expectNoSecrets(response.body)
      expect((yield* e.requests).length).toBe(1)
      return response
    })

  it.effect("Html: a 200 HTML page by default, status configurable", () =>
    Effect.gen(function*() {
      const page = yield* withFault(Fault.Html())
      expect(page.status).toBe(200)
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8")
      expect(page.body).toMatch(/^<!DOCTYPE html>/)
      const gateway = yield* withFault(Fault.Html({ status: 502, body: "<h1>Bad Gateway</h1>" }))
      expect(gateway.status).toBe(502)
      expect(gateway.body).toBe("<h1>Bad Gateway</h1>")
    }))

  it.effect("NonJson: plain text", () =>
    Effect.gen(function*() {
      const response = yield* withFault(Fault.NonJson())
      expect(response.status).toBe(200)
      expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8")
      expect(() => JSON.parse(response.body)).toThrow()
    }))

  it.effect("WrongTypes: access_token is a number and expires_in a string", () =>
    Effect.gen(function*() {
      const response = yield* withFault(Fault.WrongTypes())
      expect(response.status).toBe(200)
      const body = json(response)
      expect(typeof body["access_token"]).toBe("number")
      expect(typeof body["expires_in"]).toBe("string")
    }))

  it.effect("EmptyBody: 200 with no body", () =>
    Effect.gen(function*() {
      const response = yield* withFault(Fault.EmptyBody())
      expect(response.status).toBe(200)
      expect(response.body).toBe("")
    }))

  it.effect("ServerError: 500 with a short HTML body, status configurable", () =>
    Effect.gen(function*() {
      const response = yield* withFault(Fault.ServerError())
      expect(response.status).toBe(500)
      expect(response.headers["content-type"]).toMatch(/^text\/html/)
      expect(response.body.length).toBeLessThan(200)
      expect((yield* withFault(Fault.ServerError({ status: 503 }))).status).toBe(503)
    }))

  it.effect("RateLimited: Auth0's 429 with the x-ratelimit headers that were given", () =>
    Effect.gen(function*() {
      const response = yield* withFault(
        Fault.RateLimited({ retryAfter: 3, limit: 30, remaining: 0, reset: 1_700_000_000 })
      )
      expect(response.status).toBe(429)
      expect(json(response)).toStrictEqual({
        error: "too_many_requests",
        error_description: "Global limit has been reached"
      })
      expect(response.headers).toMatchObject({
        "retry-after": "3",
        "x-ratelimit-limit": "30",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "1700000000"
      })
    }))

  it.effect("RateLimited: by default Auth0's x-ratelimit headers, the reset a second ahead, and no retry-after", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_800_000_000_500)
      const bare = yield* withFault(Fault.RateLimited())
      expect(bare.status).toBe(429)
      expect(Object.fromEntries(
        Object.entries(bare.headers).filter(([h]) => h === "retry-after" || h.startsWith("x-ratelimit"))
      )).toStrictEqual({
        "x-ratelimit-limit": "10",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "1800000001"
      })
    }))

  it.effect("RateLimited: with retryAfter, the default reset is that far ahead", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_800_000_000_000)
      const response = yield* withFault(Fault.RateLimited({ retryAfter: 5, remaining: 2 }))
      expect(response.headers).toMatchObject({
        "retry-after": "5",
        "x-ratelimit-limit": "10",
        "x-ratelimit-remaining": "2",
        "x-ratelimit-reset": "1800000005"
      })
    }))

  it.effect("Custom: status, headers and body as given", () =>
    Effect.gen(function*() {
      const response = yield* withFault(
        Fault.Custom({ status: 418, headers: { "x-teapot": "yes" }, body: "short and stout" })
      )
      expect(response).toStrictEqual({ status: 418, headers: { "x-teapot": "yes" }, body: "short and stout" })
    }))

  it.effect("a fault applies to every request, discovery included, until cleared", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const discovery = { method: "GET", url: "/.well-known/openid-configuration", headers: {}, body: "" }
      yield* e.setFault(Fault.ServerError())
      expect((yield* e.handle(tokenRequest())).status).toBe(500)
      expect((yield* e.handle(discovery)).status).toBe(500)
      yield* e.setFault(undefined)
      expect(yield* e.fault).toBeUndefined()
      expect((yield* e.handle(tokenRequest())).status).toBe(200)
      expect((yield* e.handle(discovery)).status).toBe(200)
      expect((yield* e.requests).length).toBe(4)
    }))

  it("$is and $match discriminate faults", () => {
    expect(Fault.$is("RateLimited")(Fault.RateLimited())).toBe(true)
    expect(Fault.$is("RateLimited")(Fault.Html())).toBe(false)
    const status = Fault.$match({
      Html: (f) => f.status,
      NonJson: (f) => f.status,
      WrongTypes: (f) => f.status,
      EmptyBody: (f) => f.status,
      ServerError: (f) => f.status,
      RateLimited: () => 429,
      Custom: (f) => f.status,
      Latency: () => 0,
      ResetBeforeHeaders: () => 0,
      ResetAfterHeaders: () => 0,
      TruncatedJson: () => 0,
      StalledBody: () => 0,
      EndlessBody: () => 200,
      OversizedBody: () => 200,
      Random: () => 0
    })
    expect(status(Fault.ServerError({ status: 502 }))).toBe(502)
  })
})

describe("TokenVaultEmulator: discovery", () => {
  const discovery: TokenVaultEmulator.EmulatorRequest = {
    method: "GET",
    url: "/.well-known/openid-configuration",
    headers: {},
    body: ""
  }

  it.effect("serves an Auth0-like OpenID configuration for the domain", () =>
    Effect.gen(function*() {
      const response = yield* Effect.flatMap(emulator, (e) => e.handle(discovery))
      expect(response.status).toBe(200)
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8")
      const doc = json(response)
      expect(doc).toMatchObject({
        issuer: `https://${DOMAIN}/`,
        token_endpoint: `https://${DOMAIN}/oauth/token`,
        jwks_uri: `https://${DOMAIN}/.well-known/jwks.json`
      })
      expect(doc["grant_types_supported"]).toContain(TokenVaultEmulator.GRANT_TYPE)
      expect(doc["token_endpoint_auth_methods_supported"]).toStrictEqual([
        "client_secret_post",
        "client_secret_basic",
        "tls_client_auth",
        "self_signed_tls_client_auth",
        "private_key_jwt"
      ])
      const algorithms = ["RS256", "RS384", "PS256", "PS384", "ES256", "ES384"]
      expect(doc["token_endpoint_auth_signing_alg_values_supported"]).toStrictEqual(algorithms)
      expect(doc["dpop_signing_alg_values_supported"]).toStrictEqual(algorithms)
      expect(doc).not.toHaveProperty("mtls_endpoint_aliases")
    }))

  it.effect("keeps the scheme of a domain given with one, and honours an issuer override", () =>
    Effect.gen(function*() {
      const loopback = yield* TokenVaultEmulator.make({ ...tenant, domain: "http://127.0.0.1:4010" })
      expect(json(yield* loopback.handle(discovery))).toMatchObject({
        issuer: "http://127.0.0.1:4010/",
        token_endpoint: "http://127.0.0.1:4010/oauth/token"
      })
      const overridden = yield* TokenVaultEmulator.make({ ...tenant, issuer: "https://login.example.org/" })
      expect(overridden.issuer).toBe("https://login.example.org/")
      expect(json(yield* overridden.handle(discovery))).toMatchObject({
        issuer: "https://login.example.org/",
        token_endpoint: "https://login.example.org/oauth/token"
      })
    }))

  it.effect("answers HEAD without a body and serves an empty JWKS", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const head = yield* e.handle({ ...discovery, method: "HEAD" })
      expect(head.status).toBe(200)
      expect(head.body).toBe("")
      const jwks = yield* e.handle({ ...discovery, url: "/.well-known/jwks.json" })
      expect(json(jwks)).toStrictEqual({ keys: [] })
    }))
})

describe("TokenVaultEmulator: configuration", () => {
  const defectMessage = <A, E>(exit: Exit.Exit<A, E>): string => {
    if (Exit.isSuccess(exit)) return "succeeded"
    return Cause.pretty(exit.cause)
  }

  it.effect("rejects an unusable domain, duplicate clients and duplicate subject tokens as defects", () =>
    Effect.gen(function*() {
      const badDomain = yield* Effect.exit(TokenVaultEmulator.make({ ...tenant, domain: "" }))
      expect(defectMessage(badDomain)).toContain("TenantConfig.domain")
      const twice = yield* Effect.exit(
        TokenVaultEmulator.make({ ...tenant, clients: [...tenant.clients, { clientId: APP_ID, clientSecret: "x" }] })
      )
      expect(defectMessage(twice)).toContain("configured twice")
      const sharedToken = yield* Effect.exit(
        TokenVaultEmulator.make({
          ...tenant,
          users: [...tenant.users, { userId: "auth0|eve", refreshTokens: ["at-alice"] }]
        })
      )
      const message = defectMessage(sharedToken)
      expect(message).toContain("same subject token")
      expect(message).not.toContain("at-alice")
    }))

  it.effect("exposes its domain, origin and issuer", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      expect([e.domain, e.origin, e.issuer]).toStrictEqual([DOMAIN, `https://${DOMAIN}`, `https://${DOMAIN}/`])
      expect(e.config).toBe(tenant)
    }))
})
