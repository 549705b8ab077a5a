/**
 * Runs the Express example against the loopback emulator: a real HTTP request to the app, a real
 * exchange over undici from the app to the emulator.
 */
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import type { AddressInfo } from "node:net"
import { makeApp } from "./node-express.js"

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: "my-api", clientSecret: "my-api-secret" }],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: ["at-alice"],
      connections: { github: [{ accessToken: "gho_alice", scope: "repo", expiresIn: 600 }] }
    },
    { userId: "auth0|bob", accessTokens: ["at-bob"] }
  ]
}

/** The example app over the emulator, listening on 127.0.0.1 until the scope closes. */
const serveApp = Effect.gen(function*() {
  const emulator = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
  const { app, runtime } = makeApp(
    NodeTokenVault.layer({ domain: emulator.url, clientId: "my-api", clientSecret: Redacted.make("my-api-secret") })
  )
  yield* Effect.addFinalizer(() => Effect.promise(() => runtime.dispose()))
  const server = yield* Effect.acquireRelease(
    Effect.callback<ReturnType<typeof app.listen>>((resume) => {
      const server = app.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

const get = (url: string, authorization?: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, authorization === undefined ? {} : { headers: { authorization } })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  })

describe("Express example", () => {
  it.effect("answers the federated token's expiry for the bearer", () =>
    Effect.gen(function*() {
      const base = yield* serveApp
      const before = Date.now()
      const ok = yield* get(`${base}/connections/github/expiry`, "Bearer at-alice")
      expect(ok.status).toBe(200)
      expect(ok.body["connection"]).toBe("github")
      expect(ok.body["scope"]).toBe("repo")
      const expiresAt = Date.parse(String(ok.body["expiresAt"]))
      expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 599_000)
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 601_000)
      expect(JSON.stringify(ok.body)).not.toContain("gho_alice")
    }))

  it.effect("answers 401 without a bearer token, 401 for an unknown token, 409 for an unlinked account", () =>
    Effect.gen(function*() {
      const base = yield* serveApp
      const missing = yield* get(`${base}/connections/github/expiry`)
      expect(missing.status).toBe(401)
      const basic = yield* get(`${base}/connections/github/expiry`, "Basic dXNlcjpwYXNz")
      expect(basic.status).toBe(401)
      const unknown = yield* get(`${base}/connections/github/expiry`, "Bearer at-mallory")
      expect(unknown).toMatchObject({ status: 401, body: { error: "token_rejected" } })
      const unlinked = yield* get(`${base}/connections/github/expiry`, "Bearer at-bob")
      expect(unlinked).toMatchObject({ status: 409, body: { error: "connection_not_linked" } })
    }))
})
