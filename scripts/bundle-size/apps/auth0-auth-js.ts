/**
 * The anchor: the same minimal app on Auth0's own SDK, `@auth0/auth0-auth-js`'s
 * `AuthClient.getTokenForConnection`.
 */
import { AuthClient } from "@auth0/auth0-auth-js"

const authClient = new AuthClient({
  domain: "tenant.example.com",
  clientId: "client-id",
  clientSecret: "client-secret"
})

export const federatedToken = async (auth0AccessToken: string): Promise<string> => {
  const tokenSet = await authClient.getTokenForConnection({
    connection: "google-oauth2",
    accessToken: auth0AccessToken
  })
  return tokenSet.accessToken
}
