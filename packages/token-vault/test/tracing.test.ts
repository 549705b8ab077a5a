import type { TokenVaultOptions } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { recordingTracer } from "./utils/recorders.js"
import { jsonAnswer, type Script } from "./utils/stubHttpClient.js"
import { forkAll, github, settle, vaultOver } from "./utils/vault.js"

const success = jsonAnswer(200, { access_token: "federated", expires_in: 3600 })

/** A vault over a stub answering with `script`, its calls traced by a recording tracer. */
const tracedVault = (script: Script, options: Partial<TokenVaultOptions.TokenVaultOptions> = {}) =>
  Effect.gen(function*() {
    const tracer = recordingTracer()
    const { seen, vault } = yield* vaultOver(script, options)
    const call = Effect.withTracer(vault.getAccessTokenForConnection(github), tracer.tracer)
    return { call, requests: seen, spans: tracer.spans }
  })

describe("tracing", () => {
  it.effect("a call that joins an exchange in flight has its call span, and the exchange one attempt span", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { call, requests, spans } = yield* tracedVault(() => Effect.as(Deferred.await(gate), success))
      const calls = yield* forkAll([call, call])
      yield* settle
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.joinAll(calls)
      const names = spans.map((span) => span.name)
      expect(names.filter((name) => name === "TokenVault.getAccessTokenForConnection")).toHaveLength(2)
      expect(names.filter((name) => name === "TokenVault.attempt")).toHaveLength(1)
      expect((yield* requests).length).toBe(1)
    }))

  it.effect("each retry is an event on the call span, naming the attempt and what failed before it", () =>
    Effect.gen(function*() {
      const { call, spans } = yield* tracedVault(
        (index) => Effect.succeed(index === 0 ? { status: 503, body: "busy" } : index === 1 ? "refuse" : success),
        { retry: { baseDelay: "100 millis", maxDelay: "100 millis" } }
      )
      const fiber = yield* Effect.forkChild(call)
      for (let retry = 0; retry < 2; retry++) yield* Effect.andThen(settle, TestClock.adjust("100 millis"))
      yield* Fiber.join(fiber)
      const callSpan = spans.find((span) => span.name === "TokenVault.getAccessTokenForConnection")!
      expect(callSpan.events.map((event) => [event.name, event.attributes])).toEqual([
        ["TokenVault.retry", { "auth0.attempt": 2, "error.type": "UnexpectedResponseError" }],
        ["TokenVault.retry", { "auth0.attempt": 3, "error.type": "TransportError" }]
      ])
      expect(spans.filter((span) => span.name === "TokenVault.attempt")).toHaveLength(3)
    }))

  it.effect("a 429 retried after its Retry-After is one event naming RateLimitError; a call without retries has none", () =>
    Effect.gen(function*() {
      const rateLimited = jsonAnswer(429, { error: "too_many_requests" }, { "retry-after": "1" })
      const retried = yield* tracedVault((index) => Effect.succeed(index === 0 ? rateLimited : success))
      const fiber = yield* Effect.forkChild(retried.call)
      yield* Effect.andThen(settle, TestClock.adjust("1 second"))
      yield* Fiber.join(fiber)
      const events = (
        spans: ReadonlyArray<
          {
            readonly name: string
            readonly events: ReadonlyArray<{ readonly name: string; readonly attributes: unknown }>
          }
        >
      ) =>
        spans.filter((span) => span.name === "TokenVault.getAccessTokenForConnection").flatMap((span) =>
          span.events.map((event) => [event.name, event.attributes])
        )
      expect(events(retried.spans)).toEqual([["TokenVault.retry", {
        "auth0.attempt": 2,
        "error.type": "RateLimitError"
      }]])
      expect(yield* retried.requests).toHaveLength(2)
      const first = yield* tracedVault(() => Effect.succeed(success))
      yield* first.call
      expect(first.spans.map((span) => span.name)).toContain("TokenVault.getAccessTokenForConnection")
      expect(events(first.spans)).toEqual([])
      const refused = yield* tracedVault(() => Effect.succeed("refuse" as const), { retry: false })
      yield* Effect.flip(refused.call)
      expect(events(refused.spans)).toEqual([])
    }))
})
