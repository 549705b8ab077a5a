/**
 * Token Vault on Node.js: the HTTP client is undici, with a keep-alive connection pool owned by
 * the layer, optional mTLS client certificates and proxies. Token requests go straight to
 * undici's `Dispatcher.dispatch()`; everything else through `@effect/platform-node`'s `HttpClient`.
 *
 * @since 0.1.0
 */
import { TokenTransport, TokenVault, TokenVaultError, TokenVaultOptions } from "@effect-auth0/token-vault"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { makeDispatcher } from "./internal/dispatcher.js"
import { httpOptionKeys } from "./internal/optionKeys.js"
import { type ResolvedHttpOptions, resolveHttpOptions, unreadableOptions } from "./internal/options.js"
import { ownFields } from "./internal/own.js"
import { makeTransport } from "./internal/transport.js"

/**
 * TLS options of the connections to Auth0.
 *
 * - `cert`: the client certificate (PEM text or bytes; a chain, leaf first, is fine) presented
 *   for mTLS (`tls_client_auth` / `self_signed_tls_client_auth`).
 * - `key`: its private key (PEM or DER), as `Redacted`.
 * - `passphrase`: the key's passphrase when it is encrypted, as `Redacted`.
 * - `ca`: certificates to trust for the server (PEM text or bytes, one or a list). As with
 *   Node's `tls`, this replaces the default trust store; leave it out for Auth0's public domains.
 *
 * `cert` and `key` go together. The key is decrypted and matched with the certificate when the
 * layer is built: a wrong passphrase or a key of another certificate fails the layer with
 * `InvalidConfigurationError`, whose message never contains the key or the passphrase.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { NodeTokenVault } from "@effect-auth0/token-vault-node"
 *
 * const tls: NodeTokenVault.TlsOptions = {
 *   cert: process.env.AUTH0_MTLS_CERT!,
 *   key: Redacted.make(process.env.AUTH0_MTLS_KEY!)
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TlsOptions {
  readonly cert?: string | Uint8Array | undefined
  readonly key?: Redacted.Redacted<string | Uint8Array> | undefined
  readonly passphrase?: Redacted.Redacted<string> | undefined
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined
}

/**
 * Options of {@link layerHttpClient}. Every one is optional.
 *
 * - `connections`: the most sockets kept open per origin (default: no limit, as undici). When all
 *   are busy, further requests wait for one.
 * - `keepAliveTimeout`: the longest an idle socket is kept for reuse; a server asking for less
 *   (`Keep-Alive: timeout=N`) gets less. Default, as undici: 4 seconds, or the server's hint up to
 *   10 minutes.
 * - `connectTimeout`: the limit for opening a connection, TLS handshake included (default
 *   10 seconds).
 * - `tls`: client certificate, key, passphrase and trusted CAs: see {@link TlsOptions}.
 * - `proxy`: send every request through this HTTP(S) proxy (`http://proxy.internal:3128`);
 *   `Redacted` when the URL carries credentials. HTTPS requests are tunnelled with `CONNECT`,
 *   so TLS (and the client certificate) still runs end to end with Auth0.
 * - `proxyFromEnvironment`: `true` to route as `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (or
 *   their lower-case forms) say, read when the layer is built. Off by default: like Node's own
 *   HTTP clients, the adapter ignores these variables unless asked. Not together with `proxy`.
 *
 * Neither proxy carries a plain-`http` loopback origin (`http://127.0.0.1:PORT`, the emulator):
 * those requests go straight to the loopback host, so plaintext never leaves the machine. Options
 * are read as own properties only: values inherited from a polluted `Object.prototype` are ignored.
 *
 * @example
 * ```ts
 * import type { NodeTokenVault } from "@effect-auth0/token-vault-node"
 *
 * const options: NodeTokenVault.HttpClientOptions = {
 *   connections: 16,
 *   keepAliveTimeout: "10 seconds",
 *   connectTimeout: "3 seconds",
 *   proxyFromEnvironment: true
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface HttpClientOptions {
  readonly connections?: number | undefined
  readonly keepAliveTimeout?: Duration.Input | undefined
  readonly connectTimeout?: Duration.Input | undefined
  readonly tls?: TlsOptions | undefined
  readonly proxy?: string | Redacted.Redacted<string> | undefined
  readonly proxyFromEnvironment?: boolean | undefined
}

/**
 * Options of {@link layer}: the core's `TokenVaultOptions` and this package's
 * {@link HttpClientOptions}, side by side.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { NodeTokenVault } from "@effect-auth0/token-vault-node"
 *
 * const options: NodeTokenVault.LayerOptions = {
 *   domain: "login.example.com",
 *   clientId: "my-client-id",
 *   clientAuthentication: "tls_client_auth",
 *   mtlsEndpoint: "https://mtls.login.example.com/oauth/token",
 *   tls: { cert: "-----BEGIN CERTIFICATE-----...", key: Redacted.make("-----BEGIN PRIVATE KEY-----...") }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LayerOptions extends TokenVaultOptions.TokenVaultOptions, HttpClientOptions {}

/**
 * The undici `HttpClient` and `TokenTransport` over one dispatcher: the layer's own keep-alive
 * pool, created when the layer is built and destroyed with its scope. Built here rather than from
 * `NodeHttpClient`'s shared layers, which Effect memoizes across layers: two `NodeTokenVault`
 * layers must never share a client or a pool.
 */
const httpClientFrom = (
  resolved: ResolvedHttpOptions
): Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport, TokenVaultError.InvalidConfigurationError> =>
  Layer.effectContext(Effect.gen(function*() {
    const dispatcher = yield* makeDispatcher(resolved)
    const client = yield* Effect.provideService(NodeHttpClient.makeUndici, NodeHttpClient.Dispatcher, dispatcher)
    return Context.make(HttpClient.HttpClient, client).pipe(
      Context.add(TokenTransport.TokenTransport, makeTransport(dispatcher))
    )
  }))

/**
 * An `HttpClient` over undici, and next to it the `TokenTransport` a `TokenVault` sends its
 * token requests with: straight to undici's `Dispatcher.dispatch()`, over the same connection
 * pool. Other requests (mTLS endpoint discovery, the application's own) go through the
 * `HttpClient`. The dispatcher, a keep-alive pool, lives as long as the layer: it is created when
 * the layer is built and closed, with its sockets, when the layer's scope closes. Invalid options
 * fail the layer with `InvalidConfigurationError`.
 *
 * Token requests do not pass through middleware applied to the `HttpClient` (`HttpClient.mapRequest`,
 * ...): to send them through it, provide a `TokenVault` with an `HttpClient` and no
 * `TokenTransport`, and the core sends them with that client.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 * import { NodeTokenVault } from "@effect-auth0/token-vault-node"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." }).pipe(
 *   Effect.provide(TokenVault.layer({ domain: "example.us.auth0.com", clientId: "id", clientSecret: Redacted.make("secret") })),
 *   Effect.provide(NodeTokenVault.layerHttpClient({ connections: 8, proxy: "http://proxy.internal:3128" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (
  options: HttpClientOptions = {}
): Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport, TokenVaultError.InvalidConfigurationError> =>
  Layer.unwrap(Effect.map(resolveHttpOptions(options), httpClientFrom))

const isMtlsMethod = Schema.is(TokenVaultOptions.MtlsClientAuthenticationMethod)

const httpKeys: ReadonlySet<PropertyKey> = new Set(httpOptionKeys)

/**
 * `TokenVault` over undici: the core layer with this package's HTTP client. Bad options, of the
 * core or of the HTTP client, fail the layer with `InvalidConfigurationError`; so does an mTLS
 * `clientAuthentication` without `tls.cert` and `tls.key`.
 *
 * @example
 * ```ts
 * import * as Fs from "node:fs"
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 * import { NodeTokenVault } from "@effect-auth0/token-vault-node"
 *
 * // client secret
 * const withSecret = NodeTokenVault.layer({
 *   domain: "example.us.auth0.com",
 *   clientId: "my-client-id",
 *   clientSecret: Redacted.make("my-client-secret")
 * })
 *
 * // mTLS: the certificate is the credential, no secret on the wire
 * const withCertificate = NodeTokenVault.layer({
 *   domain: "login.example.com",
 *   clientId: "my-client-id",
 *   clientAuthentication: "tls_client_auth",
 *   discoverMtlsEndpoint: true,
 *   tls: {
 *     cert: Fs.readFileSync("client.crt"),
 *     key: Redacted.make(Fs.readFileSync("client.key"))
 *   }
 * })
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: "eyJ..." }).pipe(
 *   Effect.provide(withSecret)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: LayerOptions
): Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError> =>
  Layer.unwrap(Effect.gen(function*() {
    if (typeof options !== "object" || options === null) {
      return yield* new TokenVaultError.InvalidConfigurationError({
        option: "options",
        message: "options must be an object"
      })
    }
    // Reading the options may throw (a getter, a Proxy): that fails typed too. Own properties
    // only: the core's options are the own enumerable rest (symbol keys included), the HTTP
    // options never come from a polluted prototype.
    const { core, http } = yield* Effect.try({
      try: () => {
        const core: Record<PropertyKey, unknown> = {}
        for (const key of Reflect.ownKeys(options)) {
          if (!httpKeys.has(key) && Object.prototype.propertyIsEnumerable.call(options, key)) {
            core[key] = (options as unknown as Record<PropertyKey, unknown>)[key]
          }
        }
        return {
          core: core as unknown as TokenVaultOptions.TokenVaultOptions,
          http: ownFields(options, httpOptionKeys)
        }
      },
      catch: unreadableOptions
    })
    const resolved = yield* resolveHttpOptions(http)
    const clientAuthentication = Object.hasOwn(core, "clientAuthentication") ? core.clientAuthentication : undefined
    if (isMtlsMethod(clientAuthentication) && resolved.tls?.clientCertificate !== true) {
      return yield* new TokenVaultError.InvalidConfigurationError({
        option: "tls",
        message: `clientAuthentication ${clientAuthentication} needs a client certificate: give tls.cert and tls.key`
      })
    }
    return TokenVault.layer(core).pipe(Layer.provide(httpClientFrom(resolved)))
  }))

/** The mTLS part of the default configuration; `undefined` when none of its variables is set. */
const tlsConfig: Config.Config<TlsOptions | undefined> = Config.all({
  cert: Config.option(Config.String("AUTH0_MTLS_CERT")),
  key: Config.option(Config.Redacted("AUTH0_MTLS_KEY")),
  passphrase: Config.option(Config.Redacted("AUTH0_MTLS_KEY_PASSPHRASE")),
  ca: Config.option(Config.String("AUTH0_MTLS_CA"))
}).pipe(Config.map(({ ca, cert, key, passphrase }): TlsOptions | undefined => {
  if (Option.isNone(cert) && Option.isNone(key) && Option.isNone(passphrase) && Option.isNone(ca)) return undefined
  return {
    ...Option.match(cert, { onNone: () => ({}), onSome: (cert) => ({ cert }) }),
    ...Option.match(key, { onNone: () => ({}), onSome: (key) => ({ key }) }),
    ...Option.match(passphrase, { onNone: () => ({}), onSome: (passphrase) => ({ passphrase }) }),
    ...Option.match(ca, { onNone: () => ({}), onSome: (ca) => ({ ca }) })
  }
}))

/** The core's variables (`TokenVaultOptions.config`) and the `AUTH0_MTLS_*` certificate ones. */
const defaultConfig: Config.Config<LayerOptions> = Config.all({ core: TokenVaultOptions.config, tls: tlsConfig }).pipe(
  Config.map(({ core, tls }): LayerOptions => (tls === undefined ? core : { ...core, tls }))
)

/**
 * `TokenVault` over undici with options from Effect `Config`. By default it reads:
 *
 * - `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, and `AUTH0_CLIENT_SECRET` or, for `private_key_jwt`,
 *   `AUTH0_CLIENT_ASSERTION_SIGNING_KEY` (a PKCS#8 PEM text; both read as `Redacted`; neither is
 *   needed with mTLS), with optionally `AUTH0_CLIENT_ASSERTION_SIGNING_ALG` (default `RS256`);
 * - optionally `AUTH0_CLIENT_AUTHENTICATION` (`client_secret_post`, `client_secret_basic`,
 *   `private_key_jwt`, `tls_client_auth`, `self_signed_tls_client_auth`) and `AUTH0_MTLS_ENDPOINT`;
 * - optionally, as PEM text, `AUTH0_MTLS_CERT`, `AUTH0_MTLS_KEY`, `AUTH0_MTLS_KEY_PASSPHRASE`
 *   (both read as `Redacted`) and `AUTH0_MTLS_CA`.
 *
 * Proxies and pool sizes are not read from the environment: give a config of
 * {@link LayerOptions} for those (`proxyFromEnvironment: Config.succeed(true)` for
 * `HTTPS_PROXY` / `NO_PROXY`). Missing or invalid configuration fails the layer with
 * `InvalidConfigurationError`.
 *
 * @example
 * ```ts
 * import { Config, Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 * import { NodeTokenVault } from "@effect-auth0/token-vault-node"
 *
 * const program = TokenVault.getAccessTokenForConnection({ connection: "slack", refreshToken: "v1.M..." }).pipe(
 *   Effect.provide(NodeTokenVault.layerConfig())
 * )
 *
 * // Or name the variables, and add HTTP options.
 * const custom = NodeTokenVault.layerConfig({
 *   domain: Config.String("TENANT_DOMAIN"),
 *   clientId: Config.String("TENANT_CLIENT_ID"),
 *   clientSecret: Config.Redacted("TENANT_CLIENT_SECRET"),
 *   proxyFromEnvironment: Config.succeed(true)
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Wrap<LayerOptions> = defaultConfig
): Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError> =>
  Layer.unwrap(
    Effect.map(TokenVaultOptions.loadConfig<LayerOptions>(config), layer)
  )
