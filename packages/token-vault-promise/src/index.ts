/**
 * `@effect-auth0/token-vault-promise`: the Promise facade, a drop-in for the
 * `getAccessTokenForConnection` method of `@auth0/auth0-api-js`'s `ApiClient`, with Effect
 * bundled inside. On Node (the `node` export condition) it sends with undici, elsewhere with
 * `fetch`.
 *
 * @since 1.0.0
 */
export { ApiClient } from "./ApiClient.js"
export {
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  type OAuthErrorCause,
  TokenForConnectionError,
  type TokenForConnectionErrorReason
} from "./errors.js"
export type {
  AccessTokenForConnectionOptions,
  ApiClientOptions,
  CacheOptions,
  ClientAuthentication,
  ConnectionTokenSet,
  DpopOptions,
  Duration,
  DurationUnit,
  Fetch,
  JsonWebKey,
  NodeHttpOptions,
  RetryOptions,
  SigningAlgorithm,
  SigningKey,
  StructuralFetch,
  TimeoutOptions,
  TlsOptions
} from "./options.js"
