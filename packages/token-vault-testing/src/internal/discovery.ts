/**
 * An Auth0-like OpenID Provider configuration document for the emulated tenant.
 *
 * @internal
 */
import { SUPPORTED_AUTH_METHODS } from "./clientAuth.js"
import { GRANT_TYPE, JWKS_PATH, SIGNING_ALGORITHMS, TOKEN_PATH } from "./protocol.js"
import type { Tenant } from "./tenant.js"

/** @internal */
export const discoveryDocument = (tenant: Tenant, mtlsTokenEndpoint: string | undefined): Record<string, unknown> => {
  const base = tenant.endpointOrigin
  return {
    issuer: tenant.issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}${TOKEN_PATH}`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}${JWKS_PATH}`,
    revocation_endpoint: `${base}/oauth/revoke`,
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["S256", "plain"],
    // The emulator answers only the Token Vault grant at its token endpoint.
    grant_types_supported: [GRANT_TYPE],
    token_endpoint_auth_methods_supported: [...SUPPORTED_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
    // RFC 9449 §5.1: the algorithms the token endpoint accepts for DPoP proofs.
    dpop_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    // RFC 8705 §5: where clients with a certificate send their token requests.
    ...(mtlsTokenEndpoint === undefined ? {} : { mtls_endpoint_aliases: { token_endpoint: mtlsTokenEndpoint } })
  }
}

/** An empty key set: the emulator issues no JWTs of its own. @internal */
export const jwksDocument = (): Record<string, unknown> => ({ keys: [] })
