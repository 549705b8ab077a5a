/**
 * `POST /oauth/token` for the Token Vault grant, validated in the order Auth0 plausibly applies:
 * body, grant type, client authentication, the client's grants, the token-exchange parameters,
 * the subject token, then the user's connected accounts.
 *
 * @internal
 */
import type { ClientCertificate, EmulatorResponse } from "../TokenVaultEmulator.js"
import { authenticateClient } from "./clientAuth.js"
import * as Errors from "./errors.js"
import { param, parseParams } from "./params.js"
import {
  DEFAULT_EXPIRES_IN,
  GRANT_TYPE,
  REQUESTED_TOKEN_TYPE,
  SUBJECT_TOKEN_TYPE_ACCESS_TOKEN,
  SUBJECT_TOKEN_TYPE_REFRESH_TOKEN
} from "./protocol.js"
import { json } from "./responses.js"
import { identitiesFor, type Tenant } from "./tenant.js"

/** @internal */
export const handleTokenRequest = (
  tenant: Tenant,
  headers: Readonly<Record<string, string>>,
  body: string,
  nowMillis: number,
  certificate: ClientCertificate | undefined
): EmulatorResponse => {
  const parsed = parseParams(headers["content-type"], body)
  if (parsed._tag === "UnsupportedContentType") return Errors.unsupportedContentType(parsed.mediaType)
  if (parsed._tag === "Invalid") return Errors.invalidRequest(parsed.description)
  const params = parsed.params

  const grantType = param(params, "grant_type")
  if (grantType === undefined) return Errors.missingParameter("grant_type")
  if (grantType !== GRANT_TYPE) return Errors.unsupportedGrantType(grantType)

  const authentication = authenticateClient(tenant, headers, params, certificate)
  if (authentication._tag === "Rejected") return authentication.response
  const client = authentication.client
  if (client.tokenVaultGrant === false) return Errors.grantNotAllowed()

  const subjectTokenType = param(params, "subject_token_type")
  if (subjectTokenType === undefined) return Errors.missingParameter("subject_token_type")
  if (subjectTokenType !== SUBJECT_TOKEN_TYPE_ACCESS_TOKEN && subjectTokenType !== SUBJECT_TOKEN_TYPE_REFRESH_TOKEN) {
    return Errors.unsupportedSubjectTokenType(subjectTokenType)
  }
  const subjectToken = param(params, "subject_token")
  if (subjectToken === undefined) return Errors.missingParameter("subject_token")

  const requestedTokenType = param(params, "requested_token_type")
  if (requestedTokenType === undefined) return Errors.missingParameter("requested_token_type")
  if (requestedTokenType !== REQUESTED_TOKEN_TYPE) return Errors.unsupportedRequestedTokenType(requestedTokenType)

  const connection = param(params, "connection")
  if (connection === undefined) return Errors.missingParameter("connection")

  const kind = subjectTokenType === SUBJECT_TOKEN_TYPE_ACCESS_TOKEN ? "access_token" : "refresh_token"
  const entry = tenant.subjectTokens.get(subjectToken)
  if (entry === undefined) return Errors.invalidSubjectToken(kind, "unknown")
  if (entry.kind !== kind) return Errors.invalidSubjectToken(kind, "wrong_type")
  if (entry.expiresAt !== undefined && nowMillis >= entry.expiresAt * 1000) {
    return Errors.invalidSubjectToken(kind, "expired")
  }
  if (entry.clientId !== undefined && entry.clientId !== client.clientId) {
    return Errors.invalidSubjectToken(kind, "other_client")
  }

  const identities = identitiesFor(entry.user, connection)
  const loginHint = param(params, "login_hint")
  // Without a login_hint the first (primary) identity answers; with one, only an exact match.
  const identity = loginHint === undefined
    ? identities[0]
    : identities.find((candidate) => candidate.loginHint === loginHint)
  if (identity === undefined) return Errors.federatedConnectionNotFound()

  return json(200, {
    access_token: identity.accessToken,
    expires_in: identity.expiresIn ?? DEFAULT_EXPIRES_IN,
    ...(identity.scope === undefined ? {} : { scope: identity.scope }),
    token_type: "Bearer",
    issued_token_type: REQUESTED_TOKEN_TYPE
  })
}
