import {
  FetchTokenTransport,
  TokenTransport,
  TokenVault,
  type TokenVaultError,
  type TokenVaultOptions
} from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Option, Redacted, References, Schedule } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { recordingLogger } from "./utils/recorders.js"

const clientSecret = "fault-test-secret-6c1e"
const subjects = Array.from({ length: 1000 }, (_, i) => `fault-subject-${i}-q8v`)

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "faults.test",
  clients: [{ clientId: "app", clientSecret }],
  users: [{
    userId: "auth0|many",
    accessTokens: subjects,
    connections: { github: [{ accessToken: "gho_fault_issued_token", scope: "repo" }] }
  }]
}

type Http =
  | Layer.Layer<HttpClient.HttpClient, TokenVaultError.InvalidConfigurationError>
  | Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport, TokenVaultError.InvalidConfigurationError>

/**
 * The ways token requests reach the loopback emulator: `@effect/platform-node`'s `HttpClient` (the
 * path of any `HttpClient`), the `TokenTransport` the Node adapter provides next to its client
 * (undici's `request()`), and the one of `FetchTokenTransport.layer` (the global `fetch`).
 */
const transports: ReadonlyArray<readonly [string, Http, boolean]> = [
  ["@effect/platform-node's HttpClient", NodeHttpClient.layerUndici, false],
  ["NodeTokenVault's TokenTransport", NodeTokenVault.layerHttpClient(), true],
  [
    "FetchTokenTransport.layer (Node's global fetch)",
    Layer.merge(FetchTokenTransport.layer(), FetchHttpClient.layer),
    true
  ]
]

/** A vault over `http` pointed at `domain`. */
const vaultOver =
  (http: Http, direct: boolean) => (domain: string, options: Partial<TokenVaultOptions.TokenVaultOptions> = {}) =>
    Effect.gen(function*() {
      // Either an HttpClient alone or one with a TokenTransport next to it.
      const built = (yield* Layer.build(http)) as Context.Context<HttpClient.HttpClient | TokenTransport.TokenTransport>
      // Make sure each run takes the path it is named after.
      expect(Option.isSome(Context.getOption(built, TokenTransport.TokenTransport))).toBe(direct)
      return yield* TokenVault.make({
        domain,
        clientId: "app",
        clientSecret: Redacted.make(clientSecret),
        cache: false,
        ...options
      }).pipe(Effect.provide(built))
    })

/** An emulator on loopback with a fault, and a vault over `http` pointed at it. */
const setupOver =
  (http: Http, direct: boolean) => (fault: Fault.Fault, options: Partial<TokenVaultOptions.TokenVaultOptions> = {}) =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      yield* emulator.setFault(fault)
      const vault = yield* vaultOver(http, direct)(server.url, options)
      return { emulator, server, vault }
    })

const MiB = 1024 * 1024

/**
 * A loopback server that answers every request with a 200 JSON head without `content-length`,
 * then a body written 16 KiB at a time as fast as the socket drains, never ended: it stops
 * writing when the client closes the connection, or after 256 MiB (then stalls). `written` counts
 * the body bytes handed to the socket, `closed` the connections that closed with a request on
 * them (undici may open a spare one). Only a client that stops reading once past its limit gets
 * an answer before its time limit.
 */
const floodServer = Effect.acquireRelease(
  Effect.callback<
    { readonly url: string; readonly stats: { written: number; closed: number }; readonly close: () => void }
  >(
    (resume) => {
      const stats = { written: 0, closed: 0 }
      const sockets = new Set<Socket>()
      const chunk = Buffer.alloc(16 * 1024, " ")
      const server = Http.createServer((req, res) => {
        res.once("close", () => stats.closed++)
        req.resume()
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json" })
          res.write("{")
          const pump = () => {
            while (!res.destroyed && stats.written < 256 * MiB) {
              stats.written += chunk.length
              if (!res.write(chunk)) return void res.once("drain", pump)
            }
          }
          pump()
        })
      })
      server.on("connection", (socket: Socket) => {
        sockets.add(socket)
        socket.once("close", () => sockets.delete(socket))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          stats,
          close: () => {
            server.close()
            for (const socket of sockets) socket.destroy()
          }
        }))
      })
    }
  ),
  (flood) => Effect.sync(flood.close)
)

describe.each(transports)("fault injection over %s", (_, http, direct) => {
  const setup = setupOver(http, direct)
  const vaultFor = vaultOver(http, direct)

  it.live(
    "with 20 % random transient faults and default retries, 1 000 exchanges all succeed",
    () =>
      Effect.gen(function*() {
        const logs = recordingLogger()
        const { emulator, vault } = yield* setup(
          Fault.Random({
            rate: 0.2,
            seed: 20261125,
            faults: [
              Fault.ResetBeforeHeaders(),
              Fault.ServerError({ status: 502 }),
              Fault.ServerError({ status: 503 }),
              Fault.ServerError({ status: 504 }),
              Fault.RateLimited({ retryAfter: 1 }),
              Fault.Latency({ millis: 20 })
            ]
          })
        )
        const results = yield* Effect.forEach(
          subjects,
          (accessToken) =>
            vault.getAccessTokenForConnection({ connection: "github", accessToken }).pipe(
              Effect.tap((tokenSet) => Effect.logDebug("exchanged", tokenSet)),
              Effect.tapCause((cause) => Effect.logError("failed", cause))
            ),
          { concurrency: 50 }
        ).pipe(
          Effect.timeout("60 seconds"),
          Effect.provideService(References.MinimumLogLevel, "All"),
          Effect.provide(logs.logger)
        )
        expect(results).toHaveLength(1000)
        expect(results.every((tokenSet) => Redacted.value(tokenSet.accessToken) === "gho_fault_issued_token")).toBe(
          true
        )
        const requests = yield* emulator.requests
        const faulted = requests.filter((request) =>
          request.fault !== undefined && request.fault._tag !== "Latency"
        ).length
        expect(faulted).toBeGreaterThan(100)
        expect(requests.length).toBe(1000 + faulted)
        // Every exchange (and whatever the library logs at any level) was recorded, as logfmt and as JSON.
        const exchanged = (form: RegExp) => logs.lines.filter((line) => form.test(line) && line.includes("exchanged"))
        expect(exchanged(/^timestamp=/).length).toBeGreaterThanOrEqual(1000)
        expect(exchanged(/^\{/).length).toBeGreaterThanOrEqual(1000)
        const logged = logs.text()
        for (const secret of [clientSecret, "gho_fault_issued_token", /fault-subject-\d+-q8v/]) {
          expect(logged).not.toMatch(secret)
        }
      }).pipe(Effect.scoped),
    { timeout: 90_000 }
  )

  it.live.each(
    [
      ["a reset before the headers", "TransportError", Fault.ResetBeforeHeaders(), false],
      ["a reset after the headers", "TransportError", Fault.ResetAfterHeaders(), true],
      ["truncated JSON", "TransportError", Fault.TruncatedJson(), true],
      ["a stalled body", "TransportError", Fault.StalledBody(), true],
      ["an endless body", "TransportError", Fault.EndlessBody({ intervalMillis: 50 }), true],
      ["an oversized body", "UnexpectedResponseError", Fault.OversizedBody(), undefined],
      [
        "an oversized body without content-length",
        "UnexpectedResponseError",
        Fault.OversizedBody({ contentLength: false }),
        undefined
      ],
      ["a server that never answers", "TransportError", Fault.Latency({ millis: 60_000 }), false],
      ["a 500", "UnexpectedResponseError", Fault.ServerError({ status: 500 }), undefined],
      ["a 502", "UnexpectedResponseError", Fault.ServerError({ status: 502 }), undefined],
      ["a 503", "UnexpectedResponseError", Fault.ServerError({ status: 503 }), undefined],
      ["a 504", "UnexpectedResponseError", Fault.ServerError({ status: 504 }), undefined],
      ["a 429", "RateLimitError", Fault.RateLimited({ retryAfter: 1 }), undefined]
    ] as const
  )("with retries off, %s is a %s", ([_, tag, fault, responseReceived]) =>
    Effect.gen(function*() {
      const { vault } = yield* setup(fault, { retry: false, timeout: { attempt: "300 millis" } })
      const error = yield* Effect.flip(
        vault.getAccessTokenForConnection({ connection: "github", accessToken: subjects[0]! })
      )
      expect(error._tag, error.message).toBe(tag)
      if (responseReceived !== undefined) {
        expect((error as TokenVaultError.TransportError).responseReceived).toBe(responseReceived)
      }
      if (error._tag === "RateLimitError") {
        // The headers reach the classifier through every transport.
        expect(error.retryAfter).toBe(1)
      }
      if (fault._tag === "ServerError") {
        expect(error).toMatchObject({
          status: fault.status,
          description: `status ${fault.status} with a body that is not JSON`
        })
      }
    }).pipe(Effect.scoped), { timeout: 20_000 })

  it.live(
    "a body over the limit is dropped unread: the connection is closed once past the limit",
    () =>
      Effect.gen(function*() {
        const flood = yield* floodServer
        // A transport that read the whole body before checking its size would end at this time limit.
        const vault = yield* vaultFor(flood.url, { retry: false, timeout: { attempt: "5 seconds" } })
        const error = yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: subjects[0]! })
        )
        expect(error, error.message).toMatchObject({
          _tag: "UnexpectedResponseError",
          status: 200,
          description: "the body is larger than the limit of 65536 bytes"
        })
        yield* Effect.retry(
          Effect.filterOrFail(Effect.sync(() => flood.stats.closed), (closed) => closed === 1),
          Schedule.spaced("10 millis").pipe(Schedule.upTo({ duration: "5 seconds" }))
        ).pipe(Effect.ignore)
        expect(flood.stats.closed).toBe(1)
        // Loopback and socket buffers hold a few MiB at most; the rest was never sent.
        expect(flood.stats.written).toBeLessThan(16 * MiB)
      }).pipe(Effect.scoped),
    { timeout: 20_000 }
  )

  it.live("time limits longer than a timer can hold do not fire at once", () =>
    Effect.gen(function*() {
      // 30 days is over the 2^31 - 1 ms a timer takes; Node would fire such a timer after 1 ms.
      const { vault } = yield* setup(Fault.Latency({ millis: 50 }), {
        retry: false,
        timeout: { attempt: "30 days", total: "60 days" }
      })
      const tokenSet = yield* vault.getAccessTokenForConnection({ connection: "github", accessToken: subjects[0]! })
      expect(Redacted.value(tokenSet.accessToken)).toBe("gho_fault_issued_token")
    }).pipe(Effect.scoped), { timeout: 20_000 })

  it.live("interrupting a call aborts its request: the connection is closed", () =>
    Effect.gen(function*() {
      const { emulator, server, vault } = yield* setup(Fault.StalledBody())
      const call = yield* Effect.forkChild(
        vault.getAccessTokenForConnection({ connection: "github", accessToken: subjects[0]! })
      )
      yield* Effect.retry(
        Effect.filterOrFail(emulator.requests, (requests) => requests.length === 1),
        Schedule.spaced("10 millis").pipe(Schedule.upTo({ duration: "5 seconds" }))
      )
      expect(yield* server.openConnections).toBe(1)
      yield* Fiber.interrupt(call)
      yield* Effect.retry(
        Effect.filterOrFail(server.openConnections, (open) => open === 0),
        Schedule.spaced("10 millis").pipe(Schedule.upTo({ duration: "5 seconds" }))
      )
      expect(yield* server.openConnections).toBe(0)
    }).pipe(Effect.scoped), { timeout: 20_000 })
})
