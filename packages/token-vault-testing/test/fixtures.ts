import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"

export const DOMAIN = "tenant.example.com"
export const APP_ID = "app-client"
export const APP_SECRET = "app-secret-value"
/** A client whose id and secret need form-urlencoding inside a Basic header. */
export const SVC_ID = "svc:client"
export const SVC_SECRET = "p@ss:w+rd/é%"

export const GOOGLE_SCOPE = "openid https://www.googleapis.com/auth/calendar"

export const tenant: TokenVaultEmulator.TenantConfig = {
  domain: DOMAIN,
  clients: [
    { clientId: APP_ID, clientSecret: APP_SECRET },
    { clientId: "post-only-client", clientSecret: "post-only-secret", authMethods: ["client_secret_post"] },
    { clientId: "basic-only-client", clientSecret: "basic-only-secret", authMethods: ["client_secret_basic"] },
    { clientId: "no-grant-client", clientSecret: "no-grant-secret", tokenVaultGrant: false },
    { clientId: SVC_ID, clientSecret: SVC_SECRET }
  ],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: [
        "at-alice",
        { token: "at-alice-expiring", expiresAt: 3600 },
        { token: "at-alice-for-post-only", clientId: "post-only-client" }
      ],
      refreshTokens: ["rt-alice", { token: "rt-alice-expiring", expiresAt: 7200 }],
      connections: {
        "google-oauth2": [
          { loginHint: "alice@example.com", accessToken: "ya29.alice-personal", scope: GOOGLE_SCOPE, expiresIn: 1377 },
          { loginHint: "alice@work.example", accessToken: "ya29.alice-work", scope: "openid" }
        ],
        github: [{ accessToken: "gho_alice" }]
      }
    },
    { userId: "auth0|bob", accessTokens: ["at-bob"], refreshTokens: ["rt-bob"] }
  ]
}

/** Token-request parameters; `undefined` removes a default. */
export type Params = Record<string, string | undefined>

export const defaultParams: Params = {
  grant_type: TokenVaultEmulator.GRANT_TYPE,
  subject_token: "at-alice",
  subject_token_type: TokenVaultEmulator.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN,
  requested_token_type: TokenVaultEmulator.REQUESTED_TOKEN_TYPE,
  connection: "google-oauth2",
  client_id: APP_ID,
  client_secret: APP_SECRET
}

export const params = (overrides: Params = {}): Record<string, string> => {
  const merged: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...defaultParams, ...overrides })) {
    if (value !== undefined) merged[key] = value
  }
  return merged
}

export const formBody = (overrides: Params = {}): string => new URLSearchParams(params(overrides)).toString()

const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+")

/** `Basic base64(urlencode(id):urlencode(secret))`, per RFC 6749 §2.3.1. */
export const basic = (clientId: string, clientSecret: string): string => {
  const bytes = new TextEncoder().encode(`${formEncode(clientId)}:${formEncode(clientSecret)}`)
  return `Basic ${btoa(String.fromCharCode(...bytes))}`
}

export const tokenRequest = (
  overrides: Params = {},
  headers: Record<string, string> = {}
): TokenVaultEmulator.EmulatorRequest => ({
  method: "POST",
  url: "/oauth/token",
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body: formBody(overrides)
})

export const json = (response: TokenVaultEmulator.EmulatorResponse): Record<string, unknown> =>
  JSON.parse(response.body) as Record<string, unknown>

/** Strings that must never appear in an error or fault body. */
export const secrets: ReadonlyArray<string> = [APP_SECRET, SVC_SECRET, "post-only-secret", "at-alice", "rt-alice"]
