/**
 * `POST /oauth/token` for the Token Vault grant, validated in the order Auth0 plausibly applies:
 * body, grant type, the DPoP proof, client authentication, the client's grants, the
 * token-exchange parameters, the subject token (and its DPoP binding), the user's connected
 * accounts and their state, then the requested scope.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type { ClientCertificate, EmulatorResponse } from "../TokenVaultEmulator.js"
import { authenticateClient } from "./clientAuth.js"
import type { DpopVerifier } from "./dpop.js"
import * as Errors from "./errors.js"
import type { IdentityStatuses } from "./identityStatus.js"
import { statusAnswer } from "./identityStatus.js"
import type { JoseServices } from "./jose.js"
import { param, parseParams } from "./params.js"
import {
  DEFAULT_EXPIRES_IN,
  DPOP_HEADER,
  DPOP_NONCE_HEADER,
  GRANT_TYPE,
  REQUESTED_TOKEN_TYPE,
  SUBJECT_TOKEN_TYPE_ACCESS_TOKEN,
  SUBJECT_TOKEN_TYPE_REFRESH_TOKEN,
  TOKEN_PATH
} from "./protocol.js"
import type { ReplayGuard } from "./replay.js"
import { json } from "./responses.js"
import { downscope } from "./scope.js"
import { identitiesFor, type Tenant } from "./tenant.js"

/** What the token endpoint remembers between requests; owned by one emulator. @internal */
export interface TokenEndpointState {
  /** `jti`s of accepted client assertions. */
  readonly assertionReplay: ReplayGuard
  readonly dpop: DpopVerifier
  readonly identityStatuses: IdentityStatuses
}

/** A token request. @internal */
export interface TokenRequest {
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly certificate: ClientCertificate | undefined
  /** The URL the request was made to, when it can be told. */
  readonly url: URL | undefined
  readonly nowMillis: number
}

/**
 * The values a client assertion's `aud` may name: the issuer and the token endpoint URL, of the
 * tenant and of the origin the request was made to (a client reaching the emulator on loopback
 * derives its issuer from that origin).
 */
const audiencesOf = (tenant: Tenant, url: URL | undefined): ReadonlySet<string> =>
  new Set([
    tenant.issuer,
    `${tenant.origin}/`,
    `${tenant.endpointOrigin}${TOKEN_PATH}`,
    ...(url === undefined ? [] : [`${url.origin}/`, `${url.origin}${url.pathname}`])
  ])

const exchange = Effect.fnUntraced(function*(
  tenant: Tenant,
  state: TokenEndpointState,
  request: TokenRequest
): Effect.fn.Return<EmulatorResponse, never, JoseServices> {
  const { certificate, headers } = request
  const now = request.nowMillis / 1000
  const parsed = parseParams(headers["content-type"], request.body)
  if (parsed._tag === "UnsupportedContentType") return Errors.unsupportedContentType(parsed.mediaType)
  if (parsed._tag === "Invalid") return Errors.invalidRequest(parsed.description)
  const params = parsed.params

  const grantType = param(params, "grant_type")
  if (grantType === undefined) return Errors.missingParameter("grant_type")
  if (grantType !== GRANT_TYPE) return Errors.unsupportedGrantType(grantType)

  const proof = yield* state.dpop.check(headers[DPOP_HEADER], request.url, now)
  if (proof._tag === "Rejected") return proof.response

  const authentication = yield* authenticateClient(tenant, headers, params, certificate, {
    replay: state.assertionReplay,
    now,
    audiences: audiencesOf(tenant, request.url)
  })
  if (authentication._tag === "Rejected") return authentication.response
  const client = authentication.client
  if (client.tokenVaultGrant === false) return Errors.grantNotAllowed()
  if (client.firstParty === false) return Errors.clientNotFirstParty()

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
  if (entry.expiresAt !== undefined && request.nowMillis >= entry.expiresAt * 1000) {
    return Errors.invalidSubjectToken(kind, "expired")
  }
  if (entry.clientId !== undefined && entry.clientId !== client.clientId) {
    return Errors.invalidSubjectToken(kind, "other_client")
  }
  if (entry.dpopJkt !== undefined) {
    if (proof._tag !== "Valid") {
      return Errors.invalidDpopProof("the subject token is DPoP-bound: send a proof signed with its key")
    }
    if (proof.jkt !== entry.dpopJkt) return Errors.invalidDpopProof("the subject token is bound to another key")
  }

  const identities = identitiesFor(entry.user, connection)
  const loginHint = param(params, "login_hint")
  // Without a login_hint the first (primary) identity answers; with one, only an exact match.
  const index = loginHint === undefined
    ? (identities.length > 0 ? 0 : -1)
    : identities.findIndex((candidate) => candidate.loginHint === loginHint)
  const identity = identities[index]
  if (identity === undefined) return Errors.federatedConnectionNotFound()
  const status = state.identityStatuses.statusOf(entry.user, connection, index)
  if (status !== "connected") return yield* statusAnswer(status)

  const scope = downscope(param(params, "scope"), identity.scope)
  if (Result.isFailure(scope)) return scope.failure

  return json(200, {
    access_token: identity.accessToken,
    expires_in: identity.expiresIn ?? DEFAULT_EXPIRES_IN,
    ...(scope.success === undefined ? {} : { scope: scope.success }),
    token_type: proof._tag === "Valid" ? "DPoP" : "Bearer",
    issued_token_type: REQUESTED_TOKEN_TYPE
  })
})

/**
 * Answers a token request; with a required DPoP nonce, every answer carries it in `DPoP-Nonce`.
 *
 * @internal
 */
export const handleTokenRequest = (
  tenant: Tenant,
  state: TokenEndpointState,
  request: TokenRequest
): Effect.Effect<EmulatorResponse, never, JoseServices> => {
  const nonce = state.dpop.nonce
  return nonce === undefined
    ? exchange(tenant, state, request)
    : Effect.map(exchange(tenant, state, request), (response) => ({
      ...response,
      headers: { ...response.headers, [DPOP_NONCE_HEADER]: nonce }
    }))
}
