import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it, layer } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import { FixturesLive, MTLS_CLIENT_ID, serveHttps } from "./fixtures.js"
import { CLIENT_ID, CLIENT_SECRET, tenant, uncached } from "./helpers.js"

const N = 50

const vaultLayer = (domain: string, http: NodeTokenVault.HttpClientOptions = {}) =>
  NodeTokenVault.layer({
    domain,
    clientId: CLIENT_ID,
    clientSecret: Redacted.make(CLIENT_SECRET),
    ...uncached,
    ...http
  })

const exchange = (accessToken = "at-alice") =>
  Effect.map(
    TokenVault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken }),
    (tokenSet) => Redacted.value(tokenSet.accessToken)
  )

/** `sequential` exchanges, one after the other, through one layer. */
const sequential = (n: number) =>
  Effect.forEach(Array.from({ length: n }, (_, i) => i), () => exchange(), { concurrency: 1 })

/** Polls `condition` every 10 ms, at most `attempts` times. */
const eventually = (condition: Effect.Effect<boolean>, attempts = 100) =>
  Effect.gen(function*() {
    for (let i = 0; i < attempts; i++) {
      if (yield* condition) return true
      yield* Effect.sleep("10 millis")
    }
    return false
  })

describe("connection reuse over HTTP", () => {
  it.effect(`${N} sequential exchanges open far fewer than ${N} TCP connections`, () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const tokens = yield* sequential(N).pipe(Effect.provide(vaultLayer(server.url)))
      expect(tokens).toEqual(Array(N).fill("ya29.alice"))
      expect((yield* server.emulator.requests).length).toBe(N)
      expect(yield* server.connections).toBeLessThanOrEqual(2)
    }))

  it.effect("sequential exchanges reuse the first socket: one connection after each, with the default pool", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const counts = yield* Effect.gen(function*() {
        const counts: Array<number> = []
        for (let i = 0; i < 5; i++) {
          yield* exchange()
          counts.push(yield* server.connections)
        }
        return counts
      }).pipe(Effect.provide(vaultLayer(server.url)))
      expect(counts).toEqual([1, 1, 1, 1, 1])
    }))

  it.effect("control: a layer per exchange opens a connection per exchange", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      for (let i = 0; i < 5; i++) yield* exchange().pipe(Effect.provide(vaultLayer(server.url)))
      expect(yield* server.connections).toBe(5)
    }))

  it.live("connections caps the sockets per origin", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      yield* server.emulator.setFault(Fault.Latency({ millis: 100 }))
      const tokens = Array.from({ length: 8 }, (_, i) => `at-alice-${i}`)
      const concurrent = (http: NodeTokenVault.HttpClientOptions) =>
        Effect.forEach(tokens, exchange, { concurrency: "unbounded" }).pipe(
          Effect.provide(vaultLayer(server.url, http))
        )

      expect(yield* concurrent({ connections: 2 })).toEqual(Array(8).fill("ya29.alice"))
      expect(yield* server.connections).toBe(2)

      // Without the cap, undici opens a socket for each request waiting on a busy one.
      yield* concurrent({})
      expect((yield* server.connections) - 2).toBeGreaterThan(2)
    })))

  it.live("a call interrupted while its request waits for a socket never sends it", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      yield* server.emulator.setFault(Fault.Latency({ millis: 300 }))
      const context = yield* Layer.build(vaultLayer(server.url, { connections: 1 }))
      const busy = yield* Effect.forkChild(Effect.provide(exchange("at-alice-0"), context))
      yield* Effect.sleep("50 millis")
      // The only socket carries the first exchange: this one waits in undici's queue.
      const queued = yield* Effect.forkChild(Effect.provide(exchange("at-alice-1"), context))
      yield* Effect.sleep("50 millis")
      yield* Fiber.interrupt(queued)
      // The first exchange ends and frees the socket: the interrupted request must not go out on it.
      expect(yield* Fiber.join(busy)).toBe("ya29.alice")
      yield* Effect.sleep("200 millis")
      const subjects = (yield* server.emulator.requests).map((request) => request.form["subject_token"])
      expect(subjects).toEqual(["at-alice-0"])
    })))

  it.live("keepAliveTimeout closes idle sockets", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const twoApart = (http: NodeTokenVault.HttpClientOptions) =>
        Effect.gen(function*() {
          yield* exchange()
          yield* Effect.sleep("400 millis")
          yield* exchange()
        }).pipe(Effect.provide(vaultLayer(server.url, http)))

      yield* twoApart({ keepAliveTimeout: "100 millis" })
      expect(yield* server.connections).toBe(2)
      // The default keeps the socket for the server's Keep-Alive hint (5 s for Node's server).
      yield* twoApart({})
      expect(yield* server.connections).toBe(3)
    })))
})

describe("the pool's lifetime", () => {
  it.live("is closed with the layer's scope: the server sees the socket end, a further request fails", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(NodeTokenVault.layerHttpClient(), scope)
      const client = Context.get(context, HttpClient.HttpClient)
      const discovery = `${server.url}/.well-known/openid-configuration`

      const before = yield* client.get(discovery)
      expect(before.status).toBe(200)
      yield* before.text
      expect(yield* server.openConnections).toBe(1)

      yield* Scope.close(scope, Exit.void)
      expect(yield* eventually(Effect.map(server.openConnections, (open) => open === 0))).toBe(true)

      const error = yield* Effect.flip(client.get(discovery))
      expect(error.reason._tag).toBe("TransportError")
      expect(String((error.cause as Error | undefined)?.name)).toBe("ClientDestroyedError")
      expect(yield* server.connections).toBe(1)
    })))

  it.live("NodeTokenVault.layer owns its pool too", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      yield* exchange().pipe(Effect.provide(vaultLayer(server.url)))
      // `Effect.provide` closed the layer's scope when the exchange ended.
      expect(yield* eventually(Effect.map(server.openConnections, (open) => open === 0))).toBe(true)
      expect(yield* server.connections).toBe(1)
    })))
})

layer(FixturesLive, { timeout: 60_000 })("connection reuse over mTLS", (it) => {
  it.effect(`${N} sequential mTLS exchanges share one TLS connection`, () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const tokens = yield* sequential(N).pipe(Effect.provide(NodeTokenVault.layer({
        domain: server.url,
        clientId: MTLS_CLIENT_ID,
        clientAuthentication: "tls_client_auth",
        mtlsEndpoint: server.tokenEndpoint,
        tls: { cert: fixtures.client.cert, key: fixtures.client.key, ca: fixtures.certificates.ca.cert },
        ...uncached
      })))
      expect(tokens).toEqual(Array(N).fill("ya29.alice"))
      const requests = yield* server.emulator.requests
      expect(requests.length).toBe(N)
      expect(requests.every((request) => request.clientCertificate?.verified === true)).toBe(true)
      expect(yield* server.connections).toBeLessThanOrEqual(2)
    }))
})
