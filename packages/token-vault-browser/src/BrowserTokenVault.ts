/**
 * Token Vault in browsers, web workers and fetch-only runtimes (Cloudflare Workers, Deno, Bun):
 * the HTTP client is the runtime's `fetch`.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as Layer from "effect/Layer"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"

/**
 * An `HttpClient` over the global `fetch`. Provide `FetchHttpClient.Fetch` or
 * `FetchHttpClient.RequestInit` to change either.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 * import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." }).pipe(
 *   Effect.provide(TokenVault.layer({ domain: "example.us.auth0.com", clientId: "id", clientSecret: Redacted.make("secret") })),
 *   Effect.provide(BrowserTokenVault.layerHttpClient())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (): Layer.Layer<HttpClient.HttpClient> => FetchHttpClient.layer

/**
 * `TokenVault` over `fetch`: the core layer with this package's HTTP client. Bad options fail the
 * layer with `InvalidConfigurationError`.
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
 *   }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: TokenVaultOptions.TokenVaultOptions
): Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError> =>
  TokenVault.layer(options).pipe(Layer.provide(layerHttpClient()))

/**
 * `TokenVault` over `fetch` with options from Effect `Config` (by default `AUTH0_DOMAIN`,
 * `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`).
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
  config?: Config.Config.Wrap<TokenVaultOptions.TokenVaultOptions>
): Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError> =>
  TokenVault.layerConfig(config).pipe(Layer.provide(layerHttpClient()))
