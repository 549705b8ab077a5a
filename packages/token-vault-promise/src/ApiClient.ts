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
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export class ApiClient {
  readonly #runtime: ManagedRuntime.ManagedRuntime<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError>
  readonly #unsupported: InvalidConfigurationError | undefined
  #disposed = false

  constructor(options: ApiClientOptions) {
    if (typeof options !== "object" || options === null) throw new MissingRequiredArgumentError("domain")
    let settings: Settings
    try {
      settings = readSettings(options)
    } catch {
      // A getter or Proxy trap that throws: what it threw may quote a secret.
      throw new InvalidConfigurationError(`Invalid options configuration: ${unreadableOptions}`)
    }
    const domain = settings.domain
    if (domain === undefined || domain === null) throw new MissingRequiredArgumentError("domain")
    const origin = typeof domain === "string" ? parseDomain(domain) : Result.fail("domain must be a string")
    if (Result.isFailure(origin)) throw new InvalidConfigurationError(`Invalid domain configuration: ${origin.failure}`)
    this.#unsupported = settings.clientAssertionSigningKey === undefined ? undefined : new InvalidConfigurationError(
      "Invalid clientAssertionSigningKey configuration: private_key_jwt is not supported yet; use clientSecret"
    )
    // The values are passed on unchecked (`as never`): the core validates every option when the
    // layer is built, and a bad one rejects the calls with its InvalidConfigurationError.
    this.#runtime = ManagedRuntime.make(
      TokenVault.layer({
        domain: domain as string,
        clientId: (settings.clientId ?? "") as string,
        clientSecret: settings.clientSecret === undefined ? undefined : Redacted.make(settings.clientSecret as string),
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
   * Rejects with `TokenForConnectionError` when the exchange fails, `MissingClientAuthError`
   * without client authentication, `MissingRequiredArgumentError` without a `connection`.
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
   * Drops the cached token set for these options, so that the next call exchanges again: for
   * when the provider rejected a token that was still within its lifetime.
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
    if (this.#unsupported !== undefined) throw this.#unsupported
    if (this.#disposed) throw new TokenForConnectionError("This ApiClient was disposed; create a new one")
  }

  #rejection(cause: Cause.Cause<TokenVaultError.TokenVaultError>): Error {
    const failure = Cause.findErrorOption(cause)
    if (Option.isSome(failure)) return toFacadeError(failure.value)
    return new TokenForConnectionError(
      Cause.hasInterruptsOnly(cause) ? "The exchange was interrupted" : "The exchange failed unexpectedly"
    )
  }
}
