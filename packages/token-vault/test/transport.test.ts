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

describe("TokenTransport.requestFailed", () => {
  it("says whether the head had arrived, then the error's code and message", () => {
    const refused = Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" })
    expect(TokenTransport.requestFailed(refused, false)).toEqual({
      _tag: "RequestFailed",
      responseReceived: false,
      detail: "request failed: ECONNREFUSED: connect refused"
    })
    expect(TokenTransport.requestFailed(refused, true)).toEqual({
      _tag: "RequestFailed",
      responseReceived: true,
      detail: "the response body could not be read: ECONNREFUSED: connect refused"
    })
  })

  it("follows the causes (fetch's), and an AggregateError's first error (Node's connect to every address)", () => {
    const reset = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })
    const failure = TokenTransport.requestFailed(new TypeError("fetch failed", { cause: reset }), false)
    expect(failure).toMatchObject({ detail: "request failed: fetch failed: UND_ERR_SOCKET: other side closed" })
    const everyAddress = new AggregateError([
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })
    ])
    expect(TokenTransport.requestFailed(everyAddress, false)).toMatchObject({
      detail: expect.stringContaining("ECONNREFUSED")
    })
  })

  it("ends on any value: a string, nothing, a cause that points back at itself", () => {
    expect(TokenTransport.requestFailed("socket hang up", false)).toMatchObject({
      detail: "request failed: socket hang up"
    })
    expect(TokenTransport.requestFailed(undefined, false)).toMatchObject({ detail: "request failed: unknown error" })
    const cyclic: Error & { cause?: unknown } = new Error("loop")
    cyclic.cause = cyclic
    expect(TokenTransport.requestFailed(cyclic, false)).toMatchObject({ detail: "request failed: loop" })
  })
})

describe("TokenTransport.makeBodyReader", () => {
  const headers = (entries: Record<string, string>) => (name: string) => entries[name]
  const bytes = (text: string) => new TextEncoder().encode(text)

  it("refuses a body whose content-length is over the limit before a byte is read", () => {
    expect(TokenTransport.makeBodyReader(1024, headers({ "content-length": "1025" }))).toBeUndefined()
    expect(TokenTransport.makeBodyReader(1024, headers({ "content-length": "1024" }))).toBeDefined()
  })

  it("ignores the content-length of an encoded body: the decoded one is counted as it is read", () => {
    const reader = TokenTransport.makeBodyReader(8, headers({ "content-length": "100000", "content-encoding": "gzip" }))
    expect(reader).toBeDefined()
    expect(reader!.push(bytes("12345678"))).toBe(true)
    expect(reader!.push(bytes("9"))).toBe(false)
  })

  it("stops at the limit, and joins the chunks as UTF-8 even when a character is split between them", () => {
    const reader = TokenTransport.makeBodyReader(10, headers({}))!
    const euro = bytes("€") // three bytes
    expect(reader.push(bytes("{\"a\":\""))).toBe(true)
    expect(reader.push(euro.slice(0, 1))).toBe(true)
    expect(reader.push(euro.slice(1))).toBe(true)
    expect(reader.text()).toBe("{\"a\":\"€")
    expect(reader.push(bytes("\"}"))).toBe(false)
  })
})
