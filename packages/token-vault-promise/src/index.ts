/**
 * `@effect-auth0/token-vault/promise`: the Promise facade, a drop-in for the
 * `getAccessTokenForConnection` method of `@auth0/auth0-api-js`'s `ApiClient`.
 *
 * @since 0.1.0
 */
export {
  type AccessTokenForConnectionOptions,
  ApiClient,
  type ApiClientOptions,
  type ConnectionTokenSet
} from "./ApiClient.js"
export {
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  type OAuthErrorCause,
  TokenForConnectionError
} from "./errors.js"
