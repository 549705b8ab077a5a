import { TokenVault } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Option, Redacted } from "effect"
import { HttpClient, type HttpClientRequest, HttpClientResponse } from "effect/http"

/**
 * A fiber yields to the scheduler after a fixed number of operations (2 048 by default), and an
 * interruption can only land when it does. These tests pad a call with 0 to 2 100 operations so
 * that, at one padding or another, the yield falls at every step of the call's way into the
 * coalescer, then interrupt it or end the exchange at that point.
 */
const paddings = Array.from({ length: 2_100 }, (_, i) => i)

const padded = <A, E, R>(operations: number, effect: Effect.Effect<A, E, R>) => {
  let i = 0
  return Effect.andThen(
    Effect.whileLoop({ while: () => i++ < operations, body: () => Effect.void, step: () => {} }),
    effect
  )
}

/** A vault whose token requests run `send(index)`, the index counting requests from 0. */
const vaultSending = (
  send: (
    index: number,
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse>
) =>
  Effect.gen(function*() {
    let requests = 0
    const client = HttpClient.make((request) => send(requests++, request))
    return yield* TokenVault.make({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientSecret: Redacted.make("secret"),
      cache: false
    }).pipe(
      Effect.provide(Layer.succeed(HttpClient.HttpClient, client))
    )
  })

const call = (i: number) => ({ connection: "github", accessToken: `subject-token-${i}` })

describe("coalescing, at every yield point", () => {
  it.live(
    "interrupting a call's only caller interrupts its exchange, wherever the interruption lands",
    () =>
      Effect.gen(function*() {
        const running = new Set<number>()
        const vault = yield* vaultSending((index) =>
          Effect.sync(() => running.add(index)).pipe(
            Effect.andThen(Effect.never),
            Effect.ensuring(Effect.sync(() => running.delete(index)))
          )
        )
        const orphans: Array<number> = []
        for (const operations of paddings) {
          const caller = yield* Effect.forkChild(
            padded(operations, vault.getAccessTokenForConnection(call(operations)))
          )
          yield* Effect.yieldNow
          yield* Fiber.interrupt(caller)
          for (let tick = 0; tick < 3; tick++) yield* Effect.yieldNow
          if (running.size > 0) orphans.push(operations)
          running.clear()
        }
        expect(orphans).toEqual([])
      }),
    60_000
  )

  it.live(
    "a caller that joins an exchange as it ends gets its result, wherever its yield falls",
    () =>
      Effect.gen(function*() {
        // One gate per round, found by the round's subject token: a caller that comes after the
        // exchange ended starts one of its own, which the open gate answers at once.
        const gates = new Map<string, Deferred.Deferred<void>>()
        const subjectOf = (request: HttpClientRequest.HttpClientRequest) =>
          new URLSearchParams(request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : "")
            .get("subject_token") ?? ""
        const success = (request: HttpClientRequest.HttpClientRequest) =>
          HttpClientResponse.fromWeb(
            request,
            new Response(JSON.stringify({ access_token: "federated", expires_in: 3600 }))
          )
        const vault = yield* vaultSending((_, request) =>
          Effect.as(Deferred.await(gates.get(subjectOf(request))!), success(request))
        )
        const hung: Array<number> = []
        for (const operations of paddings) {
          const gate = yield* Deferred.make<void>()
          gates.set(call(operations).accessToken, gate)
          const first = yield* Effect.forkChild(vault.getAccessTokenForConnection(call(operations)))
          yield* Effect.yieldNow
          const joining = yield* Effect.forkChild(
            padded(operations, vault.getAccessTokenForConnection(call(operations)))
          )
          yield* Deferred.succeed(gate, undefined)
          yield* Fiber.join(first)
          const joined = yield* Fiber.join(joining).pipe(Effect.timeout("1 second"), Effect.option)
          if (Option.isNone(joined)) hung.push(operations)
        }
        expect(hung).toEqual([])
      }),
    60_000
  )
})
