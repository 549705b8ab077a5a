import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"

/**
 * The emulated tenant of the demo: one application and one user, Alice, who linked two Google
 * accounts and a GitHub account.
 */
export const demoTenant: TokenVaultEmulator.TenantConfig = {
  domain: "demo-tenant.example",
  clients: [{ clientId: "demo-backend", clientSecret: "demo-backend-secret" }],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: ["alice-auth0-access-token"],
      refreshTokens: ["alice-auth0-refresh-token"],
      connections: {
        "google-oauth2": [
          {
            loginHint: "alice@work.example",
            accessToken: "ya29.alice-work-google",
            scope: "openid email calendar",
            expiresIn: 3599
          },
          {
            loginHint: "alice@home.example",
            accessToken: "ya29.alice-home-google",
            scope: "openid email",
            expiresIn: 3599
          }
        ],
        github: [{ accessToken: "gho_alice_github", scope: "repo read:user", expiresIn: 28800 }]
      }
    }
  ]
}
