import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { polluted } from "../../token-vault/test/utils/polluted.js"
import { CLIENT_ID, CLIENT_SECRET, tenant, uncached, withEnvironment } from "./helpers.js"

// Each value would fail the layer, or send elsewhere, if this package read it. (`connections`,
// `connectTimeout` and `keepAliveTimeout` are left out: undici reads options of those names
// itself, inherited ones included, from every options object it is given.)
const pollution = {
  proxy: "http://attacker.example:3128",
  proxyFromEnvironment: "yes",
  tls: { cert: "not a certificate", key: Redacted.make("not a key") },
  cert: "not a certificate",
  key: "not redacted",
  clientAuthentication: "tls_client_auth",
  mtlsEndpoint: "https://attacker.example/oauth/token"
}

const google = { connection: "google-oauth2", accessToken: "at-alice" } as const

describe("the Node adapter reads its options as own properties only", () => {
  it.effect("layer: a polluted Object.prototype (proxy, tls, connections, ...) changes nothing", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const tokenSet = yield* polluted(pollution, () =>
        TokenVault.getAccessTokenForConnection(google).pipe(
          Effect.provide(NodeTokenVault.layer({
            ...uncached,
            domain: server.url,
            clientId: CLIENT_ID,
            clientSecret: Redacted.make(CLIENT_SECRET)
          }))
        ))
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
      expect(yield* server.emulator.requests).toHaveLength(1)
    }))

  it.effect("layerHttpClient: a polluted Object.prototype changes nothing", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const tokenSet = yield* polluted(pollution, () =>
        TokenVault.getAccessTokenForConnection(google).pipe(
          Effect.provide(TokenVault.layer({
            ...uncached,
            domain: server.url,
            clientId: CLIENT_ID,
            clientSecret: Redacted.make(CLIENT_SECRET)
          })),
          Effect.provide(NodeTokenVault.layerHttpClient({ tls: {} }))
        ))
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
    }))
})
