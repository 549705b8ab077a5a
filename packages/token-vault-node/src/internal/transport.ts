/**
 * The token requests of the Node adapter, straight on undici's `Dispatcher.request()`: one
 * promise per request, one timer, the body read once. `@effect/platform`'s `HttpClient` does the
 * same job through request and response models, streams and a span per request, and costs
 * several times the CPU per exchange (`docs/performance.md`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { TokenTransport } from "@effect-auth0/token-vault"
import type { Dispatcher } from "undici"

type Body = Dispatcher.ResponseData["body"]

/** Why the body was not read: it is larger than the limit. */
const tooLarge = Symbol("tooLarge")

const decoder = new TextDecoder()

/**
 * The body as text, never holding more than `maxBytes` of it: a `content-length` over the limit
 * fails before reading, and a body without one is dropped as soon as it passes the limit.
 */
const readBody = async (body: Body, declared: string | undefined, maxBytes: number): Promise<string | typeof tooLarge> => {
  if (declared !== undefined && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) {
      body.destroy()
      return tooLarge
    }
    return body.text()
  }
  const chunks: Array<Uint8Array> = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    size += chunk.length
    if (size > maxBytes) {
      body.destroy()
      return tooLarge
    }
    chunks.push(chunk)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return decoder.decode(bytes)
}

/** An undici error as `CODE: message` (the code alone when the message repeats it). */
const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return "unknown error"
  const code = (error as { code?: unknown }).code
  const message = error.message || (error instanceof AggregateError ? String(error.errors[0] ?? "") : "")
  return typeof code === "string" && code.length > 0 ? (message === "" ? code : `${code}: ${message}`) : message
}

const single = (value: string | Array<string> | undefined) => (Array.isArray(value) ? value.join(", ") : value)

/** A `TokenTransport` over `dispatcher`. */
export const makeTransport = (dispatcher: Dispatcher): TokenTransport.TokenTransport => {
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
  return {
    send: (request) =>
      Effect.async<TokenTransport.TokenResponse, TokenTransport.TransportFailure>((resume) => {
        const controller = new AbortController()
        let responseReceived = false
        let settled = false
        const settle = (result: Effect.Effect<TokenTransport.TokenResponse, TokenTransport.TransportFailure>) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resume(result)
        }
        const timer = setTimeout(() => {
          settle(Effect.fail({ _tag: "TimedOut", responseReceived }))
          controller.abort()
        }, request.timeoutMillis)
        Promise.resolve().then(() => {
          const { origin, path } = target(request.url)
          return dispatcher.request({
            origin,
            path,
            method: "POST",
            headers: request.headers,
            body: request.body,
            signal: controller.signal
          })
        }).then(
          async (response) => {
            responseReceived = true
            const headers = response.headers
            const body = await readBody(response.body, single(headers["content-length"]), request.maxResponseBytes)
            settle(
              body === tooLarge
                ? Effect.fail({ _tag: "BodyTooLarge", status: response.statusCode })
                : Effect.succeed({ status: response.statusCode, header: (name) => single(headers[name]), body })
            )
          }
        ).catch((error: unknown) => {
          const what = responseReceived ? "the response body could not be read" : "request failed"
          settle(Effect.fail({ _tag: "RequestFailed", responseReceived, detail: `${what}: ${describe(error)}` }))
        })
        return Effect.sync(() => {
          settled = true
          clearTimeout(timer)
          controller.abort()
        })
      })
  }
}
