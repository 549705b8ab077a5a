import { EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import * as Net from "node:net"
import { basic, DOMAIN, params, SVC_ID, SVC_SECRET, tenant } from "./fixtures.js"

/** Opens a TCP connection; succeeds with the socket or fails with the connection error code. */
const connect = (host: string, port: number): Effect.Effect<Net.Socket, string> =>
  Effect.callback<Net.Socket, string>((resume) => {
    const socket = Net.connect({ host, port })
    socket.once("connect", () => resume(Effect.succeed(socket)))
    socket.once("error", (error: NodeJS.ErrnoException) => resume(Effect.fail(error.code ?? error.message)))
  })

const exchange = (url: string, overrides: Parameters<typeof params>[0] = {}, headers: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    return yield* client.execute(
      HttpClientRequest.post(`${url}/oauth/token`).pipe(
        HttpClientRequest.setHeaders(headers),
        HttpClientRequest.bodyUrlParams(params(overrides))
      )
    )
  })

const clients = [
  { name: "undici", layer: NodeHttpClient.layerUndici },
  { name: "fetch", layer: FetchHttpClient.layer }
] as const

describe("EmulatorServer", () => {
  it.effect("listens on 127.0.0.1 on an ephemeral port", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      expect(server.port).toBeGreaterThan(0)
      expect(server.domain).toBe(`127.0.0.1:${server.port}`)
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
      expect(server.emulator).toBe(emulator)
      const socket = yield* connect("127.0.0.1", server.port)
      socket.destroy()
      // Bound to the IPv4 loopback only, not to every interface (`::` would accept ::1 too).
      const ipv6 = yield* Effect.result(connect("::1", server.port))
      expect(Result.isFailure(ipv6)).toBe(true)
    }))

  for (const client of clients) {
    it.effect(`serves exchanges and OAuth errors over HTTP (${client.name})`, () =>
      Effect.gen(function*() {
        const server = yield* EmulatorServer.EmulatorServer
        const ok = yield* exchange(server.url, {
          client_id: undefined,
          client_secret: undefined,
          subject_token: "rt-alice",
          subject_token_type: TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN
        }, { authorization: basic(SVC_ID, SVC_SECRET) })
        expect(ok.status).toBe(200)
        expect(yield* ok.json).toMatchObject({ access_token: "ya29.alice-personal", token_type: "Bearer" })

        const denied = yield* exchange(server.url, { client_secret: "wrong" })
        expect(denied.status).toBe(401)
        expect(yield* denied.json).toStrictEqual({ error: "access_denied", error_description: "Unauthorized" })

        const recorded = yield* TokenVaultEmulator.requests
        expect(recorded.length).toBe(2)
        expect(recorded[0]?.headers["host"]).toBe(server.domain)
        expect(recorded[0]?.form["subject_token"]).toBe("rt-alice")
        expect(recorded[1]?.form["client_secret"]).toBe("wrong")
      }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(tenant), client.layer))))
  }

  it.effect("serves the discovery document of the configured domain", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.EmulatorServer
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`${server.url}/.well-known/openid-configuration`)
      expect(response.status).toBe(200)
      expect(yield* response.json).toMatchObject({
        issuer: `https://${DOMAIN}/`,
        token_endpoint: `https://${DOMAIN}/oauth/token`
      })
      const missing = yield* client.get(`${server.url}/nowhere`)
      expect(missing.status).toBe(404)
    }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(tenant), NodeHttpClient.layerUndici))))

  it.effect("delivers faults over HTTP", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.EmulatorServer
      yield* TokenVaultEmulator.setFault(Fault.RateLimited({ retryAfter: 2, limit: 10, remaining: 0, reset: 99 }))
      const limited = yield* exchange(server.url)
      expect(limited.status).toBe(429)
      expect(limited.headers["retry-after"]).toBe("2")
      expect(limited.headers["x-ratelimit-limit"]).toBe("10")
      expect(limited.headers["x-ratelimit-remaining"]).toBe("0")
      expect(limited.headers["x-ratelimit-reset"]).toBe("99")
      expect(yield* limited.json).toMatchObject({ error: "too_many_requests" })

      yield* TokenVaultEmulator.setFault(Fault.Html({ status: 502 }))
      const html = yield* exchange(server.url)
      expect(html.status).toBe(502)
      expect(html.headers["content-type"]).toMatch(/^text\/html/)

      yield* TokenVaultEmulator.setFault(Fault.EmptyBody())
      const empty = yield* exchange(server.url)
      expect(empty.status).toBe(200)
      expect(empty.headers["content-length"]).toBe("0")
      expect(yield* empty.text).toBe("")

      yield* TokenVaultEmulator.setFault(Fault.Custom({ status: 503, headers: { "x-custom": "1" }, body: "later" }))
      const custom = yield* exchange(server.url)
      expect(custom.status).toBe(503)
      expect(custom.headers["x-custom"]).toBe("1")
      expect(yield* custom.text).toBe("later")
    }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(tenant), NodeHttpClient.layerUndici))))

  it.effect("answers with the caller's Clock, so TestClock expires subject tokens", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.EmulatorServer
      expect((yield* exchange(server.url, { subject_token: "at-alice-expiring" })).status).toBe(200)
      yield* TestClock.adjust("2 hours")
      const expired = yield* exchange(server.url, { subject_token: "at-alice-expiring" })
      expect(expired.status).toBe(401)
      expect(yield* expired.json).toStrictEqual({ error: "invalid_grant", error_description: "Expired access token." })
      expect((yield* TokenVaultEmulator.requests)[1]?.at).toBe(Duration.toMillis("2 hours"))
    }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(tenant), NodeHttpClient.layerUndici))))

  it.live("is closed, and its open sockets destroyed, when the scope closes", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      let socketClosed = false
      const port = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* EmulatorServer.serve(emulator)
          // An idle keep-alive style connection that would hold a plain server.close() open.
          const socket = yield* connect("127.0.0.1", server.port)
          socket.once("close", () => {
            socketClosed = true
          })
          return server.port
        })
      ).pipe(Effect.timeoutOrElse({ duration: "5 seconds", orElse: () => Effect.fail("scope did not close in time") }))
      yield* Effect.sleep("20 millis")
      expect(socketClosed).toBe(true)
      const refused = yield* Effect.result(connect("127.0.0.1", port))
      expect(refused).toStrictEqual(Result.fail("ECONNREFUSED"))
    }))

  it.effect("counts accepted connections: a keep-alive client reuses one for many exchanges", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.EmulatorServer
      expect(server.protocol).toBe("http")
      expect(server.tokenEndpoint).toBe(`${server.url}/oauth/token`)
      expect(yield* server.connections).toBe(0)
      const exchanges = 20
      for (let i = 0; i < exchanges; i++) {
        const response = yield* exchange(server.url)
        expect(response.status).toBe(200)
        yield* response.text
      }
      const reused = yield* server.connections
      expect(reused).toBeGreaterThanOrEqual(1)
      expect(reused).toBeLessThanOrEqual(2)
      expect(yield* server.openConnections).toBeLessThanOrEqual(reused)

      // A fresh client (connection pool) per exchange opens a connection each time, and the counter
      // sees each one.
      for (let i = 0; i < 5; i++) {
        yield* exchange(server.url).pipe(
          Effect.flatMap((response) => response.text),
          // Effect 4 memoizes layers across `Effect.provide`: `fresh` gives each exchange its own pool.
          Effect.provide(Layer.fresh(NodeHttpClient.layerUndici))
        )
      }
      expect(yield* server.connections).toBe(reused + 5)
    }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(tenant), NodeHttpClient.layerUndici))))

  it.live("counts raw TCP connections, open and accepted", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      const a = yield* connect("127.0.0.1", server.port)
      const b = yield* connect("127.0.0.1", server.port)
      yield* Effect.sleep("20 millis")
      expect(yield* server.connections).toBe(2)
      expect(yield* server.openConnections).toBe(2)
      a.destroy()
      b.destroy()
      yield* Effect.sleep("50 millis")
      expect(yield* server.connections).toBe(2)
      expect(yield* server.openConnections).toBe(0)
    }).pipe(Effect.scoped))

  it.live("serve with a fixed port", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const first = yield* Effect.scoped(EmulatorServer.serve(emulator))
      const again = yield* Effect.scoped(
        Effect.map(EmulatorServer.serve(emulator, { port: first.port }), (server) => server.port)
      )
      expect(again).toBe(first.port)
    }))
})
