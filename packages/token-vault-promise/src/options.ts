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
 * The runtime's `CryptoKey` type where it has one, otherwise its structural shape: a WebCrypto
 * key as `clientAssertionSigningKey` (as `@auth0/auth0-api-js` takes it) or as a DPoP key. A
 * private key needs the `sign` usage; it may be non-extractable.
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
 * A JSON Web Key (RFC 7517): the members of WebCrypto's `JsonWebKey`, declared here so that the
 * declarations need no DOM lib. `crypto.subtle.exportKey("jwk", key)` returns one, and a
 * `JsonWebKey` of the DOM lib or of `@types/node` is assignable to it. A private key (with `d`)
 * is never copied into an error message.
 *
 * @example
 * ```ts
 * import type { JsonWebKey } from "@effect-auth0/token-vault-promise"
 *
 * const publicKey: JsonWebKey = {
 *   kty: "EC",
 *   crv: "P-256",
 *   x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
 *   y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
 * }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface JsonWebKey {
  readonly kty?: string | undefined
  readonly alg?: string | undefined
  readonly use?: string | undefined
  readonly key_ops?: ReadonlyArray<string> | undefined
  readonly ext?: boolean | undefined
  readonly crv?: string | undefined
  readonly x?: string | undefined
  readonly y?: string | undefined
  readonly n?: string | undefined
  readonly e?: string | undefined
  readonly d?: string | undefined
  readonly p?: string | undefined
  readonly q?: string | undefined
  readonly dp?: string | undefined
  readonly dq?: string | undefined
  readonly qi?: string | undefined
  readonly oth?: ReadonlyArray<{ readonly r?: string; readonly d?: string; readonly t?: string }> | undefined
  readonly k?: string | undefined
}

/**
 * The algorithms that sign client assertions (`private_key_jwt`) and DPoP proofs: those Auth0
 * accepts. `RS256` is the default of client assertions, `ES256` that of DPoP proofs.
 *
 * @example
 * ```ts
 * import type { SigningAlgorithm } from "@effect-auth0/token-vault-promise"
 *
 * const algorithm: SigningAlgorithm = "PS256"
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type SigningAlgorithm = "RS256" | "RS384" | "PS256" | "PS384" | "ES256" | "ES384"

/**
 * DPoP (RFC 9449) on the token request, for applications whose Auth0 tokens are bound to a key
 * pair. Every request carries a fresh proof signed with `privateKey`, bound to the method and the
 * token URL; when Auth0 asks for a nonce (`use_dpop_nonce`), the request is sent once more with
 * it, and the nonce is used from then on.
 *
 * - `privateKey`: a PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`), a `CryptoKey` with the `sign`
 *   usage, or a private JWK.
 * - `publicKey`: its public key, as a `CryptoKey` or a JWK; needed only when `privateKey` is a
 *   `CryptoKey` that is not extractable (a PEM text, a private JWK or an extractable key carries
 *   its public part). One given is checked against the private key.
 * - `algorithm`: one of the {@link SigningAlgorithm}s; by default the one of a `CryptoKey`'s
 *   algorithm, otherwise `ES256`.
 *
 * The key is imported once per client. A key that cannot be imported, or that does not fit the
 * algorithm, rejects the calls with `InvalidConfigurationError`; key material never appears in
 * an error.
 *
 * @example
 * ```ts
 * import { ApiClient, type DpopOptions } from "@effect-auth0/token-vault-promise"
 *
 * const keyPair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])
 * const dpop: DpopOptions = { privateKey: keyPair.privateKey, publicKey: keyPair.publicKey }
 *
 * export const apiClient = new ApiClient({
 *   domain: "example.us.auth0.com",
 *   clientId: "my-client-id",
 *   clientSecret: "my-client-secret",
 *   dpop
 * })
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface DpopOptions {
  readonly privateKey: string | SigningKey | JsonWebKey
  readonly publicKey?: SigningKey | JsonWebKey | undefined
  readonly algorithm?: SigningAlgorithm | undefined
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
 * How the client authenticates at the token endpoint: `client_secret_post` (the default without a
 * signing key, as Auth0's SDKs), `client_secret_basic`, `private_key_jwt` (the default with
 * `clientAssertionSigningKey`: a client assertion signed with the application's private key), or
 * mTLS, where the certificate in `tls` is the credential (`tls_client_auth`,
 * `self_signed_tls_client_auth`).
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
  | "private_key_jwt"
  | "tls_client_auth"
  | "self_signed_tls_client_auth"

/**
 * The constructor options, as `@auth0/auth0-api-js` takes them, plus the token cache, retries,
 * time limits, client authentication by mTLS, DPoP and, on Node, the HTTP client's options.
 *
 * `audience` is accepted for compatibility and not used by the exchange.
 *
 * With `clientAssertionSigningKey` the client authenticates with `private_key_jwt`, as Auth0's
 * SDKs do: every request carries a fresh client assertion (a JWT signed with that key, `iss` and
 * `sub` the client id, `aud` the tenant's issuer `https://DOMAIN/`, a unique `jti`, valid for 60
 * seconds). The key is a PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`) or a `CryptoKey` with the
 * `sign` usage, imported once per client; `clientAssertionSigningAlg` is one of RS256 (the
 * default), RS384, PS256, PS384, ES256 and ES384 (for a `CryptoKey`, the default is the key's own
 * algorithm). A key that cannot be imported, or an algorithm that does not fit it, rejects the
 * calls with `InvalidConfigurationError`; key material never appears in an error.
 *
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
 *
 * // private_key_jwt: the application's private key, e.g. from a secret store
 * declare const privateKeyPem: string // "-----BEGIN PRIVATE KEY-----\n..."
 * const withKey: ApiClientOptions = {
 *   domain: "example.us.auth0.com",
 *   clientId: "my-client-id",
 *   clientAssertionSigningKey: privateKeyPem,
 *   clientAssertionSigningAlg: "PS256"
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
  readonly dpop?: DpopOptions | undefined
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
 * Auth0 `accessToken` or `refreshToken`, and optionally:
 *
 * - `loginHint`: which of the user's accounts at the connection, when there are several.
 * - `scope`: space-delimited scopes to down-scope the federated token to, a subset of those the
 *   user granted (an Early Access feature of Auth0). Sent as the form field `scope`; calls with
 *   other scopes are cached apart (the order of the scopes does not matter).
 * - `forwardedFor`: the end user's IP address (IPv4 or IPv6), sent as the `auth0-forwarded-for`
 *   header, so that Auth0's suspicious-IP throttling sees the user rather than your server. Not
 *   part of the cache key. Anything but an IP address rejects the call.
 * - `cache: false`: skip the token cache's lookup for this call.
 *
 * @example
 * ```ts
 * import type { AccessTokenForConnectionOptions } from "@effect-auth0/token-vault-promise"
 *
 * const options: AccessTokenForConnectionOptions = { connection: "google-oauth2", accessToken: "eyJ..." }
 *
 * const downScoped: AccessTokenForConnectionOptions = {
 *   connection: "google-oauth2",
 *   accessToken: "eyJ...",
 *   scope: "https://www.googleapis.com/auth/calendar.readonly",
 *   forwardedFor: "203.0.113.7"
 * }
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
  /** Space-delimited scopes, a subset of those the user granted; part of the cache key. */
  readonly scope?: string | undefined
  /** The end user's IP address, sent as `auth0-forwarded-for`; not part of the cache key. */
  readonly forwardedFor?: string | undefined
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
