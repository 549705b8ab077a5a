// A plain TypeScript consumer of the Promise facade, as a user would write it.
import { ApiClient, TokenForConnectionError } from "@effect-auth0/token-vault/promise"

const domain = process.env["EMULATOR_URL"]!
const apiClient = new ApiClient({ domain, clientId: "consumer-app", clientSecret: "consumer-secret" })
try {
  const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "github", accessToken: "consumer-user-token" })
  const keys: Array<keyof typeof tokenSet> = ["accessToken", "scope", "expiresAt", "connection", "loginHint"]
  console.log(JSON.stringify({ keys: keys.filter((key) => key in tokenSet), matches: tokenSet.accessToken === "gho_consumer" }))
  await apiClient.getAccessTokenForConnection({ connection: "slack", accessToken: "consumer-user-token" }).catch((error: unknown) => {
    if (error instanceof TokenForConnectionError) console.log(JSON.stringify({ code: error.code, cause: error.cause }))
  })
} finally {
  await apiClient.dispose()
}
