/**
 * A `TokenTransport` straight on `fetch`: one call per request, one timer, the body read once
 * and bounded, without the `HttpClient`'s request and response models. The browser adapter's
 * transport and the Promise facade's default outside Node.
 *
 * @since 1.0.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TokenTransport from "./TokenTransport.js"

/**
 * Options of {@link make} and {@link layer}: the `fetch` to call (by default the global one,
 * looked up at each request, so a polyfill or a test double installed later is used), and
 * `RequestInit` fields to add to each request, such as `credentials: "omit"`. Redirects are
 * never followed (`redirect: "manual"`): a 307 or 308 would send the form, client secret and
 * subject token included, again to wherever it points.
 *
 * @example
 * ```ts
 * import type { FetchTokenTransport } from "@effect-auth0/token-vault"
 *
 * const options: FetchTokenTransport.Options = { init: { credentials: "omit" } }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  readonly fetch?: typeof globalThis.fetch | undefined
  readonly init?: Omit<globalThis.RequestInit, "method" | "headers" | "body" | "signal" | "redirect"> | undefined
}

/**
 * Reads a `fetch` body into `reader`, chunk by chunk; `false` when it passed the limit (the body
 * is then cancelled).
 */
const readInto = async (
  body: ReadableStream<Uint8Array> | null,
  reader: TokenTransport.BodyReader
): Promise<boolean> => {
  if (body === null) return true
  const chunks = body.getReader()
  for (let read = await chunks.read(); !read.done; read = await chunks.read()) {
    if (!reader.push(read.value)) {
      await chunks.cancel()
      return false
    }
  }
  return true
}

/**
 * The `TokenTransport` service over `fetch`.
 *
 * @example
 * ```ts
 * import { FetchTokenTransport } from "@effect-auth0/token-vault"
 *
 * const transport = FetchTokenTransport.make({ init: { credentials: "omit" } })
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options: Options = {}): TokenTransport.TokenTransport["Service"] => {
  const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const init = options.init
  return {
    send: (request) =>
      TokenTransport.fromCallback(request, (settle) => {
        const controller = new AbortController()
        let responseReceived = false
        let answered: Promise<Response>
        try {
          // A custom `fetch` may throw, or return something that is not a promise: both end typed.
          answered = Promise.resolve(
            fetch(request.url, {
              ...init,
              method: "POST",
              headers: request.headers,
              body: request.body,
              signal: controller.signal,
              redirect: "manual"
            })
          )
        } catch (error) {
          answered = Promise.reject(error)
        }
        answered.then(async (response) => {
          responseReceived = true
          const header = (name: string) => response.headers.get(name) ?? undefined
          const reader = TokenTransport.makeBodyReader(request.maxResponseBytes, header)
          const tooLarge = () => settle(Effect.fail({ _tag: "BodyTooLarge", status: response.status }))
          if (reader === undefined) {
            tooLarge()
            return response.body?.cancel()
          }
          if (await readInto(response.body, reader)) {
            settle(Effect.succeed({ status: response.status, header, body: reader.text() }))
          } else tooLarge()
        }).catch((error: unknown) => settle(Effect.fail(TokenTransport.requestFailed(error, responseReceived))))
        return { responseReceived: () => responseReceived, stop: () => controller.abort() }
      })
  }
}

/**
 * A layer of the `TokenTransport` service over `fetch`. Provide it next to an `HttpClient` (for
 * instance `FetchHttpClient.layer`): a `TokenVault` sends its token requests with it, and
 * everything else with the `HttpClient`.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import * as FetchHttpClient from "effect/http/FetchHttpClient"
 * import { FetchTokenTransport, TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." }).pipe(
 *   Effect.provide(TokenVault.layer({ domain: "example.us.auth0.com", clientId: "id", clientSecret: Redacted.make("secret") })),
 *   Effect.provide(Layer.merge(FetchHttpClient.layer, FetchTokenTransport.layer({ init: { credentials: "omit" } })))
 * )
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<TokenTransport.TokenTransport> =>
  Layer.succeed(TokenTransport.TokenTransport, make(options))
