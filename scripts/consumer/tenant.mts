// The tenant both consumer programs run against, and the exchanges they make, as a user's test would.
import { TokenVault } from "@effect-auth0/token-vault"
import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { Effect, Redacted } from "effect"

export const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "consumer.example",
  clients: [{ clientId: "consumer-app", clientSecret: "consumer-secret" }],
  users: [{
    userId: "auth0|consumer",
    accessTokens: ["consumer-user-token"],
    connections: { github: [{ accessToken: "gho_consumer", scope: "repo" }] }
  }]
}

export const clientOptions = { clientId: "consumer-app", clientSecret: Redacted.make("consumer-secret") }

/** One exchange that works, and one Auth0 refuses (no slack account linked), caught by its tag. */
export const exchanges = Effect.gen(function*() {
  const tokenSet = yield* TokenVault.getAccessTokenForConnection({
    connection: "github",
    accessToken: "consumer-user-token"
  })
  const refused = yield* TokenVault.getAccessTokenForConnection({
    connection: "slack",
    accessToken: "consumer-user-token"
  }).pipe(
    Effect.as("no error"),
    Effect.catchTag(
      "AccountNotConnectedError",
      (error) => Effect.succeed(`${error._tag} ${error.status} ${error.error}`)
    )
  )
  return {
    matches: Redacted.value(tokenSet.accessToken) === "gho_consumer",
    printed: `${String(tokenSet)} ${JSON.stringify(tokenSet)}`,
    refused
  }
})
