/**
 * Auth0's OAuth error answers, each classified as the error of the situation an application acts
 * on (or a `TokenExchangeError`), keeping Auth0's answer and the call's connection; the MFA token
 * of an `mfa_required` answer is kept `Redacted`, and shown nowhere.
 */
import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Redacted } from "effect"
import { HttpClient } from "effect/http"
import { inspect } from "node:util"
import { recordingLogger, recordingTracer } from "./utils/recorders.js"
import { jsonAnswer } from "./utils/stubHttpClient.js"
import { secretOf, tenant } from "./utils/tenant.js"
import { github, vaultOver } from "./utils/vault.js"

type Tag = TokenVaultError.TokenVaultError["_tag"]

/** status, Auth0's `error`, the tag it becomes, and what its message tells the application to do. */
const classified: ReadonlyArray<readonly [number, string, Tag, RegExp]> = [
  [
    401,
    "federated_connection_refresh_token_not_found",
    "AccountNotConnectedError",
    /start the Connected Accounts flow/
  ],
  [
    400,
    "federated_connection_refresh_token_not_found",
    "AccountNotConnectedError",
    /start the Connected Accounts flow/
  ],
  [401, "tokenset_not_found", "AccountNotConnectedError", /start the Connected Accounts flow/],
  [401, "federated_connection_refresh_token_flow_failed", "ReconnectRequiredError", /re-authorize the connection/],
  [403, "federated_connection_refresh_token_flow_failed", "ReconnectRequiredError", /re-authorize the connection/],
  [401, "invalid_grant", "InvalidSubjectTokenError", /have the user sign in again/],
  [400, "invalid_grant", "InvalidSubjectTokenError", /have the user sign in again/],
  [403, "invalid_grant", "InvalidSubjectTokenError", /have the user sign in again/],
  [403, "unauthorized_client", "ClientNotAllowedError", /enable the Token Vault grant .* first-party, confidential/],
  [400, "unauthorized_client", "ClientNotAllowedError", /enable the Token Vault grant .* first-party, confidential/],
  [403, "access_denied", "ClientNotAllowedError", /enable the Token Vault grant .* first-party, confidential/],
  [403, "mfa_required", "MfaRequiredError", /have the user complete MFA/],
  [401, "mfa_required", "MfaRequiredError", /have the user complete MFA/],
  // No situation of their own: Auth0 refused, read `error`.
  [400, "invalid_request", "TokenExchangeError", /^Auth0 refused the token exchange/],
  [400, "invalid_scope", "TokenExchangeError", /^Auth0 refused the token exchange/],
  [401, "access_denied", "TokenExchangeError", /^Auth0 refused the token exchange/],
  [400, "access_denied", "TokenExchangeError", /^Auth0 refused the token exchange/],
  [400, "use_dpop_nonce", "TokenExchangeError", /^Auth0 refused the token exchange/],
  // A 5xx is Auth0 failing, whatever the code: no situation of the user's.
  [500, "invalid_grant", "TokenExchangeError", /^Auth0 refused the token exchange/],
  [500, "federated_connection_refresh_token_flow_failed", "TokenExchangeError", /^Auth0 refused the token exchange/],
  [501, "mfa_required", "TokenExchangeError", /^Auth0 refused the token exchange/]
]

/** The class of each tag a classified answer becomes. */
const classes = {
  AccountNotConnectedError: TokenVaultError.AccountNotConnectedError,
  ReconnectRequiredError: TokenVaultError.ReconnectRequiredError,
  InvalidSubjectTokenError: TokenVaultError.InvalidSubjectTokenError,
  ClientNotAllowedError: TokenVaultError.ClientNotAllowedError,
  MfaRequiredError: TokenVaultError.MfaRequiredError,
  TokenExchangeError: TokenVaultError.TokenExchangeError
} as const

const mfaToken = "Fe26.2**mfa-7Kq2xV9pLw3ZcR8tYb1N"
const mfaBody = {
  error: "mfa_required",
  error_description: "Multifactor authentication required",
  mfa_token: mfaToken
}

/** The error of one call answered with `answer`. */
const failureOf = (answer: ReturnType<typeof jsonAnswer>, connection = "github") =>
  Effect.gen(function*() {
    const { requests, vault } = yield* vaultOver(answer)
    const error = yield* Effect.flip(vault.getAccessTokenForConnection({ ...github, connection }))
    return { error, requests: yield* requests }
  })

describe("OAuth error answers, classified", () => {
  it.effect.each(classified)(
    "%i %s is a %s whose message says what to do",
    ([status, code, tag, advice]) =>
      Effect.gen(function*() {
        const description = `Auth0 says: ${code}`
        const { error, requests } = yield* failureOf(
          jsonAnswer(status, { error: code, error_description: description }),
          "google-oauth2"
        )
        expect(error).toBeInstanceOf(classes[tag as keyof typeof classes])
        expect({ ...error }).toStrictEqual({
          _tag: tag,
          status,
          error: code,
          errorDescription: description,
          connection: "google-oauth2",
          ...(tag === "MfaRequiredError" ? { mfaToken: undefined } : {})
        })
        expect(error.message).toMatch(advice)
        expect(error.message).toContain(`"google-oauth2"`)
        expect(error.message).toContain(`(${status} ${code}): ${description}`)
        // Final: status 500, 501 and every 4xx are not retried.
        expect(requests).toBe(1)
      })
  )

  it.effect("an answer without error_description keeps none, and the message shows none", () =>
    Effect.gen(function*() {
      const { error } = yield* failureOf(jsonAnswer(401, { error: "tokenset_not_found" }))
      expect(error).toBeInstanceOf(TokenVaultError.AccountNotConnectedError)
      expect({ ...error }).toStrictEqual({
        _tag: "AccountNotConnectedError",
        status: 401,
        error: "tokenset_not_found",
        errorDescription: undefined,
        connection: "github"
      })
      expect(error.message).toBe(
        "The user has not connected an account at connection \"github\" in Token Vault (401 tokenset_not_found); " +
          "start the Connected Accounts flow for this connection, then call again"
      )
    }))

  it.effect("401 access_denied \"Unauthorized\" stays a TokenExchangeError with the client-credentials advice", () =>
    Effect.gen(function*() {
      const { error } = yield* failureOf(jsonAnswer(401, { error: "access_denied", error_description: "Unauthorized" }))
      expect(error._tag).toBe("TokenExchangeError")
      expect(error.message).toBe(
        "Auth0 rejected the client's authentication in the token exchange for connection \"github\" " +
          "(401 access_denied): Unauthorized; check the client id and secret (clientId, clientSecret)"
      )
      const forbidden = yield* failureOf(jsonAnswer(403, { error: "access_denied", error_description: "Unauthorized" }))
      expect(forbidden.error._tag).toBe("ClientNotAllowedError")
      expect(forbidden.error.message).not.toContain("check the client id")
    }))

  it.effect("invalid_client stays a TokenExchangeError with the client-credentials advice, whatever the status", () =>
    Effect.gen(function*() {
      for (const status of [401, 400, 403]) {
        const { error } = yield* failureOf(jsonAnswer(status, { error: "invalid_client" }))
        expect(error._tag).toBe("TokenExchangeError")
        expect(error.message).toContain("check the client id and secret (clientId, clientSecret)")
      }
    }))

  it.effect("a 502 OAuth error stays a retried TokenExchangeError; a code in another case is no situation", () =>
    Effect.gen(function*() {
      const { error, requests } = yield* failureOf(jsonAnswer(403, { error: "MFA_REQUIRED" }))
      expect(error._tag).toBe("TokenExchangeError")
      expect(requests).toBe(1)
      const { vault, requests: sent } = yield* vaultOver(jsonAnswer(502, { error: "invalid_grant" }), {
        retry: { maxAttempts: 2, baseDelay: 0, maxDelay: 0 }
      })
      const gateway = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(gateway._tag).toBe("TokenExchangeError")
      expect(yield* sent).toBe(2)
    }))

  it.effect("a code that names an Object.prototype property is no situation", () =>
    Effect.gen(function*() {
      for (const code of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
        const { error } = yield* failureOf(jsonAnswer(401, { error: code }))
        expect(error._tag).toBe("TokenExchangeError")
      }
    }))

  it.effect("control characters in the connection and in Auth0's text are escaped in the message, kept in the fields", () =>
    Effect.gen(function*() {
      const connection = "github\r\nINFO forged \u001b[31m"
      const { error } = yield* failureOf(
        jsonAnswer(401, {
          error: "federated_connection_refresh_token_flow_failed",
          error_description: "no\u001b[2Kway"
        }),
        connection
      )
      expect(error._tag).toBe("ReconnectRequiredError")
      expect(error.message).toContain(`connection "github\\r\\nINFO forged \\u001b[31m"`)
      expect(error.message).toContain("no\\u001b[2Kway")
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      expect(error.message).not.toMatch(/[\u0000-\u001f]/)
      expect(error).toHaveProperty("connection", connection)
      expect(error).toHaveProperty("errorDescription", "no\u001b[2Kway")
    }))

  it.effect("the subject token and client secret echoed in Auth0's text are scrubbed from every class", () =>
    Effect.gen(function*() {
      for (const code of ["invalid_grant", "tokenset_not_found", "unauthorized_client", "mfa_required"]) {
        const { vault } = yield* vaultOver(
          jsonAnswer(403, { error: code, error_description: "token subject-token-5d1e9a, secret the-secret-8b2c4f" }),
          { clientSecret: Redacted.make("the-secret-8b2c4f") }
        )
        const error = yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: "subject-token-5d1e9a" })
        )
        expect(error._tag).not.toBe("TokenExchangeError")
        const shown = `${error.message} ${JSON.stringify(error)} ${inspect(error)}`
        expect(shown).not.toContain("subject-token-5d1e9a")
        expect(shown).not.toContain("the-secret-8b2c4f")
        expect(error).toHaveProperty("errorDescription", "token <redacted>, secret <redacted>")
      }
    }))
})

describe("MfaRequiredError", () => {
  it.effect("keeps Auth0's mfa_token Redacted, and shows it nowhere", () =>
    Effect.gen(function*() {
      const { error } = yield* failureOf(jsonAnswer(403, mfaBody))
      expect(error).toBeInstanceOf(TokenVaultError.MfaRequiredError)
      const mfa = error as TokenVaultError.MfaRequiredError
      expect(Redacted.isRedacted(mfa.mfaToken)).toBe(true)
      expect(Redacted.value(mfa.mfaToken!)).toBe(mfaToken)
      expect(mfa.status).toBe(403)
      expect(mfa.errorDescription).toBe("Multifactor authentication required")
      expect(mfa.message).toBe(
        "Auth0 requires multi-factor authentication for the token exchange for connection \"github\" " +
          "(403 mfa_required): Multifactor authentication required; have the user complete MFA " +
          "(the error's mfaToken continues Auth0's MFA flow), then call again"
      )
      const exit = Exit.fail(mfa)
      const everywhere = [
        mfa.message,
        mfa.toString(),
        String(mfa),
        mfa.stack ?? "",
        JSON.stringify(mfa),
        JSON.stringify({ ...mfa }),
        inspect(mfa, { depth: 10 }),
        Cause.pretty(Cause.fail(mfa)),
        JSON.stringify(exit),
        String(exit),
        inspect(exit, { depth: 10 })
      ]
      for (const text of everywhere) expect(text).not.toContain(mfaToken)
      expect(JSON.parse(JSON.stringify(mfa))).toStrictEqual({
        _tag: "MfaRequiredError",
        status: 403,
        error: "mfa_required",
        errorDescription: "Multifactor authentication required",
        connection: "github",
        mfaToken: "<redacted>"
      })
    }))

  it.effect("neither the call's spans nor a log of the error or its Cause show the mfa token", () =>
    Effect.gen(function*() {
      const tracer = recordingTracer()
      const logger = recordingLogger()
      const { vault } = yield* vaultOver(jsonAnswer(403, mfaBody))
      const error = yield* Effect.flip(Effect.withTracer(vault.getAccessTokenForConnection(github), tracer.tracer))
      yield* Effect.gen(function*() {
        yield* Effect.logError("exchange failed", error)
        yield* Effect.logError(Cause.fail(error))
      }).pipe(Effect.provide(logger.logger))
      expect(tracer.spans.map((span) => span.name)).toContain("TokenVault.getAccessTokenForConnection")
      expect(tracer.text()).toContain("Auth0 requires multi-factor authentication")
      expect(tracer.text()).not.toContain(mfaToken)
      expect(logger.lines).toHaveLength(4)
      expect(logger.text()).toContain("Auth0 requires multi-factor authentication")
      expect(logger.text()).not.toContain(mfaToken)
    }))

  it.effect("an mfa token Auth0 echoes in its description is cut out of it", () =>
    Effect.gen(function*() {
      const { error } = yield* failureOf(
        jsonAnswer(403, { ...mfaBody, error_description: `MFA required (mfa_token ${mfaToken})` })
      )
      expect(error._tag).toBe("MfaRequiredError")
      expect(error.message).not.toContain(mfaToken)
      expect(error).toHaveProperty("errorDescription", "MFA required (mfa_token <redacted>)")
    }))

  it.effect("without a usable mfa_token (absent, empty, not a string), mfaToken is undefined", () =>
    Effect.gen(function*() {
      for (const token of [undefined, "", 42, { value: "x" }, null]) {
        const { error } = yield* failureOf(jsonAnswer(403, { error: "mfa_required", mfa_token: token }))
        expect(error._tag).toBe("MfaRequiredError")
        expect(error).toHaveProperty("mfaToken", undefined)
        expect(error.message).toBe(
          "Auth0 requires multi-factor authentication for the token exchange for connection \"github\" " +
            "(403 mfa_required); have the user complete MFA, then call again"
        )
      }
    }))

  it.effect("an mfa_token on another error is not kept; in a body without an OAuth error it is not excerpted", () =>
    Effect.gen(function*() {
      const other = yield* failureOf(jsonAnswer(401, { error: "invalid_grant", mfa_token: mfaToken }))
      expect(other.error._tag).toBe("InvalidSubjectTokenError")
      expect(JSON.stringify(other.error)).not.toContain(mfaToken)
      expect(Object.keys(other.error)).not.toContain("mfaToken")
      const unexpected = yield* failureOf(jsonAnswer(403, { message: "MFA", mfa_token: mfaToken }))
      expect(unexpected.error._tag).toBe("UnexpectedResponseError")
      expect(`${unexpected.error.message} ${JSON.stringify(unexpected.error)}`).not.toContain(mfaToken)
    }))
})

describe("through the emulator (Fault.Custom)", () => {
  const answeredWith = (status: number, body: unknown) =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      yield* emulator.setFault(Fault.Custom({
        status,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body)
      }))
      return yield* TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "alice-access-token" })
        .pipe(
          Effect.provide(
            TokenVault.layer({
              domain: tenant.domain,
              clientId: "web-app",
              clientSecret: Redacted.make(secretOf("web-app"))
            }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, EmulatorHttpClient.make(emulator))))
          )
        )
    })

  it.effect("each situation is caught by its tag", () =>
    Effect.gen(function*() {
      const handled = (status: number, body: unknown) =>
        answeredWith(status, body).pipe(
          Effect.map(() => "token"),
          Effect.catchTags({
            AccountNotConnectedError: (error) => Effect.succeed(`connect ${error.connection}`),
            ReconnectRequiredError: (error) => Effect.succeed(`reconnect ${error.connection}`),
            InvalidSubjectTokenError: () => Effect.succeed("sign in"),
            ClientNotAllowedError: (error) => Effect.succeed(`fix the client: ${error.errorDescription}`),
            MfaRequiredError: (error) =>
              Effect.succeed(`mfa ${error.mfaToken === undefined ? "-" : Redacted.value(error.mfaToken)}`),
            TokenExchangeError: (error) => Effect.succeed(`refused ${error.error}`)
          }),
          Effect.catch((error) => Effect.succeed(`other ${error._tag}`))
        )
      expect(yield* handled(401, { error: "federated_connection_refresh_token_not_found" })).toBe("connect github")
      expect(yield* handled(401, { error: "tokenset_not_found" })).toBe("connect github")
      expect(yield* handled(401, { error: "federated_connection_refresh_token_flow_failed" })).toBe("reconnect github")
      expect(yield* handled(401, { error: "invalid_grant" })).toBe("sign in")
      expect(yield* handled(403, { error: "access_denied", error_description: "not first-party" })).toBe(
        "fix the client: not first-party"
      )
      expect(yield* handled(403, mfaBody)).toBe(`mfa ${mfaToken}`)
      expect(yield* handled(400, { error: "invalid_request" })).toBe("refused invalid_request")
    }))
})
