/**
 * Requests over the `HttpClient` in context, as a `TokenTransport` sees them: the fallback
 * transport of a `TokenVault` without a `TokenTransport` in context, and the mTLS discovery
 * request.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TokenTransport from "../TokenTransport.js"

/** A header filter that records no header in the client's spans. */
const recordNoHeader = () => false
/** Every header name: what the client redacts, should a header of these requests be rendered. */
const everyHeaderName: ReadonlyArray<RegExp> = [/(?:)/]

/**
 * Runs `effect` with `fetch`'s redirects off (`redirect: "manual"`), for a `FetchHttpClient`
 * (other clients don't read `RequestInit`, and undici's don't follow redirects): a 307 or 308 would
 * otherwise send the form, client secret and subject token included, again to wherever it points.
 */
const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, { ...Option.getOrUndefined(init), redirect: "manual" })
  )

/** The failure of a request that the client sent on to a redirect's `Location`. */
const redirectFollowed: TokenTransport.TransportFailure = {
  _tag: "RequestFailed",
  responseReceived: true,
  detail: "the HttpClient followed a redirect to another URL; token and discovery requests never follow redirects"
}

/**
 * Sends `request` with `client` and reads the response's body, at most `maxBytes` of it, within
 * `timeoutMillis`: a `TokenResponse`, or the `TransportFailure` that says why not. Trace context
 * is not propagated (Auth0 gets no trace ids of the application, and browsers need no CORS
 * preflight for them); the client's span is kept, without any header of the request or the
 * response, whatever `HttpClient.TracerHeaderFilter` the application set: a server that echoes
 * the form into a header would put the client secret and the subject token there. Redirects are
 * not followed: `fetch`'s are turned off, and the answer of a client that followed one anyway is a
 * failure.
 */
export const exchange = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  maxBytes: number,
  timeoutMillis: number
): Effect.Effect<TokenTransport.TokenResponse, TokenTransport.TransportFailure> =>
  Effect.suspend(() => {
    let responseReceived = false
    const sent = withoutRedirects(client.execute(request)).pipe(
      Effect.provideService(HttpClient.TracerPropagationEnabled, false),
      Effect.provideService(HttpClient.TracerHeaderFilter, recordNoHeader),
      Effect.provideService(Headers.CurrentRedactedNames, everyHeaderName)
    )
    return sent.pipe(
      Effect.mapError((error) => TokenTransport.requestFailed(error.reason.cause ?? error.reason._tag, false)),
      Effect.flatMap((response) => {
        responseReceived = true
        // A client that follows redirects itself (`HttpClient.followRedirects`) answers for another URL.
        if (response.request.url !== request.url) return Effect.fail(redirectFollowed)
        const header = (name: string) => response.headers[name]
        const reader = TokenTransport.makeBodyReader(maxBytes, header)
        const tooLarge: TokenTransport.TransportFailure = { _tag: "BodyTooLarge", status: response.status }
        if (reader === undefined) return Effect.fail(tooLarge)
        let within = true
        return response.stream.pipe(
          Stream.runForEachWhile((chunk) => Effect.sync(() => (within = reader.push(chunk)))),
          Effect.matchEffect({
            onFailure: (error) =>
              error.reason._tag === "EmptyBodyError"
                ? Effect.succeed("")
                : Effect.fail(TokenTransport.requestFailed(error.reason.cause ?? error.reason._tag, true)),
            onSuccess: () => (within ? Effect.succeed(reader.text()) : Effect.fail(tooLarge))
          }),
          Effect.map((body): TokenTransport.TokenResponse => ({ status: response.status, header, body }))
        )
      }),
      Effect.timeoutOrElse({
        duration: timeoutMillis,
        orElse: () => Effect.fail<TokenTransport.TransportFailure>({ _tag: "TimedOut", responseReceived })
      })
    )
  })

/** A `TokenTransport` over `client`. */
export const make = (client: HttpClient.HttpClient): TokenTransport.TokenTransport["Service"] => ({
  send: (request) => {
    const { "content-type": contentType, ...headers } = request.headers
    const httpRequest = HttpClientRequest.post(request.url, { headers: Headers.fromInput(headers) }).pipe(
      HttpClientRequest.bodyText(request.body, contentType)
    )
    return exchange(client, httpRequest, request.maxResponseBytes, request.timeoutMillis)
  }
})
