import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Net from "node:net"
import { CLIENT_ID, CLIENT_SECRET, closedPort, tenant, uncached } from "./helpers.js"

const google = { connection: "google-oauth2", accessToken: "at-alice" } as const

describe("NodeTokenVault.layer over the loopback emulator", () => {
  it.effect("exchanges a token over undici", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      const tokenSet = yield* TokenVault.getAccessTokenForConnection({ ...google, loginHint: "alice@example.com" })
        .pipe(
          Effect.provide(NodeTokenVault.layer({
            domain: server.url,
            clientId: CLIENT_ID,
            clientSecret: Redacted.make(CLIENT_SECRET),
            ...uncached
          }))
        )
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
      expect(tokenSet.scope).toBe("openid")
      expect(tokenSet.loginHint).toBe("alice@example.com")

      const requests = yield* emulator.requests
      expect(requests.map((request) => request.path)).toEqual(["/oauth/token"])
      expect(requests[0]?.form["client_id"]).toBe(CLIENT_ID)
      expect(requests[0]?.headers["traceparent"]).toBeUndefined()
    }))

  it.effect("an unknown subject token is an InvalidSubjectTokenError", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      const error = yield* TokenVault.getAccessTokenForConnection({ ...google, accessToken: "at-nobody" }).pipe(
        Effect.provide(NodeTokenVault.layer({
          domain: server.url,
          clientId: CLIENT_ID,
          clientSecret: Redacted.make(CLIENT_SECRET),
          ...uncached
        })),
        Effect.flip
      )
      expect(error).toBeInstanceOf(TokenVaultError.InvalidSubjectTokenError)
      expect(error._tag === "InvalidSubjectTokenError" && error.error).toBe("invalid_grant")
    }))

  it.effect("a refused connection is a TransportError", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const error = yield* TokenVault.getAccessTokenForConnection(google).pipe(
        Effect.provide(NodeTokenVault.layer({
          domain: `http://127.0.0.1:${port}`,
          clientId: CLIENT_ID,
          clientSecret: Redacted.make(CLIENT_SECRET),
          ...uncached
        })),
        Effect.flip
      )
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("ECONNREFUSED")
    }))

  it.effect("connectTimeout bounds the connection, TLS handshake included", () =>
    Effect.gen(function*() {
      // Accepts TCP connections and never says a word: the TLS handshake cannot finish.
      const sockets = new Set<Net.Socket>()
      const silent = Net.createServer((socket) => {
        sockets.add(socket)
        socket.on("error", () => {})
      })
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => void silent.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () =>
          Effect.callback<void>((resume) => {
            for (const socket of sockets) socket.destroy()
            silent.close(() => resume(Effect.void))
          })
      )
      const port = (silent.address() as Net.AddressInfo).port
      const started = Date.now()
      const error = yield* TokenVault.getAccessTokenForConnection(google).pipe(
        Effect.provide(NodeTokenVault.layer({
          domain: `https://127.0.0.1:${port}`,
          clientId: CLIENT_ID,
          clientSecret: Redacted.make(CLIENT_SECRET),
          connectTimeout: "300 millis",
          ...uncached
        })),
        Effect.flip
      )
      const elapsed = Date.now() - started
      expect(error._tag).toBe("TransportError")
      expect(error.message).toMatch(/UND_ERR_CONNECT_TIMEOUT|connect timeout/i)
      expect(elapsed).toBeGreaterThanOrEqual(250)
      expect(elapsed).toBeLessThan(5_000)
      expect(sockets.size).toBe(1)
    }))

  it.effect("layerHttpClient provides the undici TokenTransport, over the HttpClient's pool", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      // One socket per origin: had the transport a pool of its own, the server would see two.
      const context = yield* Layer.build(NodeTokenVault.layerHttpClient({ connections: 1 }))
      const client = Context.get(context, HttpClient.HttpClient)

      // Token requests take the transport: with every HttpClient request failing, the exchange works.
      let clientRequests = 0
      const failing = HttpClient.make((request) => {
        clientRequests++
        return Effect.fail(
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, description: "not this way" })
          })
        )
      })
      const tokenSet = yield* TokenVault.getAccessTokenForConnection(google).pipe(
        Effect.provide(
          TokenVault.layer({
            domain: server.url,
            clientId: CLIENT_ID,
            clientSecret: Redacted.make(CLIENT_SECRET),
            ...uncached
          })
        ),
        Effect.provideContext(Context.add(context, HttpClient.HttpClient, failing))
      )
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
      expect(clientRequests).toBe(0)
      expect((yield* emulator.requests).map((request) => request.path)).toEqual(["/oauth/token"])

      // The HttpClient of the same layer sends over the socket the transport opened.
      const discovery = yield* client.get(`${server.url}/.well-known/openid-configuration`)
      expect(discovery.status).toBe(200)
      yield* discovery.text
      expect(yield* server.connections).toBe(1)
    }))
})
