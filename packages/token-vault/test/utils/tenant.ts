import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"

/** The clients, users and tokens of the emulated tenant that the tests exchange against. */
export const tenant = {
  domain: "tenant.test",
  clients: [
    { clientId: "web-app", clientSecret: "web-app-secret-3c9f" },
    { clientId: "basic-only", clientSecret: "basic-secret-7a1d", authMethods: ["client_secret_basic"] },
    { clientId: "no-vault", clientSecret: "no-vault-secret-2b8e", tokenVaultGrant: false }
  ],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: ["alice-access-token", { token: "alice-short-lived", expiresAt: 1_800_000_060 }],
      refreshTokens: ["alice-refresh-token"],
      connections: {
        "google-oauth2": [
          { loginHint: "alice@example.com", accessToken: "ya29.alice-work", scope: "openid email", expiresIn: 3600 },
          { loginHint: "alice.home@example.com", accessToken: "ya29.alice-home", expiresIn: 1800 }
        ],
        github: [{ accessToken: "gho_alice", scope: "repo" }]
      }
    }
  ]
} satisfies TokenVaultEmulator.TenantConfig

/** The secret of a client of {@link tenant}. */
export const secretOf = (clientId: string) =>
  tenant.clients.find((client) => client.clientId === clientId)!.clientSecret
