/**
 * Testing code that uses the Promise facade (`ApiClient` of `@effect-auth0/token-vault-promise`)
 * with the bundled emulator, in plain vitest: the emulator serves a tenant on 127.0.0.1 and the
 * client's `domain` is its URL. The test reads what the emulator received.
 */
import { ApiClient, TokenForConnectionError } from "@effect-auth0/token-vault-promise"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: "my-api", clientSecret: "my-api-secret" }],
  users: [{
    userId: "auth0|alice",
    refreshTokens: ["rt-alice"],
    connections: { github: [{ accessToken: "gho_alice", scope: "repo" }] }
  }]
}

describe("ApiClient over the loopback emulator", () => {
  const scope = Effect.runSync(Scope.make())
  let emulator: TokenVaultEmulator.TokenVaultEmulator
  let server: EmulatorServer.EmulatorServer

  beforeAll(async () => {
    emulator = await Effect.runPromise(TokenVaultEmulator.make(tenant))
    server = await Effect.runPromise(Scope.provide(EmulatorServer.serve(emulator), scope))
  })
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("exchanges a refresh token and shows what was sent", async () => {
    const apiClient = new ApiClient({ domain: server.url, clientId: "my-api", clientSecret: "my-api-secret" })
    try {
      const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "github", refreshToken: "rt-alice" })
      expect(tokenSet).toMatchObject({ accessToken: "gho_alice", scope: "repo", connection: "github" })

      const requests = await Effect.runPromise(emulator.requests)
      expect(requests.at(-1)?.form["subject_token_type"]).toBe(TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN)
    } finally {
      await apiClient.dispose()
    }
  })

  it("rejects with TokenForConnectionError carrying Auth0's error", async () => {
    const apiClient = new ApiClient({ domain: server.url, clientId: "my-api", clientSecret: "wrong-secret" })
    try {
      const error = await apiClient.getAccessTokenForConnection({ connection: "github", refreshToken: "rt-alice" })
        .then(() => undefined, (error: unknown) => error)
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect((error as TokenForConnectionError).code).toBe("token_for_connection_error")
      expect((error as TokenForConnectionError).cause).toEqual({
        error: "access_denied",
        error_description: "Unauthorized"
      })
      expect((error as TokenForConnectionError).statusCode).toBe(401)
    } finally {
      await apiClient.dispose()
    }
  })
})
