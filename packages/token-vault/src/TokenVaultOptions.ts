/**
 * The options of a Token Vault client: which tenant, which application, how it authenticates.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as Redacted from "effect/Redacted"

/**
 * How the client authenticates at the token endpoint. `client_secret_post` (the default, what
 * Auth0's SDKs send) puts `client_id` and `client_secret` in the form body; `client_secret_basic`
 * sends them in an `Authorization: Basic` header.
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const method: TokenVaultOptions.ClientAuthenticationMethod = "client_secret_basic"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ClientAuthenticationMethod = "client_secret_post" | "client_secret_basic"

/**
 * Options of `TokenVault.make` and `TokenVault.layer`.
 *
 * - `domain`: the tenant's domain (`tenant.eu.auth0.com`, `https://login.example.com/`, ...).
 *   `https` only, except plain `http` to `127.0.0.1`, `[::1]` or `localhost` (the emulator).
 * - `clientId`: the application's client id.
 * - `clientSecret`: the application's secret, as `Redacted`.
 * - `clientAuthentication`: `client_secret_post` (default) or `client_secret_basic`.
 * - `telemetry`: send the `Auth0-Client` header naming this library and its version (default
 *   `true`, as Auth0's SDKs do).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const options: TokenVaultOptions.TokenVaultOptions = {
 *   domain: "example.us.auth0.com",
 *   clientId: "my-client-id",
 *   clientSecret: Redacted.make("my-client-secret")
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenVaultOptions {
  readonly domain: string
  readonly clientId: string
  readonly clientSecret?: Redacted.Redacted<string> | undefined
  readonly clientAuthentication?: ClientAuthenticationMethod | undefined
  readonly telemetry?: boolean | undefined
}

/**
 * The default configuration of `TokenVault.layerConfig`: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID` and
 * `AUTH0_CLIENT_SECRET` (read as `Redacted`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const program = Effect.gen(function* () {
 *   const options = yield* TokenVaultOptions.config
 *   return options.domain
 * })
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<TokenVaultOptions> = Config.all({
  domain: Config.string("AUTH0_DOMAIN"),
  clientId: Config.string("AUTH0_CLIENT_ID"),
  clientSecret: Config.redacted("AUTH0_CLIENT_SECRET")
})
