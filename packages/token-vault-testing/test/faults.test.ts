/**
 * Fault modes in the emulator and through the in-memory client: `times`, seeded `Random`, and
 * the transport faults as an Effect `HttpClient` sees them, with `TestClock` driving time.
 */
import { EmulatorHttpClient, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import { DOMAIN, params, tenant, tokenRequest } from "./fixtures.js"

const TOKEN_URL = `https://${DOMAIN}/oauth/token`

const exchange = Effect.gen(function*() {
  const client = yield* HttpClient.HttpClient
  return yield* client.execute(HttpClientRequest.post(TOKEN_URL).pipe(HttpClientRequest.bodyUrlParams(params())))
})

/** The bytes of a body up to where it fails, and how it ended. */
const readUntilFailure = (stream: Stream.Stream<Uint8Array, unknown>) =>
  Effect.gen(function*() {
    const chunks: Array<Uint8Array> = []
    const result = yield* Effect.result(Stream.runForEach(stream, (chunk) => Effect.sync(() => chunks.push(chunk))))
    return {
      text: new TextDecoder().decode(Buffer.concat(chunks)),
      failure: Result.isFailure(result) ? result.failure : undefined
    }
  })

const normalAnswer = Effect.flatMap(TokenVaultEmulator.make(tenant), (e) => e.handle(tokenRequest()))

const dieMessage = <A, E>(
  exit: Exit.Exit<A, E>
): string => (Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "succeeded")

describe("setFault with times", () => {
  it.effect("429 once, then the normal answer again", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(Fault.RateLimited({ retryAfter: 1 }), { times: 1 })
      expect(yield* e.fault).toStrictEqual(Fault.RateLimited({ retryAfter: 1 }))
      expect((yield* e.handle(tokenRequest())).status).toBe(429)
      expect(yield* e.fault).toBeUndefined()
      expect((yield* e.handle(tokenRequest())).status).toBe(200)
      const recorded = yield* e.requests
      expect(recorded.map((r) => r.fault?._tag)).toStrictEqual(["RateLimited", undefined])
    }))

  it.effect("counts every request, and times: 0 or undefined clears", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(Fault.ServerError({ status: 503 }), { times: 3 })
      const statuses: Array<number> = []
      for (let i = 0; i < 5; i++) statuses.push((yield* e.handle(tokenRequest())).status)
      expect(statuses).toStrictEqual([503, 503, 503, 200, 200])
      yield* e.setFault(Fault.ServerError(), { times: 0 })
      expect((yield* e.handle(tokenRequest())).status).toBe(200)
      yield* TokenVaultEmulator.setFault(Fault.ServerError(), { times: 2 }).pipe(
        Effect.provideService(TokenVaultEmulator.TokenVaultEmulator, e)
      )
      yield* e.setFault(undefined)
      expect((yield* e.handle(tokenRequest())).status).toBe(200)
    }))

  it.effect("without times, the fault stays", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(Fault.ServerError())
      for (let i = 0; i < 3; i++) expect((yield* e.handle(tokenRequest())).status).toBe(500)
      expect(yield* e.fault).toStrictEqual(Fault.ServerError())
    }))

  it.effect("a times that is not an integer >= 0, or a fault that cannot work, is a defect", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(tenant)
      expect(dieMessage(yield* Effect.exit(e.setFault(Fault.ServerError(), { times: -1 })))).toContain("times")
      expect(dieMessage(yield* Effect.exit(e.setFault(Fault.ServerError(), { times: 1.5 })))).toContain("times")
      const bad = [
        [Fault.Latency({ millis: -1 }), "Latency.millis"],
        [Fault.Random({ rate: 1.5, seed: 1, faults: [Fault.ServerError()] }), "Random.rate"],
        [Fault.Random({ rate: 0.5, seed: 1, faults: [] }), "Random.faults"],
        [Fault.Random({ rate: 0.5, seed: 1, faults: [Fault.EndlessBody({ intervalMillis: 0 })] }), "EndlessBody"],
        [Fault.OversizedBody({ bytes: -5 }), "OversizedBody.bytes"]
      ] as const
      for (const [fault, message] of bad) {
        expect(dieMessage(yield* Effect.exit(e.setFault(fault)))).toContain(message)
      }
      expect(yield* e.fault).toBeUndefined()
    }))
})

describe("Fault.Random", () => {
  const faults = [Fault.ServerError({ status: 503 }), Fault.RateLimited(), Fault.Html({ status: 502 })]

  const statusesFor = (fault: Fault.Fault, n: number) =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(fault)
      const statuses: Array<number> = []
      for (let i = 0; i < n; i++) statuses.push((yield* e.handle(tokenRequest())).status)
      return { statuses, recorded: yield* e.requests }
    })

  it.effect("is deterministic for a seed, and differs across seeds", () =>
    Effect.gen(function*() {
      const fault = Fault.Random({ rate: 0.5, seed: 42, faults })
      const a = yield* statusesFor(fault, 40)
      const b = yield* statusesFor(fault, 40)
      expect(a.statuses).toStrictEqual(b.statuses)
      const other = yield* statusesFor(Fault.Random({ rate: 0.5, seed: 43, faults }), 40)
      expect(other.statuses).not.toStrictEqual(a.statuses)
      // Setting the fault again restarts the sequence.
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(fault)
      const first = (yield* e.handle(tokenRequest())).status
      yield* e.setFault(fault)
      expect((yield* e.handle(tokenRequest())).status).toBe(first)
    }))

  it.effect("injects at about its rate, uses every fault, and records the one it chose", () =>
    Effect.gen(function*() {
      const { statuses, recorded } = yield* statusesFor(Fault.Random({ rate: 0.3, seed: 7, faults }), 400)
      const injected = statuses.filter((status) => status !== 200).length
      expect(injected).toBeGreaterThan(80)
      expect(injected).toBeLessThan(160)
      expect(new Set(statuses)).toStrictEqual(new Set([200, 503, 429, 502]))
      for (const [i, request] of recorded.entries()) {
        const expected = statuses[i] === 200 ? undefined : statuses[i]
        const recordedStatus = request.fault === undefined
          ? undefined
          : Fault.$match(request.fault, {
            ServerError: (f) => f.status,
            Html: (f) => f.status,
            RateLimited: () => 429,
            Custom: (f) => f.status,
            NonJson: (f) => f.status,
            WrongTypes: (f) => f.status,
            EmptyBody: (f) => f.status,
            Latency: () => -1,
            ResetBeforeHeaders: () => -1,
            ResetAfterHeaders: () => -1,
            TruncatedJson: () => -1,
            StalledBody: () => -1,
            EndlessBody: () => -1,
            OversizedBody: () => -1,
            Random: () => -1
          })
        expect(recordedStatus).toBe(expected)
      }
    }))

  it.effect("rate 0 never injects, rate 1 always does", () =>
    Effect.gen(function*() {
      expect(new Set((yield* statusesFor(Fault.Random({ rate: 0, seed: 1, faults }), 50)).statuses)).toStrictEqual(
        new Set([200])
      )
      expect((yield* statusesFor(Fault.Random({ rate: 1, seed: 1, faults }), 50)).statuses).not.toContain(200)
    }))

  it.effect("combines with times and with Latency", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(Fault.Random({ rate: 1, seed: 3, faults: [Fault.ServerError()] }), { times: 2 })
      const statuses: Array<number> = []
      for (let i = 0; i < 3; i++) statuses.push((yield* e.handle(tokenRequest())).status)
      expect(statuses).toStrictEqual([500, 500, 200])

      yield* e.setFault(
        Fault.Latency({ millis: 100, then: Fault.Random({ rate: 1, seed: 3, faults: [Fault.NonJson()] }) })
      )
      const fiber = yield* Effect.forkChild(e.handle(tokenRequest()))
      yield* TestClock.adjust("100 millis")
      const slow = yield* Fiber.join(fiber)
      expect(slow.headers["content-type"]).toMatch(/^text\/plain/)
      const last = (yield* e.requests).at(-1)
      expect(last?.fault).toStrictEqual(Fault.Latency({ millis: 100, then: Fault.NonJson() }))
    }))
})

describe("transport faults", () => {
  it.effect("handle dies for a transport fault (use dispatch or a transport)", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(Fault.ResetBeforeHeaders())
      expect(dieMessage(yield* Effect.exit(e.handle(tokenRequest())))).toContain("ResetConnection")
      expect((yield* e.dispatch(tokenRequest()))._tag).toBe("ResetConnection")
    }))

  it.effect("dispatch describes streamed answers", () =>
    Effect.gen(function*() {
      const normal = yield* normalAnswer
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* e.setFault(Fault.TruncatedJson())
      const outcome = yield* e.dispatch(tokenRequest())
      if (outcome._tag !== "StreamResponse") return expect.unreachable()
      expect(outcome.end).toBe("Close")
      expect(outcome.status).toBe(200)
      expect(outcome.headers["content-length"]).toBe(String(Buffer.byteLength(normal.body)))
      const sent = new TextDecoder().decode(Buffer.concat(yield* Stream.runCollect(outcome.body)))
      expect(sent).toBe(normal.body.slice(0, Math.floor(normal.body.length / 2)))
    }))
})

describe("transport faults through the in-memory client", () => {
  const provide = Effect.provide(EmulatorHttpClient.layerTenant(tenant))

  it.effect("Latency waits on the Clock, then answers normally or with its then", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.Latency({ millis: 1000 }))
      const fiber = yield* Effect.forkChild(exchange)
      yield* TestClock.adjust("999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      // Recorded on arrival, before the wait.
      expect((yield* TokenVaultEmulator.requests).length).toBe(1)
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      expect(response.status).toBe(200)
      expect(yield* response.json).toMatchObject({ access_token: "ya29.alice-personal" })

      yield* TokenVaultEmulator.setFault(Fault.Latency({ millis: 500, then: Fault.ServerError({ status: 504 }) }))
      const slowError = yield* Effect.forkChild(exchange)
      yield* TestClock.adjust("500 millis")
      const gateway = yield* Fiber.join(slowError)
      expect(gateway.status).toBe(504)
      expect(yield* gateway.text).toContain("504 Gateway Timeout")
    }).pipe(provide))

  it.effect("a client timeout interrupts the latency", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.Latency({ millis: 60_000 }))
      const fiber = yield* Effect.forkChild(Effect.timeout(exchange, "2 seconds"))
      yield* TestClock.adjust("2 seconds")
      const result = yield* Effect.result(Fiber.join(fiber))
      expect(Result.isFailure(result) && result.failure._tag).toBe("TimeoutError")
    }).pipe(provide))

  it.effect("ResetBeforeHeaders fails the request with a transport error", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.ResetBeforeHeaders())
      const result = yield* Effect.result(exchange)
      if (Result.isSuccess(result)) return expect.unreachable()
      expect(result.failure._tag).toBe("HttpClientError")
      expect(result.failure.reason._tag).toBe("TransportError")
      expect(result.failure.message).toContain("ECONNRESET")
      expect((yield* TokenVaultEmulator.requests).length).toBe(1)
    }).pipe(provide))

  for (
    const [name, fault, error] of [
      ["ResetAfterHeaders", Fault.ResetAfterHeaders(), "ECONNRESET"],
      ["TruncatedJson", Fault.TruncatedJson(), "other side closed"]
    ] as const
  ) {
    it.effect(`${name}: the head arrives with the full content-length, the body fails half way`, () =>
      Effect.gen(function*() {
        const normal = yield* normalAnswer
        yield* TokenVaultEmulator.setFault(fault)
        const response = yield* exchange
        expect(response.status).toBe(200)
        expect(response.headers["content-type"]).toBe("application/json; charset=utf-8")
        expect(response.headers["content-length"]).toBe(String(Buffer.byteLength(normal.body)))
        const read = yield* readUntilFailure(response.stream)
        expect(read.text).toBe(normal.body.slice(0, Math.floor(normal.body.length / 2)))
        expect(() => JSON.parse(read.text)).toThrow()
        expect(read.failure).toMatchObject({ _tag: "HttpClientError", reason: { _tag: "DecodeError" } })
        expect(String((read.failure as { cause?: unknown }).cause)).toContain(error)

        const again = yield* exchange
        const text = yield* Effect.result(again.text)
        expect(Result.isFailure(text) && text.failure.reason._tag).toBe("DecodeError")
      }).pipe(provide))
  }

  it.effect("StalledBody: the head arrives, the body never does, until the reader gives up", () =>
    Effect.gen(function*() {
      const normal = yield* normalAnswer
      yield* TokenVaultEmulator.setFault(Fault.StalledBody())
      const response = yield* exchange
      expect(response.status).toBe(200)
      expect(response.headers["content-length"]).toBe(String(Buffer.byteLength(normal.body)))
      const reading = yield* Effect.forkChild(Effect.timeout(response.text, "10 seconds"))
      yield* TestClock.adjust("9 seconds")
      expect(reading.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      const result = yield* Effect.result(Fiber.join(reading))
      expect(Result.isFailure(result) && result.failure._tag).toBe("TimeoutError")
    }).pipe(provide))

  it.effect("EndlessBody trickles a byte per interval on the Clock and never ends", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.EndlessBody({ intervalMillis: 100 }))
      const response = yield* exchange
      expect(response.status).toBe(200)
      expect(response.headers["content-length"]).toBeUndefined()
      const taking = yield* Effect.forkChild(
        response.stream.pipe(Stream.take(4), Stream.decodeText(), Stream.mkString)
      )
      const other = yield* exchange
      const firstBytes = yield* Effect.forkChild(Effect.timeout(other.text, "1 second"))
      yield* TestClock.adjust("250 millis")
      expect(taking.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("50 millis")
      expect(yield* Fiber.join(taking)).toBe("{\"access_token\":\"xxx")
      yield* TestClock.adjust("1 second")
      const whole = yield* Effect.result(Fiber.join(firstBytes))
      expect(Result.isFailure(whole) && whole.failure._tag).toBe("TimeoutError")
    }).pipe(provide))

  it.effect("OversizedBody streams exactly its size of valid JSON, announced or not", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.OversizedBody())
      const announced = yield* exchange
      expect(announced.headers["content-length"]).toBe(String(1024 * 1024))
      let chunks = 0
      let size = 0
      const parts: Array<Uint8Array> = []
      yield* Stream.runForEach(announced.stream, (chunk) =>
        Effect.sync(() => {
          chunks++
          size += chunk.length
          parts.push(chunk)
        }))
      expect(size).toBe(1024 * 1024)
      expect(chunks).toBeGreaterThan(10)
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<string, unknown>
      expect(body).toMatchObject({ access_token: "ya29.oversized", token_type: "Bearer", expires_in: 3600 })

      yield* TokenVaultEmulator.setFault(Fault.OversizedBody({ bytes: 300_000, contentLength: false }))
      const unannounced = yield* exchange
      expect(unannounced.headers["content-length"]).toBeUndefined()
      expect(Buffer.byteLength(yield* unannounced.text)).toBe(300_000)

      yield* TokenVaultEmulator.setFault(Fault.OversizedBody({ bytes: 20 }))
      const tiny = yield* exchange
      expect(yield* tiny.text).toBe("{\"access_token\":\"ya2")
    }).pipe(provide))

  it.effect("the fault clears after times, for transport faults too", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setFault(Fault.ResetBeforeHeaders(), { times: 1 })
      expect(Result.isFailure(yield* Effect.result(exchange))).toBe(true)
      expect((yield* exchange).status).toBe(200)
    }).pipe(provide))
})
