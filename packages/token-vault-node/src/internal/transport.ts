/**
 * The Node adapter's `TokenTransport`, straight on undici's `Dispatcher.dispatch()`: the
 * response's status, headers and body chunks arrive in one handler, with no body stream, no
 * `AbortSignal` and no promise per step; one timer bounds the whole request. The `HttpClient`
 * over the same dispatcher does the same job through request and response models, streams and a
 * span per request, at several times the CPU per exchange (`docs/performance.md`).
 *
 * @internal
 */
import { TokenTransport } from "@effect-auth0/token-vault"
import * as Effect from "effect/Effect"
import type { Dispatcher } from "undici"

const single = (value: string | Array<string> | undefined) => (Array.isArray(value) ? value.join(", ") : value)

/** Why this transport aborted a request; never shown (the outcome is settled before). */
class Stopped extends Error {}

/** The `TokenTransport` service over `dispatcher`. */
export const makeTransport = (dispatcher: Dispatcher): TokenTransport.TokenTransport["Service"] => {
  // Token requests go to one or two URLs: parse each once.
  const targets = new Map<string, { readonly origin: string; readonly path: string }>()
  const target = (url: string) => {
    let found = targets.get(url)
    if (found === undefined) {
      const parsed = new URL(url)
      found = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }
      if (targets.size < 8) targets.set(url, found)
    }
    return found
  }
  return TokenTransport.TokenTransport.of({
    send: (request) =>
      TokenTransport.fromCallback(request, (settle) => {
        let controller: Dispatcher.DispatchController | undefined
        let stopped = false
        /** The response's status; 0 until its head has arrived. */
        let status = 0
        let header: (name: string) => string | undefined = () => undefined
        let body: TokenTransport.BodyReader | undefined

        /** Aborts the request (now, or as soon as undici hands over its controller). */
        const stop = () => {
          stopped = true
          if (controller !== undefined && !controller.aborted) controller.abort(new Stopped())
        }
        const tooLarge = () => {
          settle(Effect.fail({ _tag: "BodyTooLarge", status }))
          stop()
        }
        const responseReceived = () => status !== 0
        const fail = (error: unknown) => settle(Effect.fail(TokenTransport.requestFailed(error, responseReceived())))

        const handler: Dispatcher.DispatchHandler = {
          onRequestStart: (started) => {
            controller = started
            if (stopped) stop()
          },
          onResponseStart: (_, statusCode, headers) => {
            if (statusCode < 200) return // an informational answer; the real one follows
            status = statusCode
            header = (name) => single(headers[name])
            body = TokenTransport.makeBodyReader(request.maxResponseBytes, header)
            if (body === undefined) tooLarge()
          },
          onResponseData: (_, chunk) => {
            if (body !== undefined && !body.push(chunk)) tooLarge()
          },
          onResponseEnd: () => {
            if (body === undefined) return
            const response = { status, header, body: body.text() }
            // undici 8 hands a kept-alive socket back to its pool only after checking it in the
            // next check phase (its idle-socket validation, a `setImmediate`). Settled before
            // that, a caller's next request finds the socket busy and the pool opens a second
            // one: settle after it, two check phases on.
            setImmediate(() => setImmediate(() => settle(Effect.succeed(response))))
          },
          onResponseError: (_, error) => {
            if (!(error instanceof Stopped)) fail(error)
          }
        }

        try {
          const { origin, path } = target(request.url)
          dispatcher.dispatch({ origin, path, method: "POST", headers: request.headers, body: request.body }, handler)
        } catch (error) {
          fail(error)
        }
        return { responseReceived, stop }
      })
  })
}
