import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"

/** One canned answer of the stub. */
export interface StubAnswer {
  readonly status: number
  readonly body: string
  readonly headers?: Record<string, string>
}

/** A request as the stub saw it. */
export interface SeenRequest {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string
}

/**
 * An `HttpClient` that answers every request with `answer` and records what it was sent: for
 * tests of response handling that need arbitrary bodies, including ones no emulator would send.
 */
export const stubHttpClient = (answer: StubAnswer) =>
  Effect.gen(function* () {
    const seen = yield* Ref.make<ReadonlyArray<SeenRequest>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function* () {
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
        yield* Ref.update(seen, (all) => [...all, { url: url.toString(), headers: { ...request.headers }, body }])
        const init: ResponseInit = { status: answer.status }
        if (answer.headers !== undefined) init.headers = answer.headers
        const webBody = [204, 205, 304].includes(answer.status) ? null : answer.body
        return HttpClientResponse.fromWeb(request, new Response(webBody, init))
      })
    )
    return { client, seen: Ref.get(seen), layer: Layer.succeed(HttpClient.HttpClient, client) }
  })
