/**
 * Token Vault in browsers, web workers and fetch-only runtimes (Cloudflare Workers, Deno, Bun):
 * the HTTP client is the runtime's `fetch`. Token requests go straight to it (the core's
 * `FetchTokenTransport`); anything else through Effect's `FetchHttpClient`.
 *
 * `fetch` is the one HTTP API all of these runtimes share (an `XMLHttpRequest` client would need
 * XHR, which only pages and dedicated or shared workers have: not service workers, Cloudflare
 * Workers, Deno or Bun), so this package uses nothing else.
 *
 * Token requests carry no trace propagation headers (`traceparent` / `b3` would fail the CORS
 * preflight at Auth0 and leak the application's trace ids); spans are kept.
 *
 * @since 0.1.0
 */
import {
  FetchTokenTransport,
  type TokenTransport,
  TokenVault,
  type TokenVaultError,
  type TokenVaultOptions
} from "@effect-auth0/token-vault"
import type * as Config from "effect/Config"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"

/**
 * Options of {@link layerHttpClient}: which `fetch` to call and the `RequestInit` fields that
 * make sense for a cross-origin token request (written out, so that no DOM type is needed). Every
 * field is optional; a field left out is not passed to `fetch` at all (some runtimes reject fields
 * they do not implement).
 *
 * - `fetch`: the function to call; default: the global `fetch`, looked up at each request (so a
 *   polyfill or test double installed later is used).
 * - `credentials`: `"omit"` keeps the browser's cookies and HTTP auth for the tenant's domain out
 *   of the request; the exchange never needs them. Default: the runtime's (`"same-origin"`).
 * - `mode`: `"cors"` (the default for cross-origin URLs) or `"same-origin"` to refuse any
 *   cross-origin call (for a token endpoint proxied through your own origin). `"no-cors"` is not
 *   offered: its opaque responses cannot be read.
 * - `referrerPolicy`: `"no-referrer"` keeps the page's URL out of the request.
 * - `redirect`: `"error"` refuses to follow a redirect (a `307` would repeat the form, with its
 *   client secret and subject token, to the redirect's target). Not every runtime implements
 *   `"error"`; Cloudflare Workers support `"follow"` and `"manual"`.
 *
 * @example
 * ```ts
 * import type { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
 *
 * const options: BrowserTokenVault.HttpClientOptions = {
 *   credentials: "omit",
 *   referrerPolicy: "no-referrer"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface HttpClientOptions {
  readonly fetch?: typeof globalThis.fetch | undefined
  readonly credentials?: "omit" | "same-origin" | "include" | undefined
  readonly mode?: "cors" | "same-origin" | undefined
  readonly referrerPolicy?:
    | "no-referrer"
    | "no-referrer-when-downgrade"
    | "origin"
    | "origin-when-cross-origin"
    | "same-origin"
    | "strict-origin"
    | "strict-origin-when-cross-origin"
    | "unsafe-url"
    | undefined
  readonly redirect?: "follow" | "error" | "manual" | undefined
}

const requestInitKeys = ["credentials", "mode", "referrerPolicy", "redirect"] as const

/** The `RequestInit` fields that were given, and only those. */
const requestInitOf = (options: HttpClientOptions): globalThis.RequestInit | undefined => {
  const init: Record<string, string> = {}
  for (const key of requestInitKeys) {
    const value = options[key]
    if (value !== undefined) init[key] = value
  }
  return Object.keys(init).length === 0 ? undefined : (init as globalThis.RequestInit)
}

/** The global `fetch`, looked up at each call (so a polyfill or test double installed later is used). */
const globalFetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init)

/**
 * An `HttpClient` over `fetch` (the global one, or `options.fetch`) with the `RequestInit` fields
 * given in `options`: Effect's `FetchHttpClient`, and next to it a `TokenTransport` over the same
 * `fetch` and fields (the core's `FetchTokenTransport`), so that a `TokenVault` sends its token
 * requests straight to `fetch`, without trace headers and never following a redirect.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 * import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." }).pipe(
 *   Effect.provide(TokenVault.layer({ domain: "example.us.auth0.com", clientId: "id", clientSecret: Redacted.make("secret") })),
 *   Effect.provide(BrowserTokenVault.layerHttpClient({ credentials: "omit", referrerPolicy: "no-referrer" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (
  options: HttpClientOptions = {}
): Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport> => {
  const fetch = options.fetch ?? globalFetch
  const init = requestInitOf(options)
  // `FetchHttpClient.layer` keeps the context it is built in for its requests.
  const fetchContext = init === undefined
    ? Layer.succeed(FetchHttpClient.Fetch, fetch)
    : Layer.merge(Layer.succeed(FetchHttpClient.Fetch, fetch), Layer.succeed(FetchHttpClient.RequestInit, init))
  return Layer.merge(
    Layer.provide(FetchHttpClient.layer, fetchContext),
    FetchTokenTransport.layer({ fetch, init })
  )
}

/**
 * `TokenVault` over `fetch`: the core layer with this package's HTTP client and token transport,
 * configured by the optional second argument. Bad options fail the layer with `InvalidConfigurationError`.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 * import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: "eyJ..." }).pipe(
 *   Effect.provide(BrowserTokenVault.layer({
 *     domain: "example.us.auth0.com",
 *     clientId: "my-client-id",
 *     clientSecret: Redacted.make("my-client-secret")
 *   }, { credentials: "omit" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: TokenVaultOptions.TokenVaultOptions,
  httpClientOptions?: HttpClientOptions
): Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError> =>
  TokenVault.layer(options).pipe(Layer.provide(layerHttpClient(httpClientOptions)))

/**
 * `TokenVault` over `fetch` with options from Effect `Config` (by default `AUTH0_DOMAIN`,
 * `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`). In a Cloudflare Worker, build the `ConfigProvider`
 * from the Worker's `env` (`ConfigProvider.fromJson(env)`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 * import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "slack", refreshToken: "v1.M..." }).pipe(
 *   Effect.provide(BrowserTokenVault.layerConfig())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config?: Config.Wrap<TokenVaultOptions.TokenVaultOptions>,
  httpClientOptions?: HttpClientOptions
): Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError> =>
  TokenVault.layerConfig(config).pipe(Layer.provide(layerHttpClient(httpClientOptions)))
