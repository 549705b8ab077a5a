import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Cause, Effect, Exit, Option, Redacted, Result, Schema } from "effect"
import { TestClock } from "effect/testing"
import { plainSuccess, SuccessBody } from "../src/internal/outcome.js"
import * as FastCheck from "./utils/arbitraries.js"
import { type StubAnswer, stubHttpClient } from "./utils/stubHttpClient.js"

const subjectToken = "subject-token-4f1c2b"
const clientSecret = "client-secret-9d8e7a"

const exchangeAgainst = (answer: StubAnswer) =>
  Effect.gen(function*() {
    const stub = yield* stubHttpClient(answer)
    const vault = yield* TokenVault.make({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientSecret: Redacted.make(clientSecret),
      retry: false
    }).pipe(Effect.provide(stub.layer))
    return yield* vault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: subjectToken })
  }).pipe(Effect.scoped)

const json = (status: number, body: unknown, headers?: Record<string, string>): StubAnswer => ({
  status,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers }
})

describe("token endpoint responses", () => {
  it.effect("a success becomes a ConnectionTokenSet; expiresAt comes from the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_500)
      const tokenSet = yield* exchangeAgainst(json(200, {
        access_token: "ya29.federated",
        expires_in: 3599,
        scope: "openid email",
        token_type: "Bearer",
        issued_token_type: "http://auth0.com/oauth/token-type/federated-connection-access-token"
      }))
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.federated")
      expect(tokenSet.expiresAt).toBe(1_700_000_000 + 3599)
      expect(tokenSet.scope).toBe("openid email")
      expect(tokenSet.connection).toBe("google-oauth2")
      expect(tokenSet.loginHint).toBeUndefined()
    }))

  it.effect("scope is undefined when Auth0 sends none", () =>
    Effect.gen(function*() {
      const tokenSet = yield* exchangeAgainst(json(200, { access_token: "t", expires_in: 60 }))
      expect(tokenSet.scope).toBeUndefined()
      expect("scope" in tokenSet).toBe(true)
    }))

  it.effect("an OAuth error of no situation of its own becomes a TokenExchangeError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(exchangeAgainst(json(400, {
        error: "invalid_request",
        error_description: "The connection is not enabled for this application."
      })))
      expect(error).toBeInstanceOf(TokenVaultError.TokenExchangeError)
      const exchangeError = error as TokenVaultError.TokenExchangeError
      expect(exchangeError.status).toBe(400)
      expect(exchangeError.error).toBe("invalid_request")
      expect(exchangeError.errorDescription).toBe("The connection is not enabled for this application.")
      expect(exchangeError.connection).toBe("google-oauth2")
      expect(exchangeError.message).toContain("google-oauth2")
    }))

  it.effect("a 429 becomes a RateLimitError with Retry-After and the x-ratelimit figures", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(exchangeAgainst(json(
        429,
        { error: "too_many_requests", error_description: "Global limit has been reached" },
        {
          "retry-after": "2",
          "x-ratelimit-limit": "30",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": "1700000002"
        }
      )))
      expect(error).toBeInstanceOf(TokenVaultError.RateLimitError)
      const rateLimit = error as TokenVaultError.RateLimitError
      expect(rateLimit.retryAfter).toBe(2)
      expect(rateLimit.limit).toBe(30)
      expect(rateLimit.remaining).toBe(0)
      expect(rateLimit.reset).toBe(1700000002)
      expect(rateLimit.error).toBe("too_many_requests")
    }))

  it.effect("a Retry-After date counts from the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      const error = yield* Effect.flip(exchangeAgainst({
        status: 429,
        body: "",
        headers: { "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }
      }))
      expect((error as TokenVaultError.RateLimitError).retryAfter).toBe(5)
      expect((error as TokenVaultError.RateLimitError).error).toBeUndefined()
    }))

  it.effect.each(
    [
      ["HTML with 200", { status: 200, body: "<html><body>Login</body></html>" }, 200, "not JSON"],
      ["HTML with 502", { status: 502, body: "<html>Bad gateway</html>" }, 502, "not JSON"],
      ["plain text", { status: 200, body: "ok" }, 200, "not JSON"],
      ["an empty 200", { status: 200, body: "" }, 200, "empty body"],
      ["an empty 500", { status: 500, body: "" }, 500, "empty body"],
      ["a 204", { status: 204, body: "" }, 204, "empty body"],
      ["wrong types", json(200, { access_token: 42, expires_in: "3600" }), 200, "access_token, expires_in"],
      ["a missing access_token", json(200, { expires_in: 3600 }), 200, "access_token"],
      ["a negative expires_in", json(200, { access_token: "t", expires_in: -5 }), 200, "expires_in"],
      ["a JSON array", json(200, [1, 2]), 200, "missing or invalid"],
      ["JSON null", json(200, null), 200, "missing or invalid"],
      ["an OAuth error with 200", json(200, { error: "invalid_grant" }), 200, "missing or invalid"],
      ["a 500 without an OAuth body", json(500, { message: "boom" }), 500, "without an OAuth error body"],
      ["a 302", { status: 302, body: "", headers: { location: "https://elsewhere" } }, 302, "empty body"]
    ] as const
  )("%s becomes an UnexpectedResponseError", ([_, answer, status, description]) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(exchangeAgainst(answer))
      expect(error).toBeInstanceOf(TokenVaultError.UnexpectedResponseError)
      const unexpected = error as TokenVaultError.UnexpectedResponseError
      expect(unexpected.status).toBe(status)
      expect(unexpected.description).toContain(description)
    }))

  it.effect("excerpts leave out issued tokens and anything the server echoes of the request", () =>
    Effect.gen(function*() {
      const wrongTypes = yield* Effect.flip(
        exchangeAgainst(json(200, { access_token: "issued-token-77", expires_in: "soon" }))
      )
      expect(wrongTypes.message).not.toContain("issued-token-77")
      expect((wrongTypes as TokenVaultError.UnexpectedResponseError).excerpt).toContain("<redacted>")
      const echo = yield* Effect.flip(exchangeAgainst({
        status: 400,
        body: `<html>you sent subject_token=${subjectToken}&client_secret=${clientSecret}</html>`
      }))
      expect(echo.message).not.toContain(subjectToken)
      expect(echo.message).not.toContain(clientSecret)
      expect(echo.message).toContain("you sent")
    }))

  it.effect("a secret echoed escaped in JSON, form-encoded or percent-encoded is cut out too", () =>
    Effect.gen(function*() {
      // No digits: the token-like pattern would not catch it.
      const secret = `my "client" secret! ünïcode`
      const formEncoded = encodeURIComponent(secret).replace(/%20/g, "+") // as the library sends it
      const echoes = [JSON.stringify(secret).slice(1, -1), formEncoded, encodeURIComponent(secret)]
      const stub = yield* stubHttpClient({ status: 400, body: JSON.stringify({ you_sent: echoes.join(" | ") }) })
      const vault = yield* TokenVault.make({
        domain: "tenant.auth0.com",
        clientId: "client",
        clientSecret: Redacted.make(secret),
        retry: false
      }).pipe(Effect.provide(stub.layer))
      const error = yield* Effect.flip(
        vault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: subjectToken })
      )
      expect(error._tag).toBe("UnexpectedResponseError")
      for (const echo of echoes) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(echo)
    }).pipe(Effect.scoped))

  it.effect.each(
    [
      ["an array", 10_000, (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`],
      ["an object", 5_000, (depth: number) => `${"{\"a\":".repeat(depth)}1${"}".repeat(depth)}`]
    ] as const
  )(
    "JSON nested %s deep is an UnexpectedResponseError, not a stack overflow",
    ([_, depth, nested]) =>
      Effect.gen(function*() {
        for (const status of [200, 400, 500]) {
          const exit = yield* Effect.exit(exchangeAgainst({ status, body: nested(depth) }))
          expect(Exit.isFailure(exit) && Option.getOrUndefined(Cause.findErrorOption(exit.cause))?._tag).toBe(
            "UnexpectedResponseError"
          )
        }
      })
  )

  it.effect("a body in another declared charset is described, not excerpted", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(exchangeAgainst({
        status: 500,
        body: "token=abc+def refused",
        headers: { "content-type": "text/plain; charset=iso-8859-1" }
      }))
      expect(error._tag).toBe("UnexpectedResponseError")
      expect((error as TokenVaultError.UnexpectedResponseError).excerpt).toContain("not UTF-8 text")
      expect((error as TokenVaultError.UnexpectedResponseError).excerpt).not.toContain("abc")
    }))

  it.effect("a success with a field of the wrong type names that field", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(exchangeAgainst(json(200, { access_token: "x", expires_in: 1, scope: 5 })))
      expect(error._tag).toBe("UnexpectedResponseError")
      expect(error.message).toMatch(/missing or invalid fields: scope\b/)
    }))

  it.effect("a long body is cut to a short excerpt", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(exchangeAgainst({ status: 503, body: "x".repeat(100_000) }))
      expect((error as TokenVaultError.UnexpectedResponseError).excerpt.length).toBeLessThan(200)
    }))

  // Text a server might send back, now and then with the request's secrets in it.
  const anyText = FastCheck.oneof(
    FastCheck.string(),
    FastCheck.tuple(FastCheck.string(), FastCheck.constantFrom(subjectToken, clientSecret), FastCheck.string())
      .pipe(Arbitrary.map(([before, secret, after]) => `${before}${secret}${after}`))
  )
  const anyBody = FastCheck.oneof(
    anyText,
    FastCheck.json(),
    FastCheck.record({
      access_token: FastCheck.oneof(FastCheck.string(), FastCheck.integer(), FastCheck.constant(null)),
      expires_in: FastCheck.oneof(FastCheck.integer(), FastCheck.double(), FastCheck.string()),
      scope: FastCheck.oneof(FastCheck.string(), FastCheck.constant(null), FastCheck.integer()),
      error: FastCheck.oneof(anyText, FastCheck.integer()),
      error_description: FastCheck.oneof(anyText, FastCheck.constant(null))
    }, { requiredKeys: [] }).pipe(Arbitrary.map((body) => JSON.stringify(body)))
  )
  const anyHeaders = FastCheck.record({
    "retry-after": FastCheck.oneof(
      FastCheck.string(),
      FastCheck.nat().pipe(Arbitrary.map(String)),
      FastCheck.date().pipe(Arbitrary.map((d) => d.toUTCString()))
    ),
    "x-ratelimit-limit": FastCheck.string(),
    "x-ratelimit-remaining": FastCheck.oneof(FastCheck.string(), FastCheck.integer().pipe(Arbitrary.map(String))),
    "x-ratelimit-reset": FastCheck.oneof(FastCheck.string(), FastCheck.double().pipe(Arbitrary.map(String))),
    "content-length": FastCheck.oneof(FastCheck.string(), FastCheck.nat({ max: 200_000 }).pipe(Arbitrary.map(String))),
    "content-type": FastCheck.constantFrom("application/json", "text/html", "text/plain")
  }, { requiredKeys: [] })

  it.effect.prop(
    "any status, headers and body end in a token set or a typed error, never a defect",
    [FastCheck.integer({ min: 200, max: 599 }), anyHeaders, anyBody],
    ([status, headers, body]) =>
      Effect.gen(function*() {
        const safeHeaders = Object.fromEntries(
          Object.entries(headers).filter(([, value]) => /^[\t\x20-\x7e]*$/.test(value))
        )
        const exit = yield* Effect.exit(exchangeAgainst({ status, headers: safeHeaders, body }))
        if (Exit.isSuccess(exit)) {
          expect(status).toBeGreaterThanOrEqual(200)
          expect(status).toBeLessThan(300)
          expect(Redacted.value(exit.value.accessToken).length).toBeGreaterThan(0)
          expect(Number.isFinite(exit.value.expiresAt)).toBe(true)
          return
        }
        const failure = Cause.findErrorOption(exit.cause)
        expect(Option.isSome(failure)).toBe(true)
        const error = Option.getOrThrow(failure)
        expect(["TokenExchangeError", "RateLimitError", "UnexpectedResponseError"]).toContain(error._tag)
        for (const text of [error.message, String(error), JSON.stringify(error)]) {
          expect(text).not.toContain(subjectToken)
          expect(text).not.toContain(clientSecret)
        }
      })
  )
})

describe("the success body's hand-written check", () => {
  const decodeWithSchema = Schema.decodeUnknownResult(SuccessBody)
  const field = FastCheck.oneof(
    FastCheck.constant(undefined),
    FastCheck.constant(null),
    FastCheck.string(),
    FastCheck.constant(""),
    FastCheck.integer(),
    FastCheck.double(),
    FastCheck.constant(-0),
    FastCheck.constant(Number.MAX_SAFE_INTEGER + 1),
    FastCheck.boolean(),
    FastCheck.array(FastCheck.string(), { maxLength: 2 }),
    FastCheck.dictionary(FastCheck.string(), FastCheck.string(), { maxKeys: 2 })
  )
  const body = FastCheck.oneof(
    FastCheck.record(
      {
        access_token: field,
        expires_in: field,
        scope: field,
        token_type: field,
        issued_token_type: field,
        other: field
      },
      { requiredKeys: [] }
    ),
    FastCheck.anything()
  )

  it.prop("accepts only what SuccessBody accepts, and reads the same values", [body], ([json]) => {
    const plain = plainSuccess(json)
    const decoded = decodeWithSchema(json)
    if (plain === undefined) return
    expect(Result.isSuccess(decoded)).toBe(true)
    if (Result.isFailure(decoded)) return
    expect(plain.accessToken).toBe(Redacted.value(decoded.success.access_token))
    expect(plain.expiresIn).toBe(decoded.success.expires_in)
    expect(plain.scope).toBe(decoded.success.scope ?? undefined)
  }, { arbitrary: { runs: 5_000 } })

  it("takes Auth0's usual answer, with or without scope and with null fields", () => {
    expect(plainSuccess({ access_token: "ya29.a", expires_in: 3599, scope: "openid", token_type: "Bearer" })).toEqual({
      accessToken: "ya29.a",
      expiresIn: 3599,
      scope: "openid"
    })
    expect(plainSuccess({ access_token: "gho_b", expires_in: 0, scope: null, issued_token_type: null })).toEqual({
      accessToken: "gho_b",
      expiresIn: 0,
      scope: undefined
    })
    expect(plainSuccess({ access_token: "", expires_in: 1 })).toBeUndefined()
    expect(plainSuccess({ access_token: "x", expires_in: 1.5 })).toBeUndefined()
    expect(plainSuccess({ access_token: "x", expires_in: 1, token_type: 7 })).toBeUndefined()
  })
})
