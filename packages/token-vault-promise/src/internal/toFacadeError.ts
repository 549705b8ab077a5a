/**
 * The tagged errors of the Effect API as the `Error` classes of Auth0's SDKs.
 *
 * @internal
 */
import type { TokenVaultError } from "@effect-auth0/token-vault"
import * as Redacted from "effect/Redacted"
import { escapeControls } from "../../../token-vault/src/internal/escape.js"
import {
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  TokenForConnectionError,
  type TokenForConnectionErrorReason
} from "../errors.js"

/** The tagged errors of an OAuth error answer of Auth0's. */
type Refusal = Extract<
  TokenVaultError.TokenVaultError,
  { readonly _tag: keyof typeof refusalReasons }
>

/** The `reason` of each tagged error of an OAuth error answer. */
const refusalReasons = {
  AccountNotConnectedError: "not_connected",
  ReconnectRequiredError: "reconnect_required",
  InvalidSubjectTokenError: "invalid_subject_token",
  ClientNotAllowedError: "client_not_allowed",
  MfaRequiredError: "mfa_required",
  TokenExchangeError: "exchange_failed"
} as const satisfies Record<string, TokenForConnectionErrorReason>

/**
 * Auth0 refused the exchange: Auth0's SDK's message, `cause` its `{ error, error_description }`
 * (`""` for a missing description), `statusCode` its status, and the `reason` (and `mfaToken`) of
 * the tagged error.
 */
const refused = (error: Refusal): TokenForConnectionError =>
  new TokenForConnectionError(
    `Failed to exchange token for connection '${escapeControls(error.connection)}'.`,
    { error: error.error, error_description: error.errorDescription ?? "" },
    error.status,
    {
      reason: refusalReasons[error._tag],
      mfaToken: error._tag === "MfaRequiredError" && error.mfaToken !== undefined
        ? Redacted.value(error.mfaToken)
        : undefined
    }
  )

/**
 * Auth0's SDKs reject a call without a client id with `TokenForConnectionError` and without
 * client authentication with `MissingClientAuthError`; every failure of the exchange itself is a
 * `TokenForConnectionError` with the `reason` of its tagged error, whose `cause` is Auth0's
 * `{ error, error_description }` when Auth0 sent one, and whose message is the tagged error's own
 * (Auth0's SDK's message when Auth0 refused the exchange). Control characters in the caller's
 * `connection` are escaped in the message (the tagged errors' own messages escape theirs).
 */
export const toFacadeError = (error: TokenVaultError.TokenVaultError): Error => {
  switch (error._tag) {
    case "InvalidConfigurationError":
      if (error.option === "clientId") {
        return new TokenForConnectionError(
          "Client credentials are required to use getAccessTokenForConnection",
          undefined,
          undefined,
          { reason: "invalid_configuration" }
        )
      }
      if (error.option === "clientSecret") return new MissingClientAuthError()
      return new InvalidConfigurationError(`Invalid ${error.option} configuration: ${error.message}`)
    case "InvalidArgumentError":
      return error.argument === "connection"
        ? new MissingRequiredArgumentError("connection")
        : new TokenForConnectionError(error.message, undefined, undefined, { reason: "invalid_argument" })
    case "AccountNotConnectedError":
    case "ReconnectRequiredError":
    case "InvalidSubjectTokenError":
    case "ClientNotAllowedError":
    case "MfaRequiredError":
    case "TokenExchangeError":
      return refused(error)
    case "RateLimitError":
      return new TokenForConnectionError(
        error.message,
        error.error === undefined ? undefined : { error: error.error, error_description: error.errorDescription ?? "" },
        429,
        { reason: "rate_limited" }
      )
    case "UnexpectedResponseError":
      return new TokenForConnectionError(error.message, undefined, error.status, { reason: "unexpected_response" })
    case "TransportError":
      return new TokenForConnectionError(error.message, undefined, undefined, { reason: "transport" })
  }
}
