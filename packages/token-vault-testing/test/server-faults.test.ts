/**
 * Transport faults on the loopback server: what undici, fetch and a raw socket see, and that
 * nothing outlives the client or the server's scope.
 */
import { EmulatorHttpClient, EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import * as Net from "node:net"
import { formBody, params, tenant, tokenRequest } from "./fixtures.js"

const exchange = (url: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    return yield* client.execute(
      HttpClientRequest.post(`${url}/oauth/token`).pipe(HttpClientRequest.bodyUrlParams(params()))
    )
  })

interface RawResult {
  readonly head: string
  readonly body: Buffer
  /** How the connection ended: the server closed it (FIN), reset it, or it was still open at the deadline. */
  readonly ending: "end" | "error" | "open"
  readonly error: string | undefined
}

/**
 * Sends one token request over a fresh TCP connection and collects what comes back until the
 * server ends the connection or `deadlineMillis` passes (then the socket is destroyed). With
 * `keepOpen`, the client's side stays open after the server's FIN until the scope closes.
 */
const rawExchange = (
  port: number,
  deadlineMillis: number,
  keepOpen?: { readonly sockets: Array<Net.Socket> }
): Effect.Effect<RawResult> =>
  Effect.callback<RawResult>((resume) => {
    const body = formBody()
    const socket = Net.connect({ host: "127.0.0.1", port, allowHalfOpen: keepOpen !== undefined })
    keepOpen?.sockets.push(socket)
    const chunks: Array<Buffer> = []
    let done = false
    const finish = (ending: RawResult["ending"], error?: string) => {
      if (done) return
      done = true
      clearTimeout(timer)
      if (keepOpen === undefined || ending === "open") socket.destroy()
      const data = Buffer.concat(chunks)
      const split = data.indexOf("\r\n\r\n")
      resume(Effect.succeed({
        head: split < 0 ? data.toString("latin1") : data.subarray(0, split).toString("latin1"),
        body: split < 0 ? Buffer.alloc(0) : data.subarray(split + 4),
        ending,
        error
      }))
    }
    const timer = setTimeout(() => finish("open"), deadlineMillis)
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    socket.on("end", () => finish("end"))
    socket.on("error", (error: NodeJS.ErrnoException) => finish("error", error.code ?? error.message))
    socket.write(
      `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    )
    return Effect.sync(() => finish("open"))
  })

const headerOf = (head: string, name: string): string | undefined => {
  const line = head.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}

/** Polls `check` every 10 ms, at most `attempts` times. */
const eventually = (check: Effect.Effect<boolean>, attempts = 100): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    for (let i = 0; i < attempts; i++) {
      if (yield* check) return true
      yield* Effect.sleep("10 millis")
    }
    return false
  })

const normalAnswer = Effect.flatMap(TokenVaultEmulator.make(tenant), (e) => e.handle(tokenRequest()))

const serverWith = (fault: Fault.Fault) =>
  Effect.gen(function*() {
    const emulator = yield* TokenVaultEmulator.make(tenant)
    yield* emulator.setFault(fault)
    const server = yield* EmulatorServer.serve(emulator)
    return server
  })

const clients = [
  { name: "undici", layer: NodeHttpClient.layerUndici },
  { name: "fetch", layer: FetchHttpClient.layer }
] as const

describe("transport faults on loopback", () => {
  for (const client of clients) {
    it.effect(`ResetBeforeHeaders: a transport error, no response (${client.name})`, () =>
      Effect.gen(function*() {
        const server = yield* serverWith(Fault.ResetBeforeHeaders())
        const result = yield* Effect.result(exchange(server.url))
        if (Result.isSuccess(result)) return expect.unreachable()
        expect(result.failure._tag).toBe("HttpClientError")
        expect(result.failure.reason._tag).toBe("TransportError")
        expect((yield* server.emulator.requests).length).toBeGreaterThanOrEqual(1)
      }).pipe(Effect.provide(client.layer)))

    it.effect(`ResetAfterHeaders and TruncatedJson: the head arrives, reading the body fails (${client.name})`, () =>
      Effect.gen(function*() {
        for (const fault of [Fault.ResetAfterHeaders(), Fault.TruncatedJson()]) {
          const server = yield* serverWith(fault)
          const response = yield* exchange(server.url)
          expect(response.status).toBe(200)
          const text = yield* Effect.result(response.text)
          expect(Result.isFailure(text) && text.failure.reason._tag).toBe("DecodeError")
        }
      }).pipe(Effect.provide(client.layer)))
  }

  it.effect("ResetBeforeHeaders resets the TCP connection before any byte", () =>
    Effect.gen(function*() {
      const server = yield* serverWith(Fault.ResetBeforeHeaders())
      const raw = yield* rawExchange(server.port, 2000)
      expect(raw.head).toBe("")
      expect(raw.ending).toBe("error")
      expect(raw.error).toBe("ECONNRESET")
    }))

  it.live("TruncatedJson: full content-length, half the JSON, then the server half-closes (FIN)", () =>
    Effect.gen(function*() {
      const normal = yield* normalAnswer
      const server = yield* serverWith(Fault.TruncatedJson())
      const keepOpen = { sockets: [] as Array<Net.Socket> }
      yield* Effect.addFinalizer(() => Effect.sync(() => keepOpen.sockets.forEach((socket) => socket.destroy())))
      const raw = yield* rawExchange(server.port, 2000, keepOpen)
      expect(raw.head).toMatch(/^HTTP\/1\.1 200 /)
      expect(headerOf(raw.head, "content-length")).toBe(String(Buffer.byteLength(normal.body)))
      expect(raw.body.toString("utf8")).toBe(normal.body.slice(0, Math.floor(normal.body.length / 2)))
      expect(raw.ending).toBe("end")
      // A clean close: the server waits for the client's side, it does not destroy the connection.
      yield* Effect.sleep("30 millis")
      expect(yield* server.openConnections).toBe(1)
      keepOpen.sockets.forEach((socket) => socket.end())
      expect(yield* eventually(Effect.map(server.openConnections, (open) => open === 0))).toBe(true)
    }))

  it.live("ResetAfterHeaders: full content-length, half the JSON, then the server resets the connection", () =>
    Effect.gen(function*() {
      const normal = yield* normalAnswer
      const server = yield* serverWith(Fault.ResetAfterHeaders())
      const keepOpen = { sockets: [] as Array<Net.Socket> }
      yield* Effect.addFinalizer(() => Effect.sync(() => keepOpen.sockets.forEach((socket) => socket.destroy())))
      const raw = yield* rawExchange(server.port, 2000, keepOpen)
      expect(headerOf(raw.head, "content-length")).toBe(String(Buffer.byteLength(normal.body)))
      expect(raw.body.toString("utf8")).toBe(normal.body.slice(0, Math.floor(normal.body.length / 2)))
      expect(raw.ending).not.toBe("open")
      // Whether the client reads ECONNRESET or EOF depends on whether the RST overtakes its read;
      // either way the server's side is gone at once, unlike TruncatedJson's half-close.
      if (raw.ending === "error") expect(raw.error).toBe("ECONNRESET")
      expect(yield* eventually(Effect.map(server.openConnections, (open) => open === 0), 20)).toBe(true)
    }))

  it.effect("StalledBody: the head arrives, the body never does, the connection stays open", () =>
    Effect.gen(function*() {
      const normal = yield* normalAnswer
      const server = yield* serverWith(Fault.StalledBody())
      const raw = yield* rawExchange(server.port, 300)
      expect(raw.head).toMatch(/^HTTP\/1\.1 200 /)
      expect(headerOf(raw.head, "content-length")).toBe(String(Buffer.byteLength(normal.body)))
      expect(raw.body.length).toBe(0)
      expect(raw.ending).toBe("open")
    }))

  it.live("StalledBody: a client timeout ends the exchange, and the server lets the connection go", () =>
    Effect.gen(function*() {
      const server = yield* serverWith(Fault.StalledBody())
      const response = yield* exchange(server.url)
      expect(response.status).toBe(200)
      const started = Date.now()
      const text = yield* Effect.result(Effect.timeout(response.text, "200 millis"))
      expect(Result.isFailure(text) && text.failure._tag).toBe("TimeoutError")
      expect(Date.now() - started).toBeLessThan(2000)
      expect(yield* eventually(Effect.map(server.openConnections, (open) => open === 0))).toBe(true)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("StalledBody and EndlessBody end when the server's scope closes", () =>
    Effect.gen(function*() {
      for (const fault of [Fault.StalledBody(), Fault.EndlessBody({ intervalMillis: 10 })]) {
        const emulator = yield* TokenVaultEmulator.make(tenant)
        yield* emulator.setFault(fault)
        const result = yield* Effect.scoped(
          Effect.gen(function*() {
            const server = yield* EmulatorServer.serve(emulator)
            // Reads for up to 10 s; the scope closes after 150 ms.
            return yield* Effect.forkChild(rawExchange(server.port, 10_000))
          }).pipe(Effect.tap(() => Effect.sleep("150 millis")))
        )
        const started = Date.now()
        const raw = yield* Fiber.join(result)
        expect(Date.now() - started).toBeLessThan(2000)
        expect(raw.head).toMatch(/^HTTP\/1\.1 200 /)
        expect(raw.ending).not.toBe("open")
      }
    }))

  it.live("EndlessBody trickles bytes and never ends", () =>
    Effect.gen(function*() {
      const server = yield* serverWith(Fault.EndlessBody({ intervalMillis: 20 }))
      const raw = yield* rawExchange(server.port, 300)
      expect(headerOf(raw.head, "content-length")).toBeUndefined()
      expect(headerOf(raw.head, "transfer-encoding")).toBe("chunked")
      expect(raw.ending).toBe("open")
      // Chunked framing around `{"access_token":"` and then one `x` per interval.
      const payload = raw.body.toString("latin1")
      expect(payload).toContain("{\"access_token\":\"")
      const xs = (payload.match(/\r\nx\r\n/g) ?? []).length
      expect(xs).toBeGreaterThanOrEqual(3)
      expect(xs).toBeLessThanOrEqual(20)
    }))

  it.live("EndlessBody: a client deadline ends it", () =>
    Effect.gen(function*() {
      const server = yield* serverWith(Fault.EndlessBody({ intervalMillis: 10 }))
      const response = yield* exchange(server.url)
      const text = yield* Effect.result(Effect.timeout(response.text, "150 millis"))
      expect(Result.isFailure(text) && text.failure._tag).toBe("TimeoutError")
      expect(yield* eventually(Effect.map(server.openConnections, (open) => open === 0))).toBe(true)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("OversizedBody streams exactly its size, with or without content-length", () =>
    Effect.gen(function*() {
      const server = yield* serverWith(Fault.OversizedBody())
      const response = yield* exchange(server.url)
      expect(response.headers["content-length"]).toBe(String(1024 * 1024))
      const size = yield* Stream.runFold(response.stream, () => 0, (total, chunk) => total + chunk.length)
      expect(size).toBe(1024 * 1024)

      yield* server.emulator.setFault(Fault.OversizedBody({ bytes: 200_000, contentLength: false }))
      const unannounced = yield* exchange(server.url)
      expect(unannounced.headers["content-length"]).toBeUndefined()
      expect(unannounced.headers["transfer-encoding"]).toBe("chunked")
      const body = JSON.parse(yield* unannounced.text) as Record<string, unknown>
      expect(body["access_token"]).toBe("ya29.oversized")
      expect(String(body["padding"]).length).toBeGreaterThan(190_000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("Latency delays the answer on the server", () =>
    Effect.gen(function*() {
      const server = yield* serverWith(Fault.Latency({ millis: 150, then: Fault.Html({ status: 502 }) }))
      const started = Date.now()
      const response = yield* exchange(server.url)
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
      expect(response.status).toBe(502)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("Latency on the server follows the caller's TestClock", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.EmulatorServer
      yield* TokenVaultEmulator.setFault(Fault.Latency({ millis: 30_000 }))
      const fiber = yield* Effect.forkChild(exchange(server.url))
      // Wait (live) until the request has arrived, then move the test clock.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("30 seconds")
      const response = yield* Fiber.join(fiber)
      expect(response.status).toBe(200)
    }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(tenant), NodeHttpClient.layerUndici))))

  it.live("429 once, then success, on loopback", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.EmulatorServer
      yield* TokenVaultEmulator.setFault(Fault.RateLimited({ retryAfter: 1 }), { times: 1 })
      expect((yield* exchange(server.url)).status).toBe(429)
      expect((yield* exchange(server.url)).status).toBe(200)
    }).pipe(Effect.provide(Layer.merge(EmulatorServer.layerTenant(tenant), NodeHttpClient.layerUndici))))

  it.live("Random picks the same faults on loopback as in memory, for the same seed", () =>
    Effect.gen(function*() {
      const fault = Fault.Random({
        rate: 0.5,
        seed: 2024,
        faults: [Fault.ServerError({ status: 503 }), Fault.ResetBeforeHeaders(), Fault.RateLimited()]
      })
      const outcomes = (client: HttpClient.HttpClient, url: string) =>
        Effect.gen(function*() {
          const seen: Array<string> = []
          for (let i = 0; i < 16; i++) {
            const result = yield* Effect.result(
              client.execute(
                HttpClientRequest.post(`${url}/oauth/token`).pipe(HttpClientRequest.bodyUrlParams(params()))
              )
            )
            seen.push(Result.isFailure(result) ? "reset" : String(result.success.status))
            if (Result.isSuccess(result)) yield* Effect.ignore(result.success.text)
          }
          return seen
        })

      const inMemory = yield* Effect.gen(function*() {
        const emulator = yield* TokenVaultEmulator.make(tenant)
        yield* emulator.setFault(fault)
        return yield* outcomes(EmulatorHttpClient.make(emulator), emulator.origin)
      })
      const onLoopback = yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* serverWith(fault)
        const client = yield* HttpClient.HttpClient
        return yield* outcomes(client, server.url)
      })).pipe(Effect.provide(NodeHttpClient.layerUndici))
      expect(onLoopback).toStrictEqual(inMemory)
      expect(new Set(inMemory)).toStrictEqual(new Set(["200", "503", "reset", "429"]))
    }))
})
