import { TokenVaultError } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { jsonAnswer } from "./utils/stubHttpClient.js"
import { vaultOver } from "./utils/vault.js"

/** CR/LF that would forge a log line, ANSI colours, a C1 control, DEL, and a right-to-left override. */
const hostile = "github\r\n2026-01-01 INFO forged \u001b[31mred\u001b[0m\u0085\u007f\u202eevil\u2066x\u2069\t"
const escaped = "github\\r\\n2026-01-01 INFO forged \\u001b[31mred\\u001b[0m\\u0085\\u007f\\u202eevil\\u2066x\\u2069\\t"

/** Any control character a message must not carry: C0, DEL, C1, line separators, bidi controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const anyControl = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

describe("caller values in error messages", () => {
  it.effect("TokenExchangeError: the connection is escaped in the message and kept as given in the field", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver(
        jsonAnswer(401, { error: "invalid_grant\u001b[2K", error_description: `no identity for ${hostile}` })
      )
      const error = yield* Effect.flip(vault.getAccessTokenForConnection({ connection: hostile, accessToken: "at" }))
      expect(error._tag).toBe("TokenExchangeError")
      expect(error.message).not.toMatch(anyControl)
      expect(error.message).toContain(`connection "${escaped}"`)
      expect(error.message).toContain("invalid_grant\\u001b[2K")
      expect(error).toHaveProperty("connection", hostile)
      expect(error).toHaveProperty("error", "invalid_grant\u001b[2K")
      expect(String(error)).not.toMatch(anyControl)
    }))

  it.effect("RateLimitError: the connection is escaped in the message and kept as given in the field", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver(jsonAnswer(429, { error: "too_many_requests" }, { "retry-after": "60" }))
      const error = yield* Effect.flip(vault.getAccessTokenForConnection({ connection: hostile, accessToken: "at" }))
      expect(error._tag).toBe("RateLimitError")
      expect(error.message).toBe(
        `Auth0 rate-limited the token exchange for connection "${escaped}" (429); retry after 60 s`
      )
      expect(error).toHaveProperty("connection", hostile)
    }))

  it("TransportError and UnexpectedResponseError escape what they show", () => {
    const transport = new TokenVaultError.TransportError({
      url: "https://tenant.auth0.com/oauth/token",
      description: `request failed: ${hostile}`,
      responseReceived: false
    })
    expect(transport.message).toBe(
      `Could not complete the request to https://tenant.auth0.com/oauth/token: request failed: ${escaped}`
    )
    const unexpected = new TokenVaultError.UnexpectedResponseError({
      status: 502,
      description: hostile,
      excerpt: hostile
    })
    expect(unexpected.message).not.toMatch(anyControl)
    expect(unexpected.message).toContain(`(body: ${escaped})`)
    expect(unexpected.excerpt).toBe(hostile)
  })

  it("plain values are shown unchanged", () => {
    const error = new TokenVaultError.TokenExchangeError({
      status: 403,
      error: "access_denied",
      errorDescription: "Ünïcode — “quoted” \\n stays",
      connection: "google-oauth2"
    })
    expect(error.message).toBe(
      "Auth0 refused the token exchange for connection \"google-oauth2\" (403 access_denied): Ünïcode — “quoted” \\n stays"
    )
  })
})
