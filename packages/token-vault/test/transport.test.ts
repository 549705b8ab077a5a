import { TokenTransport } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Option } from "effect"

const request = (timeoutMillis: number): TokenTransport.TokenRequest => ({
  url: "https://tenant.auth0.com/oauth/token",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: "grant_type=x",
  maxResponseBytes: 1024,
  timeoutMillis
})

const answer = (status: number): TokenTransport.TokenResponse => ({ status, header: () => undefined, body: "" })

describe("TokenTransport.fromCallback", () => {
  it.live("the first outcome ends the request: its time limit no longer runs, and the request is not stopped", () =>
    Effect.gen(function*() {
      let stops = 0
      const response = yield* TokenTransport.fromCallback(request(30), (settle) => {
        settle(Effect.succeed(answer(200)))
        settle(Effect.succeed(answer(500)))
        return { responseReceived: () => true, stop: () => void stops++ }
      })
      expect(response.status).toBe(200)
      // Past the time limit: a timer left running would stop the finished request now.
      yield* Effect.sleep("80 millis")
      expect(stops).toBe(0)
    }))

  it.live("the time limit ends a request that never settles with TimedOut, and stops it", () =>
    Effect.gen(function*() {
      let stops = 0
      let received = false
      const failure = yield* Effect.flip(TokenTransport.fromCallback(request(30), () => {
        setTimeout(() => (received = true), 5)
        return { responseReceived: () => received, stop: () => void stops++ }
      }))
      expect(failure).toEqual({ _tag: "TimedOut", responseReceived: true })
      expect(stops).toBe(1)
    }))

  it.live("interruption stops the request", () =>
    Effect.gen(function*() {
      let stops = 0
      const fiber = yield* Effect.forkChild(TokenTransport.fromCallback(request(10_000), () => ({
        responseReceived: () => false,
        stop: () => void stops++
      })))
      yield* Effect.sleep("10 millis")
      yield* Fiber.interrupt(fiber)
      expect(Exit.hasInterrupts(yield* Fiber.await(fiber))).toBe(true)
      expect(stops).toBe(1)
    }))

  it.live("a start that throws ends in RequestFailed, not a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(TokenTransport.fromCallback(request(1000), () => {
        throw new TypeError("no network here")
      }))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(false)
      expect(Exit.findErrorOption(exit)).toEqual(
        Option.some({ _tag: "RequestFailed", responseReceived: false, detail: "request failed: no network here" })
      )
    }))
})
