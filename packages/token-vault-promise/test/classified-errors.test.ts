/**
 * The facade's `TokenForConnectionError.reason` for each failure, Auth0's compatible `cause`,
 * `statusCode` and message kept, and the MFA token of an `mfa_required` answer: `mfaToken` and
 * `cause.mfa_token` as in Auth0's SDK, but non-enumerable, so never serialised or printed.
 */
import { AuthClient, isMfaRequiredError } from "@auth0/auth0-auth-js"
import {
  ApiClient,
  type ApiClientOptions,
  TokenForConnectionError,
  type TokenForConnectionErrorReason
} from "@effect-auth0/token-vault-promise"
import { describe, expect, it } from "@effect/vitest"
import { inspect } from "node:util"
import { rejection, type StubAnswer, stubFetch } from "./fixtures.js"

const subjectToken = "subject-3e7c9a"
const mfaToken = "Fe26.2**mfa-Q8wZ1rT5yU3iO7pA2sD4"
const mfaBody = { error: "mfa_required", error_description: "Multifactor authentication required", mfa_token: mfaToken }

const json = (status: number, body: unknown): StubAnswer => ({
  status,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json" }
})

/** The rejection of one call over a stub answering `answer`. */
const failure = async (
  answer: StubAnswer,
  call: Record<string, unknown> = { connection: "github", accessToken: subjectToken },
  options: Partial<ApiClientOptions> = {}
) => {
  const apiClient = new ApiClient({
    domain: "tenant.auth0.com",
    clientId: "client",
    clientSecret: "secret-9d2b",
    customFetch: stubFetch(answer).fetch,
    retry: false,
    ...options
  })
  const error = await rejection(apiClient.getAccessTokenForConnection(call as never))
  await apiClient.dispose()
  return error as TokenForConnectionError
}

describe("TokenForConnectionError.reason for Auth0's OAuth errors", () => {
  it.each(
    [
      [401, "federated_connection_refresh_token_not_found", "not_connected"],
      [401, "tokenset_not_found", "not_connected"],
      [401, "federated_connection_refresh_token_flow_failed", "reconnect_required"],
      [401, "invalid_grant", "invalid_subject_token"],
      [403, "unauthorized_client", "client_not_allowed"],
      [403, "access_denied", "client_not_allowed"],
      [403, "mfa_required", "mfa_required"],
      [400, "invalid_request", "exchange_failed"],
      [401, "invalid_client", "exchange_failed"],
      [401, "access_denied", "exchange_failed"],
      [500, "invalid_grant", "exchange_failed"]
    ] as const
  )("%i %s: reason %s, with Auth0's cause, status and message", async (status, code, reason) => {
    const error = await failure(json(status, { error: code, error_description: `about ${code}` }))
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.code).toBe("token_for_connection_error")
    expect(error.reason).toBe(reason)
    expect(error.message).toBe("Failed to exchange token for connection 'github'.")
    expect(error.cause).toStrictEqual({ error: code, error_description: `about ${code}` })
    expect(error.statusCode).toBe(status)
    expect(error.mfaToken).toBeUndefined()
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: "token_for_connection_error",
      reason,
      statusCode: status
    })
  })
})

describe("TokenForConnectionError.reason for the other failures", () => {
  it("rate_limited: a 429, statusCode 429", async () => {
    const error = await failure(json(429, { error: "too_many_requests" }))
    expect(error.reason).toBe("rate_limited")
    expect(error.statusCode).toBe(429)
    expect(error.cause).toStrictEqual({ error: "too_many_requests", error_description: "" })
  })

  it("unexpected_response: a proxy's HTML page", async () => {
    const error = await failure({ status: 502, body: "<html>Bad gateway</html>" })
    expect(error.reason).toBe("unexpected_response")
    expect(error.statusCode).toBe(502)
    expect(error.cause).toBeUndefined()
  })

  it("transport: a fetch that rejects", async () => {
    const apiClient = new ApiClient({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientSecret: "secret-9d2b",
      customFetch: () => Promise.reject(new TypeError("fetch failed")),
      retry: false
    })
    const error = (await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )) as TokenForConnectionError
    await apiClient.dispose()
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.reason).toBe("transport")
  })

  it("invalid_argument: the call's options break a rule (not the connection, which is Auth0's MissingRequiredArgumentError)", async () => {
    const error = await failure(json(200, {}), { connection: "github" })
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.reason).toBe("invalid_argument")
    expect(error.message).toBe("Either a refresh or access token must be specified.")
  })

  it("invalid_configuration: no client id", async () => {
    const error = await failure(json(200, {}), undefined, { clientId: undefined as never })
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.reason).toBe("invalid_configuration")
    expect(error.message).toBe("Client credentials are required to use getAccessTokenForConnection")
  })

  it("disposed: a call after dispose()", async () => {
    const apiClient = new ApiClient({ domain: "tenant.auth0.com", clientId: "client", clientSecret: "s" })
    await apiClient.dispose()
    const error = (await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )) as TokenForConnectionError
    expect(error.reason).toBe("disposed")
  })

  it("constructed by hand: reason exchange_failed unless given, no mfa token", () => {
    const plain = new TokenForConnectionError("x", { error: "invalid_grant", error_description: "" }, 401)
    expect(plain.reason).toBe("exchange_failed")
    expect(plain.mfaToken).toBeUndefined()
    const given = new TokenForConnectionError("x", undefined, undefined, { reason: "interrupted" })
    expect(given.reason).toBe("interrupted")
    const reason: TokenForConnectionErrorReason = given.reason
    expect(reason).toBe("interrupted")
  })
})

describe("mfa_required", () => {
  it("mfaToken and cause.mfa_token hold Auth0's MFA token, non-enumerable: no output shows it", async () => {
    const error = await failure(json(403, mfaBody))
    expect(error.reason).toBe("mfa_required")
    expect(error.mfaToken).toBe(mfaToken)
    expect(error.cause?.mfa_token).toBe(mfaToken)
    expect(error.cause).toStrictEqual({
      error: "mfa_required",
      error_description: "Multifactor authentication required"
    })
    expect(Object.keys(error)).not.toContain("mfaToken")
    expect(Object.keys(error.cause!)).toStrictEqual(["error", "error_description"])
    const everywhere = [
      error.message,
      String(error),
      error.stack ?? "",
      JSON.stringify(error),
      JSON.stringify({ ...error }),
      JSON.stringify(error.cause),
      JSON.stringify({ ...error.cause }),
      inspect(error),
      inspect(error, { depth: 10 }),
      inspect(error.cause),
      inspect({ error })
    ]
    for (const text of everywhere) expect(text).not.toContain(mfaToken)
    expect(JSON.parse(JSON.stringify(error))).toStrictEqual({
      code: "token_for_connection_error",
      statusCode: 403,
      reason: "mfa_required",
      name: "TokenForConnectionError",
      cause: { error: "mfa_required", error_description: "Multifactor authentication required" }
    })
  })

  it("without an mfa_token: reason mfa_required, no token", async () => {
    const error = await failure(json(403, { error: "mfa_required" }))
    expect(error.reason).toBe("mfa_required")
    expect(error.mfaToken).toBeUndefined()
    expect(error.cause?.mfa_token).toBeUndefined()
  })

  it("matches @auth0/auth0-auth-js for the same answer: message, cause, mfa_token, statusCode, isMfaRequiredError", async () => {
    const domain = "tenant.auth0.com"
    const issuer = `https://${domain}/`
    const sdkFetch: typeof fetch = async (input) => {
      const url = new Request(input).url
      return url.endsWith("/.well-known/openid-configuration")
        ? Response.json({
          issuer,
          token_endpoint: `${issuer}oauth/token`,
          authorization_endpoint: `${issuer}authorize`,
          jwks_uri: `${issuer}.well-known/jwks.json`
        })
        : Response.json(mfaBody, { status: 403 })
    }
    const sdk = new AuthClient({ domain, clientId: "client", clientSecret: "secret-9d2b", customFetch: sdkFetch })
    const theirs = (await rejection(
      sdk.getTokenForConnection({ connection: "github", accessToken: subjectToken })
    )) as Error & { cause: Record<string, unknown>; statusCode?: number }
    const ours = await failure(json(403, mfaBody))

    expect(isMfaRequiredError(theirs)).toBe(true)
    expect(isMfaRequiredError(ours)).toBe(true)
    expect(ours.message).toBe(theirs.message)
    expect(ours.code).toBe((theirs as Error & { code: string }).code)
    expect(ours.statusCode).toBe(theirs.statusCode)
    expect(ours.cause?.error).toBe(theirs.cause["error"])
    expect(ours.cause?.error_description).toBe(theirs.cause["error_description"])
    expect(ours.cause?.mfa_token).toBe(theirs.cause["mfa_token"])

    const notMfa = await failure(json(401, { error: "invalid_grant" }))
    expect(isMfaRequiredError(notMfa)).toBe(false)
  })
})
