/**
 * The error answers of the emulated token endpoint, in one place.
 *
 * Sources, and where we had to choose:
 *
 * | condition | status | `error` | source |
 * | --- | --- | --- | --- |
 * | unknown path | 404 | `not_found` | our choice (Auth0 documents no body for unknown routes) |
 * | wrong method | 405 | `method_not_allowed` | Auth0 Authentication API "Standard Error Responses" |
 * | bad content type, malformed or repeated parameters, missing parameter | 400 | `invalid_request` | Auth0 standard errors; RFC 6749 §5.2 |
 * | grant type not supported by the server | 400 | `unsupported_grant_type` | RFC 6749 §5.2 (Auth0 docs are silent on the status) |
 * | two client authentication methods at once | 400 | `invalid_request` | RFC 6749 §2.3 / §5.2 |
 * | no client authentication / method not allowed for the client | 401 | `invalid_client` | Auth0 standard errors; RFC 6749 §5.2 |
 * | mTLS: no client certificate, an untrusted one, a subject DN or fingerprint that does not match | 401 | `invalid_client` | RFC 8705 §2 with RFC 6749 §5.2; the descriptions are ours (Auth0 documents none) |
 * | unknown client or wrong secret | 401 | `access_denied`, "Unauthorized" | what live Auth0 tenants answer on `/oauth/token` for bad credentials |
 * | Token Vault grant not enabled for the client | 403 | `unauthorized_client`, "Grant type '…' not allowed for the client." | Auth0 standard errors and Auth0's wording for disabled grants |
 * | subject token unknown, expired, of the other type, or issued to another client | 401 | `invalid_grant` | Token Vault "Get Token" reference: 401 when the subject token is invalid or expired; error code per RFC 6749 §5.2 |
 * | no identity for the connection (and `login_hint`) | 401 | `federated_connection_refresh_token_not_found`, "Federated connection Refresh Token not found." | Token Vault "Get Token" reference and Auth0's observed answer |
 * | `private_key_jwt`: a client assertion that fails a check (type, JWT form, unknown client, method not allowed, alg, signature, `iss`, `sub`, `aud`, `exp`, `nbf`, `jti`, replay) | 401 | `invalid_client`, "Invalid client assertion: <the check>" | RFC 7523 §3.1 / RFC 6749 §5.2; the descriptions are ours |
 * | a `DPoP` proof that fails a check (one proof, JWT form, `typ`, `alg`, `jwk`, signature, `htm`, `htu`, `iat`, `jti`, replay) | 400 | `invalid_dpop_proof`, "Invalid DPoP proof: <the check>" | RFC 9449 §5 and §7.1; the descriptions are ours |
 * | with `dpop.requireNonce`: a proof without the current nonce | 400 | `use_dpop_nonce`, with a `DPoP-Nonce` header | RFC 9449 §8 (the description is the RFC's example) |
 * | a DPoP-bound subject token (`dpopJkt`) without a proof, or with a proof of another key | 400 | `invalid_dpop_proof` | our choice: RFC 9449 §5 (the client's DPoP setup is at fault, not the user's sign-in, so not `invalid_grant`) |
 * | client not first-party (`firstParty: false`) | 403 | `access_denied` | Auth0 Token Vault docs (first-party clients only); status and wording ours |
 * | `scope` not a subset of the identity's granted scopes, or blank | 400 | `invalid_scope` | RFC 6749 §5.2 / RFC 8693 §2.2.2; Auth0 documents down-scoping (Early Access) but no error body |
 * | identity status `refresh_token_not_found` | 401 | `federated_connection_refresh_token_not_found` | as the row above |
 * | identity status `tokenset_not_found` | 401 | `tokenset_not_found` | the error code Auth0's SDKs handle; the description is ours |
 * | identity status `refresh_failed` | 401 | `federated_connection_refresh_token_flow_failed` | the error code Auth0's SDKs handle; the description is ours |
 * | identity status `mfa_required` | 403 | `mfa_required`, "Multifactor authentication required", with `mfa_token` | Auth0 Authentication API (MFA) answer shape; the token is random |
 *
 * No description ever contains a subject token, a client secret, an issued token, a client
 * assertion, a DPoP proof or an mfa token.
 *
 * @internal
 */
import type { EmulatorResponse } from "../TokenVaultEmulator.js"
import { GRANT_TYPE } from "./protocol.js"
import { json, oauthError } from "./responses.js"

/** Keeps echoed (non-secret) request values short. */
const echo = (value: string): string => (value.length > 80 ? `${value.slice(0, 80)}…` : value)

/** @internal */
export const notFound = (): EmulatorResponse => oauthError(404, "not_found", "Not Found")

/** @internal */
export const methodNotAllowed = (method: string, allow: ReadonlyArray<string>): EmulatorResponse =>
  oauthError(405, "method_not_allowed", `Method ${echo(method)} is not allowed on this endpoint`, {
    allow: allow.join(", ")
  })

/** @internal */
export const invalidRequest = (description: string): EmulatorResponse => oauthError(400, "invalid_request", description)

/** @internal */
export const missingParameter = (name: string): EmulatorResponse =>
  invalidRequest(`Missing required parameter: ${name}`)

/** @internal */
export const unsupportedContentType = (mediaType: string | undefined): EmulatorResponse =>
  invalidRequest(
    mediaType === undefined
      ? "Missing Content-Type: send application/x-www-form-urlencoded or application/json"
      : `Unsupported Content-Type ${echo(mediaType)}: send application/x-www-form-urlencoded or application/json`
  )

/** @internal */
export const unsupportedGrantType = (grantType: string): EmulatorResponse =>
  oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${echo(grantType)}`)

/** @internal */
export const multipleClientAuthentication = (): EmulatorResponse =>
  invalidRequest("Only one client authentication method may be used per request")

/** @internal */
export const clientIdMismatch = (): EmulatorResponse =>
  invalidRequest("client_id in the body does not match the Authorization header")

/** @internal */
export const malformedAuthorizationHeader = (): EmulatorResponse =>
  invalidRequest("Malformed Authorization header: expected Basic base64(client_id:client_secret)")

/** @internal */
export const clientAuthenticationRequired = (): EmulatorResponse =>
  oauthError(401, "invalid_client", "Client authentication is required")

/** `check` names the failed check; it never contains the assertion. @internal */
export const invalidClientAssertion = (check: string): EmulatorResponse =>
  oauthError(401, "invalid_client", `Invalid client assertion: ${check}`)

/** @internal */
export const authMethodNotAllowed = (method: string): EmulatorResponse =>
  oauthError(401, "invalid_client", `Client authentication method ${method} is not allowed for this client`)

/** @internal */
export const clientCertificateRequired = (): EmulatorResponse =>
  oauthError(401, "invalid_client", "A client certificate is required for mTLS client authentication")

/** @internal */
export const clientCertificateUntrusted = (): EmulatorResponse =>
  oauthError(401, "invalid_client", "The client certificate is not issued by a trusted certificate authority")

/** @internal */
export const clientCertificateSubjectMismatch = (): EmulatorResponse =>
  oauthError(401, "invalid_client", "The client certificate subject does not match the client's registered subject DN")

/** @internal */
export const clientCertificateNotRegistered = (): EmulatorResponse =>
  oauthError(401, "invalid_client", "The client certificate does not match any credential registered for the client")

/** Unknown client or wrong secret: Auth0 does not tell which. @internal */
export const unauthorizedClientCredentials = (): EmulatorResponse => oauthError(401, "access_denied", "Unauthorized")

/** @internal */
export const grantNotAllowed = (): EmulatorResponse =>
  oauthError(403, "unauthorized_client", `Grant type '${GRANT_TYPE}' not allowed for the client.`)

/** @internal */
export const clientNotFirstParty = (): EmulatorResponse =>
  oauthError(403, "access_denied", `Grant type '${GRANT_TYPE}' not allowed: the client is not first-party.`)

/** `check` names the failed check; it never contains the proof. @internal */
export const invalidDpopProof = (check: string): EmulatorResponse =>
  oauthError(400, "invalid_dpop_proof", `Invalid DPoP proof: ${check}`)

/** The `DPoP-Nonce` header is added by the token endpoint to all its answers. @internal */
export const useDpopNonce = (): EmulatorResponse =>
  oauthError(400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof")

/** @internal */
export const blankScope = (): EmulatorResponse =>
  oauthError(400, "invalid_scope", "The scope parameter must name at least one scope")

/** `missing`: the requested scopes that are not granted, space-delimited. @internal */
export const scopeNotGranted = (missing: string): EmulatorResponse =>
  oauthError(
    400,
    "invalid_scope",
    `The requested scope is not a subset of the scopes granted for the connection: ${echo(missing)}`
  )

/** @internal */
export const unsupportedSubjectTokenType = (value: string): EmulatorResponse =>
  invalidRequest(`Unsupported subject_token_type: ${echo(value)}`)

/** @internal */
export const unsupportedRequestedTokenType = (value: string): EmulatorResponse =>
  invalidRequest(`Unsupported requested_token_type: ${echo(value)}`)

/** @internal */
export type SubjectTokenKind = "access_token" | "refresh_token"

/** @internal */
export type SubjectTokenProblem = "unknown" | "wrong_type" | "expired" | "other_client"

const tokenName = (kind: SubjectTokenKind): string => (kind === "access_token" ? "access token" : "refresh token")

/** @internal */
export const invalidSubjectToken = (kind: SubjectTokenKind, problem: SubjectTokenProblem): EmulatorResponse => {
  switch (problem) {
    case "unknown":
      return oauthError(401, "invalid_grant", `Unknown or invalid ${tokenName(kind)}.`)
    case "wrong_type":
      return oauthError(401, "invalid_grant", `The subject_token is not a valid ${tokenName(kind)}.`)
    case "expired":
      return oauthError(401, "invalid_grant", `Expired ${tokenName(kind)}.`)
    case "other_client":
      return oauthError(401, "invalid_grant", `The ${tokenName(kind)} was issued to another client.`)
  }
}

/** @internal */
export const federatedConnectionNotFound = (): EmulatorResponse =>
  oauthError(401, "federated_connection_refresh_token_not_found", "Federated connection Refresh Token not found.")

/** @internal */
export const tokensetNotFound = (): EmulatorResponse =>
  oauthError(401, "tokenset_not_found", "Tokenset not found for the connection.")

/** @internal */
export const refreshTokenFlowFailed = (): EmulatorResponse =>
  oauthError(
    401,
    "federated_connection_refresh_token_flow_failed",
    "Failed to refresh the federated connection's access token: the provider rejected the stored refresh token."
  )

/** `mfaToken` is secret: it appears in the body only. @internal */
export const mfaRequired = (mfaToken: string): EmulatorResponse =>
  json(403, { error: "mfa_required", error_description: "Multifactor authentication required", mfa_token: mfaToken })
