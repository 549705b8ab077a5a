/**
 * `@effect-auth0/token-vault-node/promise`: the Promise facade on Node's fast path. The same
 * `ApiClient` as `@effect-auth0/token-vault/promise`, but its exchanges go over this package's
 * undici client (a keep-alive pool, mTLS, proxies) instead of the global `fetch`, which costs
 * more CPU per exchange on Node (see `docs/performance.md`).
 *
 * @since 0.1.0
 */
import {
  ApiClient as FetchApiClient,
  type ApiClientOptions as FetchApiClientOptions
} from "@effect-auth0/token-vault/promise"
import * as NodeTokenVault from "../NodeTokenVault.js"

export {
  type AccessTokenForConnectionOptions,
  type ConnectionTokenSet,
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  type OAuthErrorCause,
  TokenForConnectionError
} from "@effect-auth0/token-vault/promise"

/**
 * The options of the core `ApiClient` (without `customFetch` and `httpClient`) plus the undici
 * client's: `connections`, `keepAliveTimeout`, `connectTimeout`, `tls`, `proxy`,
 * `proxyFromEnvironment` (see `NodeTokenVault.HttpClientOptions`).
 *
 * @example
 * ```ts
 * import type { ApiClientOptions } from "@effect-auth0/token-vault-node/promise"
 *
 * const options: ApiClientOptions = {
 *   domain: "example.us.auth0.com",
 *   clientId: "my-client-id",
 *   clientSecret: "my-client-secret",
 *   connections: 16
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiClientOptions
  extends Omit<FetchApiClientOptions, "customFetch" | "httpClient">, NodeTokenVault.HttpClientOptions
{}

/**
 * `ApiClient` over undici: a drop-in for `@auth0/auth0-api-js`'s `getAccessTokenForConnection`,
 * like the core facade, whose methods, results and errors it shares.
 *
 * @example
 * ```ts
 * import { ApiClient } from "@effect-auth0/token-vault-node/promise"
 *
 * const apiClient = new ApiClient({
 *   domain: "example.us.auth0.com",
 *   clientId: "my-client-id",
 *   clientSecret: process.env["AUTH0_CLIENT_SECRET"]
 * })
 * const { accessToken } = await apiClient.getAccessTokenForConnection({
 *   connection: "github",
 *   accessToken: "eyJ..."
 * })
 * await apiClient.dispose()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export class ApiClient extends FetchApiClient {
  constructor(options: ApiClientOptions) {
    super(overUndici(options))
  }
}

/**
 * The core facade's options with an undici `httpClient`. Nothing is read here: the core facade
 * reads its options (through the prototype) and rejects bad ones with its own errors, and the
 * undici client reads its own when its layer is built, where one that throws fails typed.
 */
const overUndici = (options: ApiClientOptions): FetchApiClientOptions =>
  typeof options !== "object" || options === null
    ? options
    : Object.create(options, { httpClient: { value: NodeTokenVault.layerHttpClient(options), enumerable: true } })
