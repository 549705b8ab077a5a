/**
 * The `Error` classes of the Promise facade, with the names and `code`s of Auth0's SDKs.
 *
 * @since 0.1.0
 */

/**
 * Auth0's OAuth error, as Auth0 sent it. For `mfa_required`, `mfa_token` holds Auth0's MFA token
 * as in Auth0's SDK (so that its `isMfaRequiredError` recognises the error), as a non-enumerable
 * property: `JSON.stringify`, `util.inspect` and object spreads leave it out.
 *
 * @example
 * ```ts
 * import type { OAuthErrorCause } from "@effect-auth0/token-vault-promise"
 *
 * const cause: OAuthErrorCause = { error: "invalid_grant", error_description: "Invalid subject token" }
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export interface OAuthErrorCause {
  readonly error: string
  readonly error_description: string
  /** Auth0's MFA token, for `mfa_required` only; non-enumerable. */
  readonly mfa_token?: string
}

/**
 * What a `TokenForConnectionError` is about, so that an application can act on it without reading
 * the message. Auth0 refused the exchange (`cause` is its `{ error, error_description }`,
 * `statusCode` its status):
 *
 * - `"not_connected"`: the user has not connected an account at the connection
 *   (`federated_connection_refresh_token_not_found`, `tokenset_not_found`): start the Connected
 *   Accounts flow, then call again;
 * - `"reconnect_required"`: the provider refused or revoked the stored refresh token
 *   (`federated_connection_refresh_token_flow_failed`): have the user connect the account again;
 * - `"invalid_subject_token"`: the user's Auth0 token is invalid or expired (`invalid_grant`): have
 *   the user sign in again;
 * - `"client_not_allowed"`: the application may not use the grant (`unauthorized_client`, `403
 *   access_denied`): enable the Token Vault grant, make the application first-party and
 *   confidential;
 * - `"mfa_required"`: Auth0 requires MFA (`mfa_required`); `mfaToken` holds Auth0's MFA token;
 * - `"exchange_failed"`: any other OAuth error, e.g. a wrong client secret (`invalid_client`) or
 *   `invalid_request`; read `cause.error`.
 *
 * The others: `"rate_limited"` (a `429`, `statusCode` 429), `"transport"` (no usable HTTP
 * exchange: network, DNS, TLS, a time limit), `"unexpected_response"` (an answer that is neither a
 * token nor an OAuth error, e.g. a proxy's HTML page), `"invalid_argument"` (the call's options are
 * wrong), `"invalid_configuration"` (no client id), `"disposed"` (a call after `dispose()`),
 * `"interrupted"` (the exchange was interrupted) and `"internal_error"` (a bug: the exchange failed
 * unexpectedly).
 *
 * @example
 * ```ts
 * import type { TokenForConnectionErrorReason } from "@effect-auth0/token-vault-promise"
 *
 * const status = (reason: TokenForConnectionErrorReason): number =>
 *   reason === "invalid_subject_token" ? 401 : reason === "rate_limited" ? 429 : 502
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export type TokenForConnectionErrorReason =
  | "not_connected"
  | "reconnect_required"
  | "invalid_subject_token"
  | "client_not_allowed"
  | "mfa_required"
  | "exchange_failed"
  | "rate_limited"
  | "transport"
  | "unexpected_response"
  | "invalid_argument"
  | "invalid_configuration"
  | "disposed"
  | "interrupted"
  | "internal_error"

/**
 * The exchange failed: Auth0 refused it (then `cause` is Auth0's `{ error, error_description }`
 * and `statusCode` its status), it was rate-limited, the network failed, or the answer made no
 * sense. `reason` says which (see `TokenForConnectionErrorReason`), and the message says it in
 * words: for a refusal of Auth0 the message is Auth0's SDK's, `Failed to exchange token for
 * connection '<connection>'.`. With reason `"mfa_required"`, `mfaToken` holds Auth0's MFA token
 * (also as `cause.mfa_token`, as in Auth0's SDK): both are non-enumerable, so the token appears in
 * no message, `JSON.stringify` or `util.inspect` output. Code `token_for_connection_error`.
 *
 * @example
 * ```ts
 * import { ApiClient, TokenForConnectionError } from "@effect-auth0/token-vault-promise"
 *
 * declare const apiClient: ApiClient
 * try {
 *   await apiClient.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." })
 * } catch (error) {
 *   if (!(error instanceof TokenForConnectionError)) throw error
 *   switch (error.reason) {
 *     case "not_connected":
 *     case "reconnect_required":
 *       console.log("send the user to connect GitHub")
 *       break
 *     case "invalid_subject_token":
 *       console.log("ask the user to sign in again")
 *       break
 *     case "mfa_required":
 *       console.log("complete MFA with", error.mfaToken === undefined ? "no token" : "Auth0's mfa token")
 *       break
 *     default:
 *       console.log(error.code, error.reason, error.cause?.error)
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenForConnectionError extends Error {
  readonly code = "token_for_connection_error"
  declare readonly cause: OAuthErrorCause | undefined
  /** The HTTP status of Auth0's answer, when there was one. */
  readonly statusCode: number | undefined
  /**
   * What the error is about: see `TokenForConnectionErrorReason`.
   *
   * @since 1.0.0
   */
  readonly reason: TokenForConnectionErrorReason
  /**
   * Auth0's MFA token when `reason` is `"mfa_required"` and Auth0 sent one; non-enumerable.
   *
   * @since 1.0.0
   */
  declare readonly mfaToken: string | undefined
  /**
   * `details.reason` is `"exchange_failed"` when not given; `details.mfaToken` goes with reason
   * `"mfa_required"`.
   */
  constructor(
    message: string,
    cause?: OAuthErrorCause,
    statusCode?: number,
    details?: { readonly reason?: TokenForConnectionErrorReason; readonly mfaToken?: string | undefined }
  ) {
    super(message)
    this.name = "TokenForConnectionError"
    const mfaToken = details?.mfaToken
    const kept = cause === undefined || mfaToken === undefined
      ? cause
      : Object.defineProperty({ error: cause.error, error_description: cause.error_description }, "mfa_token", {
        value: mfaToken,
        enumerable: false
      })
    Object.defineProperty(this, "cause", { value: kept, enumerable: kept !== undefined, writable: false })
    this.statusCode = statusCode
    this.reason = details?.reason ?? "exchange_failed"
    Object.defineProperty(this, "mfaToken", { value: mfaToken, enumerable: false, writable: false })
  }
}

/**
 * Neither a client secret nor another client authentication was configured. Code
 * `missing_client_auth_error`.
 *
 * @example
 * ```ts
 * import { MissingClientAuthError } from "@effect-auth0/token-vault-promise"
 *
 * const error = new MissingClientAuthError()
 * console.log(error.code) // "missing_client_auth_error"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingClientAuthError extends Error {
  readonly code = "missing_client_auth_error"
  constructor() {
    super("The client secret or client assertion signing key must be provided.")
    this.name = "MissingClientAuthError"
  }
}

/**
 * A required argument was not given. Code `missing_required_argument_error`.
 *
 * @example
 * ```ts
 * import { MissingRequiredArgumentError } from "@effect-auth0/token-vault-promise"
 *
 * const error = new MissingRequiredArgumentError("domain")
 * console.log(error.message) // "The argument 'domain' is required but was not provided."
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingRequiredArgumentError extends Error {
  readonly code = "missing_required_argument_error"
  constructor(argument: string) {
    super(`The argument '${argument}' is required but was not provided.`)
    this.name = "MissingRequiredArgumentError"
  }
}

/**
 * The client's options are wrong, e.g. a domain with a path or plain `http` to a remote host.
 * Code `invalid_configuration_error`.
 *
 * @example
 * ```ts
 * import { InvalidConfigurationError } from "@effect-auth0/token-vault-promise"
 *
 * const error = new InvalidConfigurationError("Invalid domain configuration: domain must use https")
 * console.log(error.code) // "invalid_configuration_error"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidConfigurationError extends Error {
  readonly code = "invalid_configuration_error"
  constructor(message: string) {
    super(message)
    this.name = "InvalidConfigurationError"
  }
}
