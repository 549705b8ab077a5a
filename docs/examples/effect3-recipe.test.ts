/**
 * The Effect 3 recipe (effect3-recipe.ts), run on the workspace's Effect 4 (the recipe uses only
 * APIs that Effect 3 and 4 write alike) against the loopback emulator: each facade error class
 * arrives as its tagged error, and `Effect.catchTag` handles it.
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { apiClient, getAccessTokenForConnection, githubToken } from "./effect3-recipe.js"

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: "my-api", clientSecret: "my-api-secret" }],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: ["at-alice"],
      connections: { github: [{ accessToken: "gho_alice", scope: "repo" }] }
    },
    { userId: "auth0|bob", accessTokens: ["at-bob"] }
  ]
}

const serve = Effect.flatMap(TokenVaultEmulator.make(tenant), (emulator) => EmulatorServer.serve(emulator))

describe("the Effect 3 recipe", () => {
  it.effect("gets the token, and undefined for a user who never connected GitHub", () =>
    Effect.gen(function*() {
      const server = yield* serve
      const client = yield* apiClient({ domain: server.url, clientId: "my-api", clientSecret: "my-api-secret" })
      expect(yield* githubToken(client, "at-alice")).toBe("gho_alice")
      expect(yield* githubToken(client, "at-bob")).toBeUndefined()
    }))

  it.effect("Auth0's refusal is a ConnectionTokenError carrying Auth0's error", () =>
    Effect.gen(function*() {
      const server = yield* serve
      const client = yield* apiClient({ domain: server.url, clientId: "my-api", clientSecret: "my-api-secret" })
      const error = yield* Effect.flip(
        getAccessTokenForConnection(client, { connection: "github", accessToken: "at-mallory" })
      )
      expect(error._tag).toBe("ConnectionTokenError")
      expect(error._tag === "ConnectionTokenError" && error.error).toBe("invalid_grant")
      expect(error.message).not.toContain("at-mallory")
      const handled = yield* getAccessTokenForConnection(client, { connection: "github", accessToken: "at-mallory" })
        .pipe(
          Effect.map(() => "token"),
          Effect.catchTag("ConnectionTokenError", (caught) => Effect.succeed(`handled ${caught.error}`))
        )
      expect(handled).toBe("handled invalid_grant")
    }))

  it.effect("a missing argument is a ConnectionTokenArgumentError", () =>
    Effect.gen(function*() {
      const server = yield* serve
      const client = yield* apiClient({ domain: server.url, clientId: "my-api", clientSecret: "my-api-secret" })
      const error = yield* Effect.flip(getAccessTokenForConnection(client, { connection: "", accessToken: "at-alice" }))
      expect(error._tag).toBe("ConnectionTokenArgumentError")
      expect(error.message).toContain("connection")
    }))

  it.effect("bad client options are a TokenVaultConfigurationError: a bad domain when the client is made, no client authentication at the call", () =>
    Effect.gen(function*() {
      const badDomain = yield* Effect.flip(apiClient({ domain: "", clientId: "my-api", clientSecret: "my-api-secret" }))
      expect(badDomain).toMatchObject({ _tag: "TokenVaultConfigurationError", code: "invalid_configuration_error" })

      const client = yield* apiClient({ domain: "tenant.example.com", clientId: "my-api" })
      const noAuthentication = yield* Effect.flip(
        getAccessTokenForConnection(client, { connection: "github", accessToken: "at-alice" })
      )
      expect(noAuthentication).toMatchObject({
        _tag: "TokenVaultConfigurationError",
        code: "missing_client_auth_error"
      })
    }))
})
