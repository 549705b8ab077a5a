/**
 * Testing code that uses the Promise facade (`ApiClient`) with the bundled emulator, in plain
 * vitest: once through the emulator's in-memory HttpClient layer, once over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect, Exit, Scope } from "effect"
import { ApiClient, TokenForConnectionError } from "@effect-auth0/token-vault/promise"
import { EmulatorHttpClient, EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: "my-api", clientSecret: "my-api-secret" }],
  users: [{
    userId: "auth0|alice",
    refreshTokens: ["rt-alice"],
    connections: { github: [{ accessToken: "gho_alice", scope: "repo" }] }
  }]
}

describe("ApiClient over the in-memory emulator", () => {
  it("exchanges a refresh token and shows what was sent", async () => {
    const emulator = await Effect.runPromise(TokenVaultEmulator.make(tenant))
    const apiClient = new ApiClient({
      domain: tenant.domain,
      clientId: "my-api",
      clientSecret: "my-api-secret",
      httpClient: EmulatorHttpClient.layer(emulator)
    })

    const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "github", refreshToken: "rt-alice" })
    expect(tokenSet).toMatchObject({ accessToken: "gho_alice", scope: "repo", connection: "github" })

    const requests = await Effect.runPromise(emulator.requests)
    expect(requests[0]?.form["subject_token_type"]).toBe(TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN)
    await apiClient.dispose()
  })

  it("rejects with TokenForConnectionError carrying Auth0's error", async () => {
    const emulator = await Effect.runPromise(TokenVaultEmulator.make(tenant))
    const apiClient = new ApiClient({
      domain: tenant.domain,
      clientId: "my-api",
      clientSecret: "wrong-secret",
      httpClient: EmulatorHttpClient.layer(emulator)
    })
    const error = await apiClient.getAccessTokenForConnection({ connection: "github", refreshToken: "rt-alice" })
      .then(() => undefined, (error: unknown) => error)
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect((error as TokenForConnectionError).cause).toEqual({ error: "access_denied", error_description: "Unauthorized" })
    expect((error as TokenForConnectionError).statusCode).toBe(401)
    await apiClient.dispose()
  })
})

describe("ApiClient over the loopback server", () => {
  const scope = Effect.runSync(Scope.make())
  let server: EmulatorServer.EmulatorServer

  beforeAll(async () => {
    const emulator = await Effect.runPromise(TokenVaultEmulator.make(tenant))
    server = await Effect.runPromise(Scope.extend(EmulatorServer.serve(emulator), scope))
  })
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("uses the global fetch against http://127.0.0.1:PORT", async () => {
    const apiClient = new ApiClient({ domain: server.url, clientId: "my-api", clientSecret: "my-api-secret" })
    const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "github", refreshToken: "rt-alice" })
    expect(tokenSet.accessToken).toBe("gho_alice")
    await apiClient.dispose()
  })
})
