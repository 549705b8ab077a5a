/**
 * The `Error` classes of the Promise facade, with the names and `code`s of Auth0's SDKs.
 *
 * @since 0.1.0
 */

/**
 * Auth0's OAuth error, as Auth0 sent it.
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
}

/**
 * The exchange failed: Auth0 refused it (then `cause` is Auth0's `{ error, error_description }`
 * and `statusCode` its status), it was rate-limited, the network failed, or the answer made no
 * sense. The message says which. Code `token_for_connection_error`.
 *
 * @example
 * ```ts
 * import { ApiClient, TokenForConnectionError } from "@effect-auth0/token-vault-promise"
 *
 * declare const apiClient: ApiClient
 * try {
 *   await apiClient.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." })
 * } catch (error) {
 *   if (error instanceof TokenForConnectionError) console.log(error.code, error.cause?.error)
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
  constructor(message: string, cause?: OAuthErrorCause, statusCode?: number) {
    super(message)
    this.name = "TokenForConnectionError"
    Object.defineProperty(this, "cause", { value: cause, enumerable: cause !== undefined, writable: false })
    this.statusCode = statusCode
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
