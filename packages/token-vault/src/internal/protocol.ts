/** The grant type of Auth0 Token Vault's access token exchange. */
export const grantType = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"

/** The token type Auth0 issues for a connection. */
export const requestedTokenType = "http://auth0.com/oauth/token-type/federated-connection-access-token"

/** `subject_token_type` for each kind of Auth0 token that can be exchanged. */
export const subjectTokenTypes = {
  access_token: "urn:ietf:params:oauth:token-type:access_token",
  refresh_token: "urn:ietf:params:oauth:token-type:refresh_token"
} as const

/** Which kind of Auth0 token is the subject of an exchange. */
export type SubjectTokenKind = keyof typeof subjectTokenTypes
