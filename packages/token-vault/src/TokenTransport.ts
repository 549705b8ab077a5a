/**
 * How a token request reaches Auth0: one POST of a form, one bounded response. A `TokenVault`
 * sends its token requests with the `TokenTransport` in context when there is one, and otherwise
 * with the `HttpClient` in context. Runtime adapters provide a faster one next to their
 * `HttpClient`: `FetchTokenTransport` over `fetch` (the browser adapter's and the Promise
 * facade's), and the Node adapter's over undici.
 *
 * This module holds the service, its models, and what every transport shares: {@link fromCallback}
 * (one timer, interruption, first outcome wins), the bounded body reader {@link makeBodyReader},
 * and the failure formatter {@link requestFailed}.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/**
 * One token request: the URL, the headers (names in lower case, `content-type` among them), the
 * form-encoded body, the most bytes of response body to read, and the time limit of the whole
 * request and response.
 *
 * @example
 * ```ts
 * import type { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const request: TokenTransport.TokenRequest = {
 *   url: "https://example.us.auth0.com/oauth/token",
 *   headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
 *   body: "grant_type=...&connection=github",
 *   maxResponseBytes: 65_536,
 *   timeoutMillis: 10_000
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly maxResponseBytes: number
  readonly timeoutMillis: number
}

/**
 * A complete response: its status, a header by lower-case name, and the body as text.
 *
 * @example
 * ```ts
 * import type { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const response: TokenTransport.TokenResponse = {
 *   status: 429,
 *   header: (name) => (name === "retry-after" ? "2" : undefined),
 *   body: "{\"error\":\"too_many_requests\"}"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenResponse {
  readonly status: number
  readonly header: (name: string) => string | undefined
  readonly body: string
}

/**
 * Why no complete response came back.
 *
 * - `RequestFailed`: the connection failed or broke; `detail` says how (an error code or
 *   message, which the service scrubs of secrets before showing it).
 * - `TimedOut`: `timeoutMillis` passed first.
 * - `BodyTooLarge`: the body is over `maxResponseBytes`; it was not read into memory.
 *
 * `responseReceived` tells whether the status line and headers had arrived: retries are only
 * safe before that.
 *
 * @example
 * ```ts
 * import type { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const refused: TokenTransport.TransportFailure = {
 *   _tag: "RequestFailed",
 *   responseReceived: false,
 *   detail: "ECONNREFUSED"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TransportFailure =
  | { readonly _tag: "RequestFailed"; readonly responseReceived: boolean; readonly detail: string }
  | { readonly _tag: "TimedOut"; readonly responseReceived: boolean }
  | { readonly _tag: "BodyTooLarge"; readonly status: number }

/**
 * The service that sends token requests. `send` must end, within `timeoutMillis`, with a
 * response or a `TransportFailure`, never a defect, and must stop the request when interrupted.
 * Provide it next to the `HttpClient` to give a `TokenVault` a faster path for its token
 * requests; without one, the service sends them with the `HttpClient`.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * // A transport that answers every request with the same OAuth error.
 * const denied = Layer.succeed(TokenTransport.TokenTransport, {
 *   send: () =>
 *     Effect.succeed({
 *       status: 403,
 *       header: () => undefined,
 *       body: "{\"error\":\"access_denied\"}"
 *     })
 * })
 * ```
 *
 * @since 1.0.0
 * @category services
 */
export class TokenTransport extends Context.Service<TokenTransport, {
  readonly send: (request: TokenRequest) => Effect.Effect<TokenResponse, TransportFailure>
}>()("@effect-auth0/token-vault/TokenTransport") {}

/**
 * A request in flight, as {@link fromCallback} sees it: whether its status and headers have
 * arrived, and how to stop it.
 *
 * @example
 * ```ts
 * import type { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const controller = new AbortController()
 * const pending: TokenTransport.Pending = {
 *   responseReceived: () => false,
 *   stop: () => controller.abort()
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Pending {
  readonly responseReceived: () => boolean
  readonly stop: () => void
}

/** An error as text: its code and message, then its cause's, without repeats. */
const describe = (error: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (typeof current !== "object") {
      if (typeof current === "string" && current !== "") parts.push(current)
      break
    }
    const code = (current as { readonly code?: unknown }).code
    const message = (current as { readonly message?: unknown }).message
    const errors = (current as { readonly errors?: unknown }).errors
    if (typeof code === "string" && code !== "" && !parts.some((part) => part.includes(code))) parts.push(code)
    if (typeof message === "string" && message !== "" && !parts.some((part) => part.includes(message))) {
      parts.push(message)
    }
    const cause = (current as { readonly cause?: unknown }).cause
    // An `AggregateError` (Node's connect to every address of a host) says why in its first error.
    current = cause === undefined && Array.isArray(errors) ? errors[0] : cause
  }
  return parts.length === 0 ? "unknown error" : parts.join(": ")
}

/**
 * The failure of a request that broke: `RequestFailed` whose `detail` says whether it broke
 * before or after the response's head arrived, then the error's code and message and those of
 * its causes. What every transport reports a thrown or rejected error with.
 *
 * @example
 * ```ts
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const refused = TokenTransport.requestFailed(Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" }), false)
 * // { _tag: "RequestFailed", responseReceived: false, detail: "request failed: ECONNREFUSED: connect refused" }
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const requestFailed = (error: unknown, responseReceived: boolean): TransportFailure => ({
  _tag: "RequestFailed",
  responseReceived,
  detail: `${responseReceived ? "the response body could not be read" : "request failed"}: ${describe(error)}`
})

const decoder = new TextDecoder()

/**
 * A response body being read, never more than its limit: {@link makeBodyReader}.
 *
 * @example
 * ```ts
 * import type { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const readAll = (reader: TokenTransport.BodyReader, chunks: ReadonlyArray<Uint8Array>) =>
 *   chunks.every(reader.push) ? reader.text() : undefined
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface BodyReader {
  /** Adds a chunk; `false` once the body is over the limit: stop reading and cancel it. */
  readonly push: (chunk: Uint8Array) => boolean
  /**
   * The chunks pushed so far, joined and decoded as UTF-8. Bytes that are not UTF-8 decode to
   * U+FFFD: the service then reads the body as not UTF-8 text, which errors describe but never show.
   */
  readonly text: () => string
}

/**
 * A reader of a response body of at most `maxBytes`, or `undefined` when the response's
 * `content-length` already says the body is larger (cancel it unread). A `content-length` is
 * ignored when the body has a `content-encoding`: it is the encoded length, and a small gzip can
 * decode to gigabytes. The one bounded body reader of every transport.
 *
 * @example
 * ```ts
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const headers = new Headers({ "content-length": "12" })
 * const reader = TokenTransport.makeBodyReader(1024, (name) => headers.get(name) ?? undefined)
 * reader?.push(new TextEncoder().encode("{\"error\":1}"))
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const makeBodyReader = (
  maxBytes: number,
  header: (name: string) => string | undefined
): BodyReader | undefined => {
  const encoding = header("content-encoding")?.trim().toLowerCase()
  const length = header("content-length")
  if (
    (encoding === undefined || encoding === "" || encoding === "identity") && length !== undefined &&
    /^\d+$/.test(length)
  ) {
    if (Number(length) > maxBytes) return undefined
  }
  const chunks: Array<Uint8Array> = []
  let size = 0
  return {
    push: (chunk) => {
      size += chunk.length
      if (size > maxBytes) return false
      chunks.push(chunk)
      return true
    },
    text: () => {
      if (chunks.length === 1) return decoder.decode(chunks[0])
      const bytes = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      return decoder.decode(bytes)
    }
  }
}

/** Timers take at most 2^31 - 1 ms (about 24.8 days); a longer delay would fire at once. */
const maxTimerMillis = 2 ** 31 - 1

/** Calls `start`; a `start` that throws settles the request as failed instead of dying. */
const begin = (
  start: (settle: (outcome: Effect.Effect<TokenResponse, TransportFailure>) => void) => Pending,
  settle: (outcome: Effect.Effect<TokenResponse, TransportFailure>) => void
): Pending => {
  try {
    return start(settle)
  } catch (error) {
    settle(Effect.fail(requestFailed(error, false)))
    return { responseReceived: () => false, stop: () => {} }
  }
}

/**
 * The result of `send` for a request made with a callback API: `start` sends `request` and calls
 * `settle` with its outcome (only the first call counts). One timer ends the request with
 * `TimedOut` after `request.timeoutMillis`; the timer and interruption both call the `stop` that
 * `start` returned. A `start` that throws ends the request with `RequestFailed`. What
 * `FetchTokenTransport` and the Node adapter's transport are built on.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * // A transport that answers after 10 ms, unless the time limit comes first.
 * const slow = Layer.succeed(TokenTransport.TokenTransport, {
 *   send: (request) =>
 *     TokenTransport.fromCallback(request, (settle) => {
 *       const timer = setTimeout(() => settle(Effect.succeed({ status: 204, header: () => undefined, body: "" })), 10)
 *       return { responseReceived: () => false, stop: () => clearTimeout(timer) }
 *     })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromCallback = (
  request: TokenRequest,
  start: (settle: (outcome: Effect.Effect<TokenResponse, TransportFailure>) => void) => Pending
): Effect.Effect<TokenResponse, TransportFailure> =>
  Effect.callback<TokenResponse, TransportFailure>((resume) => {
    let settled = false
    const settle = (outcome: Effect.Effect<TokenResponse, TransportFailure>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resume(outcome)
    }
    // The timer fires after `start` has returned: `pending` is set by then. The request is
    // stopped before the waiting fiber resumes, which may run on at once.
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      const responseReceived = pending.responseReceived()
      pending.stop()
      resume(Effect.fail({ _tag: "TimedOut", responseReceived }))
    }, Math.min(request.timeoutMillis, maxTimerMillis))
    const pending = begin(start, settle)
    return Effect.sync(() => {
      settled = true
      clearTimeout(timer)
      pending.stop()
    })
  })
