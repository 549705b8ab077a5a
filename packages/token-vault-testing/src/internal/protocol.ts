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

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). @internal */
export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

/**
 * The algorithms accepted for client assertions and DPoP proofs (those Auth0 accepts for
 * `private_key_jwt`), as the discovery document lists them.
 *
 * @internal
 */
export const SIGNING_ALGORITHMS = ["RS256", "RS384", "PS256", "PS384", "ES256", "ES384"] as const

/** @internal */
export type SigningAlgorithm = typeof SIGNING_ALGORITHMS[number]

/** @internal */
export const isSigningAlgorithm = (value: unknown): value is SigningAlgorithm =>
  (SIGNING_ALGORITHMS as ReadonlyArray<unknown>).includes(value)

/** The request header carrying a DPoP proof, lower case. @internal */
export const DPOP_HEADER = "dpop"

/** The response header carrying the server's DPoP nonce, lower case. @internal */
export const DPOP_NONCE_HEADER = "dpop-nonce"

/** The request header carrying the end user's IP, lower case. @internal */
export const FORWARDED_FOR_HEADER = "auth0-forwarded-for"

/** The longest client assertion or DPoP proof the emulator reads, in characters. @internal */
export const MAX_JWT_LENGTH = 16 * 1024

/** The states of a connected account (`IdentityStatus`), each modelled on an answer of Auth0. @internal */
export const IDENTITY_STATUSES = [
  "connected",
  "refresh_token_not_found",
  "tokenset_not_found",
  "refresh_failed",
  "mfa_required"
] as const

/** @internal */
export const isIdentityStatus = (value: unknown): value is typeof IDENTITY_STATUSES[number] =>
  (IDENTITY_STATUSES as ReadonlyArray<unknown>).includes(value)
