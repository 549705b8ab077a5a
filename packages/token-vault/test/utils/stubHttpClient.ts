import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"

/** One canned answer of the stub; `body` may be a stream to model slow, broken or huge bodies. */
export interface StubAnswer {
  readonly status: number
  readonly body: string | ReadableStream<Uint8Array>
  readonly headers?: Record<string, string>
}

/** A request as the stub saw it. */
export interface SeenRequest {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string
}

/** What the stub does with the request numbered `index` (from 0): answer, or refuse the connection. */
export type Script = (index: number) => Effect.Effect<StubAnswer | "refuse">

/**
 * An `HttpClient` that answers from a script and records what it was sent: for tests of response
 * handling and resilience that need arbitrary bodies, failures and timing.
 */
export const stubHttpClient = (answer: StubAnswer | Script) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<SeenRequest>>([])
    const interrupted = yield* Ref.make(0)
    const script: Script = typeof answer === "function" ? answer : () => Effect.succeed(answer)
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
        const index = (yield* Ref.getAndUpdate(
          seen,
          (all) => [...all, { url: url.toString(), headers: { ...request.headers }, body }]
        )).length
        const outcome = yield* script(index).pipe(Effect.onInterrupt(() => Ref.update(interrupted, (n) => n + 1)))
        if (outcome === "refuse") {
          return yield* Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({ request, cause: new Error("connect ECONNREFUSED") })
            })
          )
        }
        const init: ResponseInit = { status: outcome.status }
        if (outcome.headers !== undefined) init.headers = outcome.headers
        const webBody = [204, 205, 304].includes(outcome.status) ? null : outcome.body
        return HttpClientResponse.fromWeb(request, new Response(webBody, init))
      })
    )
    return {
      client,
      seen: Ref.get(seen),
      /** How many requests were interrupted while the script was still answering them. */
      interrupted: Ref.get(interrupted),
      layer: Layer.succeed(HttpClient.HttpClient, client)
    }
  })

/** A JSON answer. */
export const jsonAnswer = (status: number, body: unknown, headers?: Record<string, string>): StubAnswer => ({
  status,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers }
})
