/**
 * A minimal browser app on the Promise facade: exchange the user's Auth0 access token for a
 * connection's token with `ApiClient` from `@effect-auth0/token-vault-promise`.
 */
import { ApiClient } from "@effect-auth0/token-vault-promise"

const apiClient = new ApiClient({ domain: "tenant.example.com", clientId: "client-id", clientSecret: "client-secret" })

export const federatedToken = async (auth0AccessToken: string): Promise<string> => {
  const tokenSet = await apiClient.getAccessTokenForConnection({
    connection: "google-oauth2",
    accessToken: auth0AccessToken
  })
  return tokenSet.accessToken
}
