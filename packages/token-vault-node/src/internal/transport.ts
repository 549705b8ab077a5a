/**
 * The Node adapter's `TokenTransport`, straight on undici's `Dispatcher.dispatch()`: the
 * response's status, headers and body chunks arrive in one handler, with no body stream, no
 * `AbortSignal` and no promise per step; one timer bounds the whole request. The `HttpClient`
 * over the same dispatcher does the same job through request and response models, streams and a
 * span per request, at several times the CPU per exchange (`docs/performance.md`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { TokenTransport } from "@effect-auth0/token-vault"
import type { Dispatcher } from "undici"

const decoder = new TextDecoder()

/** An undici error as `CODE: message` (the code alone when there is no message). */
const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return "unknown error"
  const code = (error as { code?: unknown }).code
  const message = error.message || (error instanceof AggregateError ? String(error.errors[0] ?? "") : "")
  return typeof code === "string" && code.length > 0 ? (message === "" ? code : `${code}: ${message}`) : message
}

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
        let headers: Record<string, string | Array<string> | undefined> = {}
        const chunks: Array<Buffer> = []
        let size = 0

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
        const fail = (error: unknown) => {
          const what = responseReceived() ? "the response body could not be read" : "request failed"
          settle(Effect.fail({ _tag: "RequestFailed", responseReceived: responseReceived(), detail: `${what}: ${describe(error)}` }))
        }

        const handler: Dispatcher.DispatchHandler = {
          onRequestStart: (started) => {
            controller = started
            if (stopped) stop()
          },
          onResponseStart: (_, statusCode, responseHeaders) => {
            if (statusCode < 200) return // an informational answer; the real one follows
            status = statusCode
            headers = responseHeaders as Record<string, string | Array<string> | undefined>
            const declared = single(headers["content-length"])
            if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > request.maxResponseBytes) tooLarge()
          },
          onResponseData: (_, chunk) => {
            size += chunk.length
            if (size > request.maxResponseBytes) return tooLarge()
            chunks.push(chunk)
          },
          onResponseEnd: () => {
            const body = decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))
            const answered = headers
            settle(Effect.succeed({ status, header: (name) => single(answered[name]), body }))
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
