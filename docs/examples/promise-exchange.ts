/**
 * The Promise facade in an application that does not use Effect: one `ApiClient` for the
 * process, shared by every request so that its token cache serves repeated calls, and Auth0's
 * error classes for the failures. The package has Effect bundled inside: the application needs
 * no `effect` of its own (and may have any version of it, or none).
 *
 * Run as a program it reads AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and the user's
 * AUTH0_SUBJECT_TOKEN from the environment:
 *
 *   pnpm example promise-exchange      (against the emulator)
 */
import { ApiClient, MissingRequiredArgumentError, TokenForConnectionError } from "@effect-auth0/token-vault-promise"
import { fileURLToPath } from "node:url"

/** One client for the whole process: it owns its runtime, its token cache and its HTTP resources. */
export const apiClient = new ApiClient({
  domain: process.env["AUTH0_DOMAIN"] ?? "example.us.auth0.com",
  audience: "https://api.example.com",
  clientId: process.env["AUTH0_CLIENT_ID"],
  clientSecret: process.env["AUTH0_CLIENT_SECRET"]
})

/** The Google token of the user who sent `authorization: Bearer <Auth0 access token>`. */
export const googleTokenFor = async (authorizationHeader: string): Promise<string | undefined> => {
  const auth0AccessToken = authorizationHeader.replace(/^Bearer\s+/i, "")
  try {
    const tokenSet = await apiClient.getAccessTokenForConnection({
      connection: "google-oauth2",
      accessToken: auth0AccessToken
    })
    return tokenSet.accessToken
  } catch (error) {
    if (
      error instanceof TokenForConnectionError && error.cause?.error === "federated_connection_refresh_token_not_found"
    ) {
      return undefined // the user has not connected a Google account yet
    }
    if (error instanceof TokenForConnectionError || error instanceof MissingRequiredArgumentError) {
      console.warn(`${error.name} (${error.code}): ${error.message}`)
    }
    throw error
  }
}

/** Call once when the process shuts down. */
export const shutdown = (): Promise<void> => apiClient.dispose()

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const token = await googleTokenFor(`Bearer ${process.env["AUTH0_SUBJECT_TOKEN"] ?? ""}`)
    console.log(
      token === undefined ? "No Google account connected." : `Got a Google token (${token.length} characters).`
    )
  } finally {
    await shutdown()
  }
}
