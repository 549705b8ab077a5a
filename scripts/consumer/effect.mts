// An Effect consumer of the core and the Node adapter, as a user would write it.
import { Effect, Redacted } from "effect"
import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"

const program = Effect.gen(function* () {
  const tokenSet = yield* TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "consumer-user-token" })
  const failure = yield* TokenVault.getAccessTokenForConnection({ connection: "slack", accessToken: "consumer-user-token" }).pipe(
    Effect.flip
  )
  return { matches: Redacted.value(tokenSet.accessToken) === "gho_consumer", printed: String(tokenSet), failure: failure._tag }
}).pipe(
  Effect.provide(NodeTokenVault.layer({
    domain: process.env["EMULATOR_URL"]!,
    clientId: "consumer-app",
    clientSecret: Redacted.make("consumer-secret")
  }))
)

console.log(JSON.stringify(await Effect.runPromise(program)))
