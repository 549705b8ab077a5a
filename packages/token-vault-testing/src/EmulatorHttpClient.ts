/**
 * The emulator as an in-memory `HttpClient` (`effect/http/HttpClient`): no sockets, runs anywhere
 * (Node, browsers, workers). Requests to the emulator's domain (or a host added with `addHost`,
 * such as a running `EmulatorServer`'s address) are answered by the emulator; any other host fails
 * the way a DNS failure does, with an `HttpClientError` whose `reason` is a `TransportError`.
 *
 * Transport faults look as they do to a real client: `ResetBeforeHeaders` fails the request
 * (`HttpClientError` with a `TransportError` reason, `ECONNRESET`); `ResetAfterHeaders` and
 * `TruncatedJson` give a response whose body fails while read (`HttpClientError` with a
 * `DecodeError` reason); `StalledBody` and `EndlessBody`
 * give a body that never ends, stopped when the reader is interrupted. Bodies are streamed on the
 * caller's runtime, so `Latency` and `EndlessBody` follow `TestClock`. No client certificate
 * travels in memory: mTLS clients get 401 `invalid_client`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TokenVaultEmulator from "./TokenVaultEmulator.js"

interface EncodedBody {
  readonly text: string
  readonly contentType: string | undefined
}

const utf8 = new TextDecoder()

const encodeError = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description: string) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.EncodeError({ request, cause, description }) })

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description: string) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause, description }) })

const rawToText = (body: unknown): string | undefined => {
  if (typeof body === "string") return body
  if (body instanceof Uint8Array) return utf8.decode(body)
  if (body instanceof ArrayBuffer) return utf8.decode(new Uint8Array(body))
  if (ArrayBuffer.isView(body)) return utf8.decode(new Uint8Array(body.buffer, body.byteOffset, body.byteLength))
  if (body instanceof URLSearchParams) return body.toString()
  return undefined
}

/** Reads the request body as text, the way it would travel on the wire. */
const encodeBody = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<EncodedBody, HttpClientError.HttpClientError> => {
  const body: HttpBody.HttpBody = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ text: "", contentType: undefined })
    case "Uint8Array":
      return Effect.succeed({ text: body.text ?? utf8.decode(body.body), contentType: body.contentType })
    case "Raw": {
      const text = rawToText(body.body)
      return text === undefined
        ? Effect.fail(encodeError(request, body.body, "The in-memory emulator client cannot send this raw body"))
        : Effect.succeed({ text, contentType: body.contentType })
    }
    case "FormData":
      // Multipart, exactly as fetch would encode it (the token endpoint will reject it).
      return Effect.tryPromise({
        try: async () => {
          const encoded = new Response(body.formData)
          return { text: await encoded.text(), contentType: encoded.headers.get("content-type") ?? undefined }
        },
        catch: (cause) => encodeError(request, cause, "Could not encode the multipart body")
      })
    case "Stream":
      return Stream.mkUint8Array(body.stream).pipe(
        Effect.map((bytes) => ({ text: utf8.decode(bytes), contentType: body.contentType })),
        Effect.mapError((cause) => encodeError(request, cause, "The request body stream failed"))
      )
  }
}

const headersOf = (request: HttpClientRequest.HttpClientRequest, contentType: string | undefined) => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = value
  }
  if (contentType !== undefined && headers["content-type"] === undefined) headers["content-type"] = contentType
  return headers
}

const dnsFailure = (request: HttpClientRequest.HttpClientRequest, hostname: string) =>
  transportError(
    request,
    Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: "ENOTFOUND",
      syscall: "getaddrinfo",
      hostname
    }),
    `getaddrinfo ENOTFOUND ${hostname}`
  )

const connectionReset = (request: HttpClientRequest.HttpClientRequest) =>
  transportError(
    request,
    Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" }),
    "read ECONNRESET"
  )

/** What a reader of a body cut short sees, like undici's errors. */
const bodyEndError = (end: "Close" | "Reset"): Error =>
  end === "Reset"
    ? Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" })
    : Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })

const aborted = (signal: AbortSignal): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (signal.aborted) return resume(Effect.void)
    const onAbort = () => resume(Effect.void)
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })

const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

const unrepresentable = (request: HttpClientRequest.HttpClientRequest, status: number, cause: unknown) =>
  transportError(request, cause, `The emulator's answer cannot be represented as a web Response (status ${status})`)

/** A streamed answer as a web `Response` whose body runs the stream on the caller's runtime. */
const toStreamedResponse = (
  request: HttpClientRequest.HttpClientRequest,
  outcome: TokenVaultEmulator.StreamResponse,
  signal: AbortSignal
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.flatMap(Effect.context<never>(), (context) =>
    Effect.try({
      try: () => {
        const ending: Stream.Stream<never, Error> = outcome.end === "End"
          ? Stream.empty
          : Stream.fail(bodyEndError(outcome.end))
        const body = outcome.body.pipe(Stream.concat(ending), Stream.interruptWhen(aborted(signal)))
        const hasBody = !nullBodyStatuses.has(outcome.status) && request.method !== "HEAD"
        return HttpClientResponse.fromWeb(
          request,
          new Response(hasBody ? Stream.toReadableStreamWith(body, context) : null, {
            status: outcome.status,
            headers: outcome.headers
          })
        )
      },
      catch: (cause) => unrepresentable(request, outcome.status, cause)
    }))

const toClientResponse = (
  request: HttpClientRequest.HttpClientRequest,
  response: TokenVaultEmulator.EmulatorResponse
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.try({
    try: () =>
      HttpClientResponse.fromWeb(
        request,
        new Response(nullBodyStatuses.has(response.status) || request.method === "HEAD" ? null : response.body, {
          status: response.status,
          headers: response.headers
        })
      ),
    // e.g. a `Fault.Custom` status outside 200–599, which a web `Response` cannot carry.
    catch: (cause) => unrepresentable(request, response.status, cause)
  })

/**
 * An in-memory `HttpClient` answered by the emulator.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.gen(function* () {
 *   const emulator = yield* TokenVaultEmulator.make({ domain: "tenant.example.com", clients: [], users: [] })
 *   const client = EmulatorHttpClient.make(emulator)
 *   const response = yield* client.get("https://tenant.example.com/.well-known/openid-configuration")
 *   return response.status // 200
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (emulator: TokenVaultEmulator.TokenVaultEmulator): HttpClient.HttpClient =>
  HttpClient.make(Effect.fnUntraced(function*(request, url, signal) {
    if (!(yield* emulator.acceptsHost(url.host))) return yield* Effect.fail(dnsFailure(request, url.hostname))
    const body = yield* encodeBody(request)
    const outcome = yield* emulator.dispatch({
      method: request.method,
      url: url.href,
      headers: headersOf(request, body.contentType),
      body: body.text
    })
    switch (outcome._tag) {
      case "Respond":
        return yield* toClientResponse(request, outcome.response)
      case "ResetConnection":
        return yield* Effect.fail(connectionReset(request))
      case "StreamResponse":
        return yield* toStreamedResponse(request, outcome, signal)
    }
  }))

/**
 * A layer providing the in-memory `HttpClient` for an emulator instance.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.gen(function* () {
 *   const emulator = yield* TokenVaultEmulator.make({ domain: "tenant.example.com", clients: [], users: [] })
 *   const httpLayer = EmulatorHttpClient.layer(emulator)
 *   // program.pipe(Effect.provide(httpLayer)); then read emulator.requests
 *   return httpLayer
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (emulator: TokenVaultEmulator.TokenVaultEmulator): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(emulator))

/**
 * A layer providing the in-memory `HttpClient` for the emulator in context. It is never shared
 * between builds (`Layer.fresh`): Effect memoizes layers across nested `Effect.provide`s, and an
 * inner emulator must get its own client, not the outer emulator's.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const both = EmulatorHttpClient.layerFromContext.pipe(
 *   Layer.provideMerge(TokenVaultEmulator.layer({ domain: "tenant.example.com", clients: [], users: [] }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromContext: Layer.Layer<HttpClient.HttpClient, never, TokenVaultEmulator.TokenVaultEmulator> = Layer
  .fresh(Layer.effect(HttpClient.HttpClient, TokenVaultEmulator.TokenVaultEmulator.useSync(make)))

/**
 * A fresh emulator for the tenant plus its in-memory `HttpClient`: provide it and the code under
 * test talks to the emulator, while the test reads `TokenVaultEmulator.requests` or sets faults.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as HttpClient from "effect/http/HttpClient"
 * import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.gen(function* () {
 *   const client = yield* HttpClient.HttpClient
 *   yield* client.get("https://tenant.example.com/.well-known/openid-configuration")
 *   return yield* TokenVaultEmulator.requests
 * }).pipe(
 *   Effect.provide(EmulatorHttpClient.layerTenant({ domain: "tenant.example.com", clients: [], users: [] }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTenant = (
  config: TokenVaultEmulator.TenantConfig
): Layer.Layer<HttpClient.HttpClient | TokenVaultEmulator.TokenVaultEmulator> =>
  layerFromContext.pipe(Layer.provideMerge(TokenVaultEmulator.layer(config)))
