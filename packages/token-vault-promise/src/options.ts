/**
 * The options and the result of the Promise facade, in plain TypeScript: no Effect type, and no
 * DOM or Node type by name, so that the published declarations compile in any project (a Node
 * project without the DOM lib, a browser project without `@types/node`).
 *
 * @since 1.0.0
 */

/**
 * The unit of a duration written as text.
 *
 * @example
 * ```ts
 * import type { DurationUnit } from "@effect-auth0/token-vault-promise"
 *
 * const unit: DurationUnit = "seconds"
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type DurationUnit =
  | "millis"
  | "milli"
  | "second"
  | "seconds"
  | "minute"
  | "minutes"
  | "hour"
  | "hours"

/**
 * A duration: a number of milliseconds, or text such as `"5 seconds"`.
 *
 * @example
 * ```ts
 * import type { Duration } from "@effect-auth0/token-vault-promise"
 *
 * const durations: Array<Duration> = [1_500, "10 seconds", "2 minutes"]
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type Duration = number | `${number} ${DurationUnit}`

/**
 * The runtime's own `fetch` type where it has one (the DOM lib, `@types/node`), otherwise a
 * structural stand-in: `customFetch` accepts `fetch` itself and any function of its shape.
 *
 * @example
 * ```ts
 * import type { Fetch } from "@effect-auth0/token-vault-promise"
 *
 * const logged: Fetch = (input, init) => {
 *   console.log("token request to", String(input))
 *   return fetch(input, init)
 * }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type Fetch = typeof globalThis extends { fetch: infer F } ? F : StructuralFetch

/**
 * The shape of `fetch` that the facade relies on, for runtimes whose types declare none.
 *
 * @example
 * ```ts
 * import type { StructuralFetch } from "@effect-auth0/token-vault-promise"
 *
 * const answer: StructuralFetch = async () => ({
 *   status: 200,
 *   headers: { get: () => "application/json" },
 *   body: null,
 *   text: async () => "{\"access_token\":\"t\",\"expires_in\":60}",
 *   arrayBuffer: async () => new ArrayBuffer(0)
 * })
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type StructuralFetch = (
  input: string,
  init?: {
    readonly method?: string
    readonly headers?: Record<string, string>
    readonly body?: string
    readonly redirect?: "manual" | "error" | "follow"
    readonly signal?: unknown
  }
) => Promise<{
  readonly status: number
  readonly headers: { get(name: string): string | null }
  readonly body: unknown
  text(): Promise<string>
  arrayBuffer(): Promise<ArrayBuffer>
}>

/**
 * The runtime's `CryptoKey` type where it has one, otherwise its structural shape. Accepted for
 * compatibility with `@auth0/auth0-api-js`.
 *
 * @example
 * ```ts
 * import type { SigningKey } from "@effect-auth0/token-vault-promise"
 *
 * declare const key: SigningKey
 * console.log(key.type)
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type SigningKey = typeof globalThis extends { CryptoKey: { prototype: infer K } } ? K : {
  readonly type: string
  readonly extractable: boolean
  readonly algorithm: object
  readonly usages: ReadonlyArray<string>
}

/**
 * The token cache: on by default, in memory, owned by the client. An entry is served until its
 * `expiresAt` minus `skew` (default 60 seconds); at most `maxEntries` entries (default 10 000).
 *
 * @example
 * ```ts
 * import type { CacheOptions } from "@effect-auth0/token-vault-promise"
 *
 * const cache: CacheOptions = { maxEntries: 50_000, skew: "2 minutes" }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface CacheOptions {
  readonly maxEntries?: number | undefined
  readonly skew?: Duration | undefined
}

/**
 * Retries of transient failures (no response, 502, 503, 504, a 429 with a short `Retry-After`):
 * at most `maxAttempts` tries (default 8), exponential backoff from `baseDelay` (100 ms) up to
 * `maxDelay` (2 s), and a `Retry-After` honoured up to `maxRetryAfter` (10 s).
 *
 * @example
 * ```ts
 * import type { RetryOptions } from "@effect-auth0/token-vault-promise"
 *
 * const retry: RetryOptions = { maxAttempts: 3, baseDelay: "200 millis" }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface RetryOptions {
  readonly maxAttempts?: number | undefined
  readonly baseDelay?: Duration | undefined
  readonly maxDelay?: Duration | undefined
  readonly maxRetryAfter?: Duration | undefined
}

/**
 * Time limits: `attempt` bounds one request (default 10 seconds), `total` a whole call with its
 * retries (default 30 seconds).
 *
 * @example
 * ```ts
 * import type { TimeoutOptions } from "@effect-auth0/token-vault-promise"
 *
 * const timeout: TimeoutOptions = { attempt: "3 seconds", total: "10 seconds" }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface TimeoutOptions {
  readonly attempt?: Duration | undefined
  readonly total?: Duration | undefined
}

/**
 * TLS options of the connections to Auth0 (Node only): the client certificate and its key for
 * mTLS, the key's passphrase, and the certificates to trust instead of the default store.
 * Keys and passphrases never appear in an error message.
 *
 * @example
 * ```ts
 * import * as Fs from "node:fs"
 * import type { TlsOptions } from "@effect-auth0/token-vault-promise"
 *
 * const tls: TlsOptions = { cert: Fs.readFileSync("client.crt"), key: Fs.readFileSync("client.key") }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface TlsOptions {
  readonly cert?: string | Uint8Array | undefined
  readonly key?: string | Uint8Array | undefined
  readonly passphrase?: string | undefined
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined
}

/**
 * Options of undici, the HTTP client on Node (the package's `node` export condition). Elsewhere
 * the facade sends with `fetch`, and giving one of these rejects the calls with
 * `InvalidConfigurationError`; so does giving one together with `customFetch`.
 *
 * - `connections`: the most sockets per origin (default: no limit).
 * - `keepAliveTimeout`: the longest an idle socket is kept (default 4 s, or the server's hint).
 * - `connectTimeout`: the limit for opening a connection, TLS included (default 10 s).
 * - `tls`: see {@link TlsOptions}.
 * - `proxy`: an HTTP(S) proxy URL, e.g. `http://proxy.internal:3128`.
 * - `proxyFromEnvironment`: `true` to follow `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.
 *
 * @example
 * ```ts
 * import type { NodeHttpOptions } from "@effect-auth0/token-vault-promise"
 *
 * const options: NodeHttpOptions = { connections: 16, keepAliveTimeout: "10 seconds", proxyFromEnvironment: true }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface NodeHttpOptions {
  readonly connections?: number | undefined
  readonly keepAliveTimeout?: Duration | undefined
  readonly connectTimeout?: Duration | undefined
  readonly tls?: TlsOptions | undefined
  readonly proxy?: string | undefined
  readonly proxyFromEnvironment?: boolean | undefined
}

/**
 * How the client authenticates at the token endpoint: `client_secret_post` (the default, as
 * Auth0's SDKs), `client_secret_basic`, or mTLS, where the certificate in `tls` is the credential
 * (`tls_client_auth`, `self_signed_tls_client_auth`).
 *
 * @example
 * ```ts
 * import type { ClientAuthentication } from "@effect-auth0/token-vault-promise"
 *
 * const method: ClientAuthentication = "tls_client_auth"
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type ClientAuthentication =
  | "client_secret_post"
  | "client_secret_basic"
  | "tls_client_auth"
  | "self_signed_tls_client_auth"

/**
 * The constructor options, as `@auth0/auth0-api-js` takes them, plus the token cache, retries,
 * time limits, client authentication by mTLS and, on Node, the HTTP client's options.
 *
 * `audience` is accepted for compatibility and not used by the exchange.
 * `clientAssertionSigningKey` (`private_key_jwt`) is not supported yet: when it is given, calls
 * reject with `InvalidConfigurationError` rather than silently authenticate another way.
 * With mTLS (`clientAuthentication: "tls_client_auth"`), give the token endpoint's mTLS alias as
 * `mtlsEndpoint`, or `discoverMtlsEndpoint: true` to read it from the tenant's discovery
 * document, and the certificate and key in `tls` (Node).
 *
 * @example
 * ```ts
 * import type { ApiClientOptions } from "@effect-auth0/token-vault-promise"
 *
 * const options: ApiClientOptions = {
 *   domain: "example.us.auth0.com",
 *   audience: "https://api.example.com",
 *   clientId: "my-client-id",
 *   clientSecret: "my-client-secret"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiClientOptions extends NodeHttpOptions {
  readonly domain: string
  readonly audience?: string | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | undefined
  readonly clientAssertionSigningKey?: string | SigningKey | undefined
  readonly clientAssertionSigningAlg?: string | undefined
  readonly customFetch?: Fetch | undefined
  readonly clientAuthentication?: ClientAuthentication | undefined
  readonly mtlsEndpoint?: string | undefined
  readonly discoverMtlsEndpoint?: boolean | undefined
  readonly cache?: false | CacheOptions | undefined
  readonly retry?: false | RetryOptions | undefined
  readonly timeout?: TimeoutOptions | undefined
}

/**
 * The options of `getAccessTokenForConnection`: the connection and exactly one of the user's
 * Auth0 `accessToken` or `refreshToken`.
 *
 * @example
 * ```ts
 * import type { AccessTokenForConnectionOptions } from "@effect-auth0/token-vault-promise"
 *
 * const options: AccessTokenForConnectionOptions = { connection: "google-oauth2", accessToken: "eyJ..." }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessTokenForConnectionOptions {
  readonly connection: string
  readonly accessToken?: string | undefined
  readonly refreshToken?: string | undefined
  readonly loginHint?: string | undefined
  /** `false` skips the token cache's lookup for this call (the fresh token set still replaces the cached one). */
  readonly cache?: boolean | undefined
}

/**
 * The result: the same five keys as `@auth0/auth0-api-js`, `accessToken` a plain string.
 *
 * @example
 * ```ts
 * import type { ConnectionTokenSet } from "@effect-auth0/token-vault-promise"
 *
 * const authorization = (tokenSet: ConnectionTokenSet) => `Bearer ${tokenSet.accessToken}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionTokenSet {
  readonly accessToken: string
  readonly scope: string | undefined
  readonly expiresAt: number
  readonly connection: string
  readonly loginHint: string | undefined
}
