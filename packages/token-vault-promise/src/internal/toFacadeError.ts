/**
 * The tagged errors of the Effect API as the `Error` classes of Auth0's SDKs.
 *
 * @internal
 */
import type { TokenVaultError } from "@effect-auth0/token-vault"
import { escapeControls } from "../../../token-vault/src/internal/escape.js"
import {
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  TokenForConnectionError
} from "../errors.js"

/**
 * Auth0's SDKs reject a call without a client id with `TokenForConnectionError` and without
 * client authentication with `MissingClientAuthError`; every failure of the exchange itself is a
 * `TokenForConnectionError` whose `cause` is Auth0's `{ error, error_description }` when Auth0
 * sent one, and whose message is the tagged error's own. Control characters in the caller's
 * `connection` are escaped in the message (the tagged errors' own messages escape theirs).
 */
export const toFacadeError = (error: TokenVaultError.TokenVaultError): Error => {
  switch (error._tag) {
    case "InvalidConfigurationError":
      if (error.option === "clientId") {
        return new TokenForConnectionError("Client credentials are required to use getAccessTokenForConnection")
      }
      if (error.option === "clientSecret") return new MissingClientAuthError()
      return new InvalidConfigurationError(`Invalid ${error.option} configuration: ${error.message}`)
    case "InvalidArgumentError":
      return error.argument === "connection"
        ? new MissingRequiredArgumentError("connection")
        : new TokenForConnectionError(error.message)
    case "TokenExchangeError":
      return new TokenForConnectionError(
        `Failed to exchange token for connection '${escapeControls(error.connection)}'.`,
        { error: error.error, error_description: error.errorDescription ?? "" },
        error.status
      )
    case "RateLimitError":
      return new TokenForConnectionError(
        error.message,
        error.error === undefined ? undefined : { error: error.error, error_description: error.errorDescription ?? "" },
        429
      )
    case "UnexpectedResponseError":
      return new TokenForConnectionError(error.message, undefined, error.status)
    case "TransportError":
      return new TokenForConnectionError(error.message)
  }
}
