import { ApiClient, TokenForConnectionError } from "@effect-auth0/token-vault-promise"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { inspect } from "node:util"
import { rejection } from "./fixtures.js"

/**
 * Each situation the emulator can put a connection into, as the facade reports it: Auth0's
 * `TokenForConnectionError` (same code and `cause` as Auth0's SDKs) with the `reason` that says
 * what the application should do.
 */
const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [
    { clientId: "app", clientSecret: "app-secret-value" },
    { clientId: "no-grant", clientSecret: "no-grant-secret", tokenVaultGrant: false },
    { clientId: "third-party", clientSecret: "third-party-secret", firstParty: false }
  ],
  users: [{
    userId: "auth0|alice",
    refreshTokens: ["rt-alice"],
    connections: { slack: [{ accessToken: "xoxp-alice" }] }
  }]
}

/** The emulator on loopback, and a facade client of it (disposed with the scope). */
const serve = (clientId = "app", clientSecret = "app-secret-value") =>
  Effect.gen(function*() {
    const emulator = yield* TokenVaultEmulator.make(tenant)
    const server = yield* EmulatorServer.serve(emulator)
    const apiClient = yield* Effect.acquireRelease(
      Effect.sync(() => new ApiClient({ domain: server.url, clientId, clientSecret, cache: false })),
      (client) => Effect.promise(() => client.dispose())
    )
    return { emulator, apiClient }
  })

const slack = { connection: "slack", refreshToken: "rt-alice" } as const

describe("the facade's reason for each situation of the emulator", () => {
  it.effect.each(
    [
      ["refresh_token_not_found", "not_connected", 401, "federated_connection_refresh_token_not_found"],
      ["tokenset_not_found", "not_connected", 401, "tokenset_not_found"],
      ["refresh_failed", "reconnect_required", 401, "federated_connection_refresh_token_flow_failed"],
      ["mfa_required", "mfa_required", 403, "mfa_required"]
    ] as const
  )("%s: reason %s", ([status, reason, statusCode, code]) =>
    Effect.gen(function*() {
      const { apiClient, emulator } = yield* serve()
      yield* emulator.setIdentityStatus({ userId: "auth0|alice", connection: "slack" }, status)
      const error = yield* Effect.promise(() => rejection(apiClient.getAccessTokenForConnection(slack)))
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect(error).toMatchObject({ code: "token_for_connection_error", reason, statusCode })
      expect((error.cause as { error: string }).error).toBe(code)
      expect(error.message).toBe("Failed to exchange token for connection 'slack'.")
      if (reason === "mfa_required") {
        const mfaToken = (error as TokenForConnectionError).mfaToken!
        expect(mfaToken.length).toBeGreaterThan(8)
        for (const shown of [error.message, String(error), JSON.stringify(error), inspect(error)]) {
          expect(shown).not.toContain(mfaToken)
        }
      }
      yield* emulator.setIdentityStatus({ userId: "auth0|alice", connection: "slack" }, "connected")
      const tokenSet = yield* Effect.promise(() => apiClient.getAccessTokenForConnection(slack))
      expect(tokenSet.accessToken).toBe("xoxp-alice")
    }).pipe(Effect.scoped))

  it.effect("an unknown subject token: reason invalid_subject_token", () =>
    Effect.gen(function*() {
      const { apiClient } = yield* serve()
      const error = yield* Effect.promise(() =>
        rejection(apiClient.getAccessTokenForConnection({ connection: "slack", refreshToken: "rt-nobody" }))
      )
      expect(error).toMatchObject({ reason: "invalid_subject_token", statusCode: 401 })
    }).pipe(Effect.scoped))

  it.effect.each([["no-grant", "no-grant-secret"], ["third-party", "third-party-secret"]] as const)(
    "client %s: reason client_not_allowed",
    ([clientId, secret]) =>
      Effect.gen(function*() {
        const { apiClient } = yield* serve(clientId, secret)
        const error = yield* Effect.promise(() => rejection(apiClient.getAccessTokenForConnection(slack)))
        expect(error).toMatchObject({ reason: "client_not_allowed", statusCode: 403 })
      }).pipe(Effect.scoped)
  )
})
