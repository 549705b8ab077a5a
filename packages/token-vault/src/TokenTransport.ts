/**
 * How a token request reaches Auth0: one POST of a form, one bounded response. By default the
 * `TokenVault` sends it with the `HttpClient` in context; an `HttpClient` layer that can do the
 * same job with less work attaches a `TokenTransport` to the client it provides, and the service
 * uses that instead: {@link layerFetch} over `fetch` (the Promise facade's default, and the
 * browser adapter's), and the Node adapter over undici's `Dispatcher.dispatch()`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { readBody } from "./internal/body.js"
import { decodeChunks, declaredLength } from "./internal/bytes.js"

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
 * Sends token requests. `send` must end, within `timeoutMillis`, with a response or a
 * `TransportFailure`, never a defect, and must stop the request when interrupted.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { TokenTransport } from "@effect-auth0/token-vault"
 *
 * // A transport that answers every request with the same OAuth error.
 * const denied: TokenTransport.TokenTransport = {
 *   send: () =>
 *     Effect.succeed({
 *       status: 403,
 *       header: () => undefined,
 *       body: "{\"error\":\"access_denied\"}"
 *     })
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenTransport {
  readonly send: (request: TokenRequest) => Effect.Effect<TokenResponse, TransportFailure>
}

/**
 * The property under which an `HttpClient` carries its `TokenTransport`.
 *
 * @example
 * ```ts
 * import type { HttpClient } from "@effect/platform"
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const hasTransport = (client: HttpClient.HttpClient) => TokenTransport.TypeId in client
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-auth0/token-vault/TokenTransport")

/**
 * A copy of `client` that carries `transport`: a `TokenVault` over it sends token requests with
 * `transport`, and everything else (discovery, the application's own requests) with `client`.
 * Middleware applied to the result (`HttpClient.mapRequest`, ...) makes a new client without the
 * transport, so the token requests then go through the middleware too.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpClient } from "@effect/platform"
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const withFastPath = (transport: TokenTransport.TokenTransport) =>
 *   Effect.map(HttpClient.HttpClient, (client) => TokenTransport.attach(client, transport))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const attach = (client: HttpClient.HttpClient, transport: TokenTransport): HttpClient.HttpClient =>
  Object.assign(Object.create(Object.getPrototypeOf(client) as object) as HttpClient.HttpClient, client, {
    [TypeId]: transport
  })

/** What went wrong on the wire, from the platform error's cause: a code and a message. */
const failureDetail = (error: HttpClientError.HttpClientError): string => {
  const cause = error.cause
  const detail = cause instanceof Error
    ? [(cause as { code?: unknown }).code, cause.cause instanceof Error ? cause.cause.message : cause.message]
      .filter((part): part is string => typeof part === "string" && part.length > 0)
      .join(": ")
    : ""
  const what = error._tag === "ResponseError" ? "the response body could not be read" : `request failed (${error.reason})`
  return detail === "" ? what : `${what}: ${detail}`
}

/** Keeps an `authorization` header redacted in the platform's spans whatever the application set. */
const redactAuthorization = (names: ReadonlyArray<string | RegExp>) =>
  names.some((name) => String(name).toLowerCase() === "authorization") ? names : [...names, "authorization"]

/**
 * Runs `effect` with `fetch`'s redirects off (`redirect: "manual"`), for a `FetchHttpClient`
 * (other clients don't read `RequestInit`, and undici's don't follow redirects): a 307 or 308 would
 * otherwise send the form, client secret and subject token included, again to wherever it points.
 */
const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, { ...Option.getOrUndefined(init), redirect: "manual" }))

/**
 * A `TokenTransport` over any `HttpClient`, trace propagation off (Auth0 gets no trace ids of
 * the application, and browsers need no CORS preflight for them).
 */
const overHttpClient = (client: HttpClient.HttpClient): TokenTransport => {
  const execute = HttpClient.withTracerPropagation(client, false).execute
  return {
    send: (request) =>
      Effect.suspend(() => {
        let responseReceived = false
        const { "content-type": contentType, ...headers } = request.headers
        const httpRequest = HttpClientRequest.post(request.url, { headers: Headers.fromInput(headers) }).pipe(
          HttpClientRequest.bodyText(request.body, contentType)
        )
        const executed = withoutRedirects(execute(httpRequest))
        const sent = "authorization" in headers
          ? Effect.locallyWith(executed, Headers.currentRedactedNames, redactAuthorization)
          : executed
        return sent.pipe(
          Effect.mapError((error): TransportFailure => ({ _tag: "RequestFailed", responseReceived, detail: failureDetail(error) })),
          Effect.flatMap((response) => {
            responseReceived = true
            return Effect.map(
              Effect.mapError(readBody(response, request.maxResponseBytes), (failure): TransportFailure =>
                failure._tag === "BodyBroken"
                  ? { _tag: "RequestFailed", responseReceived, detail: failureDetail(failure.error) }
                  : { _tag: "BodyTooLarge", status: response.status }),
              (body): TokenResponse => ({ status: response.status, header: (name) => response.headers[name], body })
            )
          }),
          Effect.timeoutFail({
            duration: request.timeoutMillis,
            onTimeout: (): TransportFailure => ({ _tag: "TimedOut", responseReceived })
          })
        )
      })
  }
}

/**
 * The transport of `client`: the one attached to it with {@link attach}, or one that sends with
 * `client` itself (trace propagation off).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpClient } from "@effect/platform"
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const transport = Effect.map(HttpClient.HttpClient, TokenTransport.fromHttpClient)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromHttpClient = (client: HttpClient.HttpClient): TokenTransport =>
  TypeId in client
    ? (client as HttpClient.HttpClient & { readonly [TypeId]: TokenTransport })[TypeId]
    : overHttpClient(client)

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
    const detail = error instanceof Error && error.message !== "" ? error.message : "unknown error"
    settle(Effect.fail({ _tag: "RequestFailed", responseReceived: false, detail: `request failed: ${detail}` }))
    return { responseReceived: () => false, stop: () => {} }
  }
}

/**
 * The result of `send` for a request made with a callback API: `start` sends `request` and calls
 * `settle` with its outcome (only the first call counts). One timer ends the request with
 * `TimedOut` after `request.timeoutMillis`; the timer and interruption both call the `stop` that
 * `start` returned. A `start` that throws ends the request with `RequestFailed`. What {@link fromFetch} and the Node adapter's transport are built on.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * // A transport that answers after 10 ms, unless the time limit comes first.
 * const slow: TokenTransport.TokenTransport = {
 *   send: (request) =>
 *     TokenTransport.fromCallback(request, (settle) => {
 *       const timer = setTimeout(() => settle(Effect.succeed({ status: 204, header: () => undefined, body: "" })), 10)
 *       return { responseReceived: () => false, stop: () => clearTimeout(timer) }
 *     })
 * }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromCallback = (
  request: TokenRequest,
  start: (settle: (outcome: Effect.Effect<TokenResponse, TransportFailure>) => void) => Pending
): Effect.Effect<TokenResponse, TransportFailure> =>
  Effect.async<TokenResponse, TransportFailure>((resume) => {
    let settled = false
    const settle = (outcome: Effect.Effect<TokenResponse, TransportFailure>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resume(outcome)
    }
    // The timer fires after `start` has returned: `pending` is set by then.
    const timer = setTimeout(() => {
      settle(Effect.fail({ _tag: "TimedOut", responseReceived: pending.responseReceived() }))
      pending.stop()
    }, Math.min(request.timeoutMillis, maxTimerMillis))
    const pending = begin(start, settle)
    return Effect.sync(() => {
      settled = true
      clearTimeout(timer)
      pending.stop()
    })
  })

/** A `fetch` error as `message: cause` (Node's `fetch` puts the code and reason in its cause). */
const fetchFailureDetail = (error: unknown): string => {
  if (!(error instanceof Error)) return "unknown error"
  const cause = error.cause
  if (!(cause instanceof Error)) return error.message
  const code = (cause as { code?: unknown }).code
  return `${error.message}: ${typeof code === "string" ? `${code}: ` : ""}${cause.message}`
}

/** Why a `fetch` body was not read: it is larger than the limit. */
const tooLarge = Symbol("tooLarge")

/**
 * A `fetch` response body as text, never holding more than `maxBytes` of it: a `content-length`
 * over the limit cancels the body unread, and a body without one (or a compressed one, whose
 * length says nothing of what it decodes to) is read chunk by chunk and cancelled as soon as it
 * passes the limit.
 */
const readFetchBody = async (response: Response, maxBytes: number): Promise<string | typeof tooLarge> => {
  const declared = declaredLength(response.headers.get("content-length"), response.headers.get("content-encoding"))
  if (declared !== undefined) {
    if (declared <= maxBytes) return response.text()
    await response.body?.cancel()
    return tooLarge
  }
  if (response.body === null) return ""
  const reader = response.body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.length
    if (size > maxBytes) {
      await reader.cancel()
      return tooLarge
    }
    chunks.push(read.value)
  }
  return decodeChunks(chunks, size)
}

/**
 * A `TokenTransport` straight on `fetch`: one call per request, one timer, the body read once,
 * without `@effect/platform`'s request and response models. `fetch` defaults to the global one,
 * looked up at each request (so a polyfill or test double installed later is used); `init` adds
 * `RequestInit` fields such as `credentials: "omit"`.
 *
 * @example
 * ```ts
 * import { TokenTransport } from "@effect-auth0/token-vault"
 *
 * const transport = TokenTransport.fromFetch(globalThis.fetch, { credentials: "omit" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFetch = (
  fetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init),
  init?: Omit<globalThis.RequestInit, "method" | "headers" | "body" | "signal" | "redirect">
): TokenTransport => ({
  send: (request) =>
    fromCallback(request, (settle) => {
      const controller = new AbortController()
      let responseReceived = false
      let answered: Promise<Response>
      try {
        // A `customFetch` may throw, or return something that is not a promise: both end typed.
        answered = Promise.resolve(
          fetch(request.url, {
            ...init,
            method: "POST",
            headers: request.headers,
            body: request.body,
            signal: controller.signal,
            // A 307 or 308 would send the form, secrets included, again to wherever it points.
            redirect: "manual"
          })
        )
      } catch (error) {
        answered = Promise.reject(error)
      }
      answered.then(async (response) => {
        responseReceived = true
        const body = await readFetchBody(response, request.maxResponseBytes)
        settle(
          body === tooLarge
            ? Effect.fail({ _tag: "BodyTooLarge", status: response.status })
            : Effect.succeed({
              status: response.status,
              header: (name) => response.headers.get(name) ?? undefined,
              body
            })
        )
      }).catch((error: unknown) => {
        const what = responseReceived ? "the response body could not be read" : "request failed"
        settle(Effect.fail({ _tag: "RequestFailed", responseReceived, detail: `${what}: ${fetchFailureDetail(error)}` }))
      })
      return { responseReceived: () => responseReceived, stop: () => controller.abort() }
    })
})

/**
 * `@effect/platform`'s `FetchHttpClient` over `fetch` (the global one unless given) with
 * `RequestInit` fields, carrying a {@link fromFetch} transport over the same `fetch` and fields:
 * a `TokenVault` over it sends its token requests straight to `fetch`.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenTransport, TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." }).pipe(
 *   Effect.provide(TokenVault.layer({ domain: "example.us.auth0.com", clientId: "id", clientSecret: Redacted.make("secret") })),
 *   Effect.provide(TokenTransport.layerFetch({ init: { credentials: "omit" } }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetch = (
  options: {
    readonly fetch?: typeof globalThis.fetch | undefined
    readonly init?: Omit<globalThis.RequestInit, "method" | "headers" | "body" | "signal" | "redirect"> | undefined
  } = {}
): Layer.Layer<HttpClient.HttpClient> => {
  // `FetchHttpClient.layer` reads `Fetch` and `RequestInit` from the context it is built in.
  const fetch = options.fetch === undefined ? Layer.empty : Layer.succeed(FetchHttpClient.Fetch, options.fetch)
  const init = options.init === undefined ? Layer.empty : Layer.succeed(FetchHttpClient.RequestInit, options.init)
  const transport = fromFetch(options.fetch, options.init)
  return Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, (client) => attach(client, transport))).pipe(
    Layer.provide(FetchHttpClient.layer.pipe(Layer.provide(Layer.merge(fetch, init))))
  )
}
