/**
 * Wire constants of Auth0's Token Vault token exchange.
 *
 * @internal
 */

/** @internal */
export const GRANT_TYPE = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"

/** @internal */
export const SUBJECT_TOKEN_TYPE_ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"

/** @internal */
export const SUBJECT_TOKEN_TYPE_REFRESH_TOKEN = "urn:ietf:params:oauth:token-type:refresh_token"

/** @internal */
export const REQUESTED_TOKEN_TYPE = "http://auth0.com/oauth/token-type/federated-connection-access-token"

/** @internal */
export const TOKEN_PATH = "/oauth/token"

/** @internal */
export const DISCOVERY_PATH = "/.well-known/openid-configuration"

/** @internal */
export const JWKS_PATH = "/.well-known/jwks.json"

/** @internal */
export const DEFAULT_EXPIRES_IN = 3600
