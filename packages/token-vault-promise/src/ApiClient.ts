/**
 * `ApiClient`: a Promise API for plain TypeScript, a drop-in for the
 * `getAccessTokenForConnection` method of `@auth0/auth0-api-js`'s `ApiClient`.
 *
 * @since 0.1.0
 */
import { httpLayer } from "#http"
import { TokenVault, type TokenVaultError } from "@effect-auth0/token-vault"
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { parseDomain } from "../../token-vault/src/internal/domain.js"
import { unreadableOptions } from "../../token-vault/src/internal/unreadable.js"
import { InvalidConfigurationError, MissingRequiredArgumentError, TokenForConnectionError } from "./errors.js"
import { readSettings, type Settings } from "./internal/settings.js"
import { signingOptions } from "./internal/signingKeys.js"
import { toFacadeError } from "./internal/toFacadeError.js"
import type { AccessTokenForConnectionOptions, ApiClientOptions, ConnectionTokenSet } from "./options.js"

type CallOptions = Parameters<typeof TokenVault.getAccessTokenForConnection>[0]

/**
 * Exchanges Auth0 tokens for federated connection access tokens with Promises. Runs the
 * library's Effect program, bundled into this package, on a runtime of its own that `dispose()`
 * releases. On Node it sends with undici (a keep-alive pool; see `NodeHttpOptions`), elsewhere
 * with `fetch`; with `customFetch`, through that function.
 *
 * The constructor throws `MissingRequiredArgumentError` without a `domain` and
 * `InvalidConfigurationError` for an empty or malformed one, as Auth0's SDK does; other
 * configuration errors reject the calls.
 *
 * @example
 * ```ts
 * import { ApiClient } from "@effect-auth0/token-vault-promise"
 *
 * const apiClient = new ApiClient({
 *   domain: "example.us.auth0.com",
 *   audience: "https://api.example.com",
 *   clientId: "my-client-id",
 *   clientSecret: "my-client-secret"
 * })
 *
 * const { accessToken, expiresAt } = await apiClient.getAccessTokenForConnection({
 *   connection: "google-oauth2",
 *   accessToken: "eyJ..." // the user's Auth0 access token
 * })
 * await apiClient.dispose()
 *
 * // private_key_jwt instead of a secret: a PKCS#8 PEM text (or a CryptoKey)
 * declare const privateKeyPem: string
 * const keyClient = new ApiClient({
 *   domain: "example.us.auth0.com",
 *   clientId: "my-client-id",
 *   clientAssertionSigningKey: privateKeyPem,
 *   clientAssertionSigningAlg: "RS256"
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export class ApiClient {
  readonly #runtime: ManagedRuntime.ManagedRuntime<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError>
  #disposed = false

  constructor(options: ApiClientOptions) {
    if (typeof options !== "object" || options === null) throw new MissingRequiredArgumentError("domain")
    let settings: Settings
    let signing: Readonly<Record<string, unknown>>
    try {
      settings = readSettings(options)
      signing = signingOptions(settings)
    } catch {
      // A getter or Proxy trap that throws: what it threw may quote a secret.
      throw new InvalidConfigurationError(`Invalid options configuration: ${unreadableOptions}`)
    }
    const domain = settings.domain
    if (domain === undefined || domain === null) throw new MissingRequiredArgumentError("domain")
    const origin = typeof domain === "string" ? parseDomain(domain) : Result.fail("domain must be a string")
    if (Result.isFailure(origin)) throw new InvalidConfigurationError(`Invalid domain configuration: ${origin.failure}`)
    // The values are passed on unchecked (`as never`): the core validates every option when the
    // layer is built, and a bad one rejects the calls with its InvalidConfigurationError.
    this.#runtime = ManagedRuntime.make(
      TokenVault.layer({
        domain: domain as string,
        clientId: (settings.clientId ?? "") as string,
        clientSecret: settings.clientSecret === undefined ? undefined : Redacted.make(settings.clientSecret as string),
        ...signing,
        clientAuthentication: settings.clientAuthentication as never,
        mtlsEndpoint: settings.mtlsEndpoint as never,
        discoverMtlsEndpoint: settings.discoverMtlsEndpoint as never,
        cache: settings.cache as never,
        retry: settings.retry as never,
        timeout: settings.timeout as never
      }).pipe(Layer.provide(httpLayer(settings)))
    )
  }

  /**
   * Exchanges the user's Auth0 access token or refresh token for the connection's access token.
   * Rejects with `TokenForConnectionError` when the exchange fails (its `reason` says why),
   * `MissingClientAuthError` without client authentication, `MissingRequiredArgumentError`
   * without a `connection`, `InvalidConfigurationError` when an option of the client is wrong (a
   * signing key that cannot be imported, for one). The first call of a client with
   * `clientAssertionSigningKey` or `dpop` loads the signing code and imports the keys.
   *
   * @example
   * ```ts
   * import { ApiClient } from "@effect-auth0/token-vault-promise"
   *
   * declare const apiClient: ApiClient
   * const tokenSet = await apiClient.getAccessTokenForConnection({
   *   connection: "github",
   *   refreshToken: "v1.M...",
   *   loginHint: "octocat"
   * })
   *
   * // Down-scoped to read-only, and the end user's IP for Auth0's suspicious-IP throttling.
   * const readOnly = await apiClient.getAccessTokenForConnection({
   *   connection: "github",
   *   refreshToken: "v1.M...",
   *   scope: "read:user",
   *   forwardedFor: "203.0.113.7"
   * })
   * ```
   *
   * @since 0.1.0
   */
  async getAccessTokenForConnection(options: AccessTokenForConnectionOptions): Promise<ConnectionTokenSet> {
    this.#assertUsable()
    const exit = await this.#runtime.runPromiseExit(TokenVault.getAccessTokenForConnection(options as CallOptions))
    if (Exit.isFailure(exit)) throw this.#rejection(exit.cause)
    const tokenSet = exit.value
    return {
      accessToken: Redacted.value(tokenSet.accessToken),
      scope: tokenSet.scope,
      expiresAt: tokenSet.expiresAt,
      connection: tokenSet.connection,
      loginHint: tokenSet.loginHint
    }
  }

  /**
   * Drops the cached token set for these options (`scope` included: each scope has its own), so
   * that the next call exchanges again: for when the provider rejected a token that was still
   * within its lifetime.
   *
   * @example
   * ```ts
   * import { ApiClient } from "@effect-auth0/token-vault-promise"
   *
   * declare const apiClient: ApiClient
   * await apiClient.invalidate({ connection: "github", accessToken: "eyJ..." })
   * ```
   *
   * @since 0.1.0
   */
  async invalidate(options: AccessTokenForConnectionOptions): Promise<void> {
    this.#assertUsable()
    const exit = await this.#runtime.runPromiseExit(TokenVault.invalidate(options as CallOptions))
    if (Exit.isFailure(exit)) throw this.#rejection(exit.cause)
  }

  /**
   * Releases the runtime and the HTTP resources it holds (undici's connection pool). The client
   * cannot be used afterwards.
   *
   * @example
   * ```ts
   * import { ApiClient } from "@effect-auth0/token-vault-promise"
   *
   * declare const apiClient: ApiClient
   * await apiClient.dispose()
   * ```
   *
   * @since 0.1.0
   */
  dispose(): Promise<void> {
    this.#disposed = true
    return this.#runtime.dispose()
  }

  #assertUsable(): void {
    if (this.#disposed) {
      throw new TokenForConnectionError("This ApiClient was disposed; create a new one", undefined, undefined, {
        reason: "disposed"
      })
    }
  }

  #rejection(cause: Cause.Cause<TokenVaultError.TokenVaultError>): Error {
    const failure = Cause.findErrorOption(cause)
    if (Option.isSome(failure)) return toFacadeError(failure.value)
    return Cause.hasInterruptsOnly(cause)
      ? new TokenForConnectionError("The exchange was interrupted", undefined, undefined, { reason: "interrupted" })
      : new TokenForConnectionError("The exchange failed unexpectedly", undefined, undefined, {
        reason: "internal_error"
      })
  }
}
