/**
 * `ApiClient`: a Promise API for plain TypeScript, a drop-in for the
 * `getAccessTokenForConnection` method of `@auth0/auth0-api-js`'s `ApiClient`.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as TokenTransport from "../TokenTransport.js"
import * as TokenVault from "../TokenVault.js"
import type * as TokenVaultError from "../TokenVaultError.js"
import type * as TokenVaultOptions from "../TokenVaultOptions.js"
import { parseDomain } from "../internal/domain.js"
import { unreadableOptions } from "../internal/unreadable.js"
import {
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  TokenForConnectionError
} from "./errors.js"

/**
 * The constructor options, as `@auth0/auth0-api-js` takes them, plus `httpClient` to run the
 * exchange over any Effect `HttpClient` layer (Node's undici, the emulator, ...) and the
 * `cache`, `retry` and `timeout` options of the Effect API (see `TokenVaultOptions`).
 *
 * `audience` is accepted for compatibility and not used by the exchange.
 * `clientAssertionSigningKey` (`private_key_jwt`) is not supported yet: when it is given, calls
 * reject with `InvalidConfigurationError` rather than silently authenticate another way.
 * `customFetch` and `httpClient` are alternatives: give one.
 *
 * @example
 * ```ts
 * import type { ApiClientOptions } from "@effect-auth0/token-vault/promise"
 *
 * const options: ApiClientOptions = {
 *   domain: "example.us.auth0.com",
 *   audience: "https://api.example.com",
 *   clientId: "my-client-id",
 *   clientSecret: process.env.AUTH0_CLIENT_SECRET
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiClientOptions {
  readonly domain: string
  readonly audience?: string | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | undefined
  readonly clientAssertionSigningKey?: string | CryptoKey | undefined
  readonly clientAssertionSigningAlg?: string | undefined
  readonly customFetch?: typeof fetch | undefined
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient, TokenVaultError.InvalidConfigurationError> | undefined
  readonly cache?: TokenVaultOptions.TokenVaultOptions["cache"]
  readonly retry?: TokenVaultOptions.TokenVaultOptions["retry"]
  readonly timeout?: TokenVaultOptions.TokenVaultOptions["timeout"]
}

/**
 * The options of `getAccessTokenForConnection`: the connection and exactly one of the user's
 * Auth0 `accessToken` or `refreshToken`.
 *
 * @example
 * ```ts
 * import type { AccessTokenForConnectionOptions } from "@effect-auth0/token-vault/promise"
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
 * import type { ConnectionTokenSet } from "@effect-auth0/token-vault/promise"
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

type FacadeError =
  | TokenForConnectionError
  | MissingClientAuthError
  | MissingRequiredArgumentError
  | InvalidConfigurationError

const toFacadeError = (error: TokenVaultError.TokenVaultError): FacadeError => {
  switch (error._tag) {
    case "InvalidConfigurationError":
      if (error.option === "clientId") {
        return new TokenForConnectionError("Client credentials are required to use getAccessTokenForConnection")
      }
      if (error.option === "clientSecret") return new MissingClientAuthError()
      return new InvalidConfigurationError(`Invalid ${error.option} configuration: ${error.message}`)
    case "InvalidArgumentError":
      return error.argument === "connection"
        ? new MissingRequiredArgumentError("connection")
        : new TokenForConnectionError(error.message)
    case "TokenExchangeError":
      return new TokenForConnectionError(
        `Failed to exchange token for connection '${error.connection}'.`,
        { error: error.error, error_description: error.errorDescription ?? "" },
        error.status
      )
    case "RateLimitError":
      return new TokenForConnectionError(
        error.message,
        error.error === undefined ? undefined : { error: error.error, error_description: error.errorDescription ?? "" },
        429
      )
    case "UnexpectedResponseError":
      return new TokenForConnectionError(error.message, undefined, error.status)
    case "TransportError":
      return new TokenForConnectionError(error.message)
  }
}

const httpLayer = (
  options: ApiClientOptions
): Layer.Layer<HttpClient.HttpClient, TokenVaultError.InvalidConfigurationError> => {
  if (options.httpClient !== undefined) return options.httpClient
  return TokenTransport.layerFetch({ fetch: options.customFetch })
}

/**
 * Exchanges Auth0 tokens for federated connection access tokens with Promises. Runs the Effect
 * implementation on a `ManagedRuntime` that `dispose()` releases; uses the global `fetch` unless
 * given `customFetch` or an Effect `httpClient` layer.
 *
 * The constructor throws `MissingRequiredArgumentError` without a `domain` and
 * `InvalidConfigurationError` for a malformed one, as Auth0's SDK does; other configuration
 * errors reject the calls.
 *
 * @example
 * ```ts
 * import { ApiClient } from "@effect-auth0/token-vault/promise"
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

  constructor(input: ApiClientOptions) {
    let options: ApiClientOptions
    try {
      // Read once: a getter or Proxy trap that throws is bad configuration (what it threw may quote a secret).
      options = typeof input !== "object" || input === null ? input : {
        domain: input.domain,
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        clientAssertionSigningKey: input.clientAssertionSigningKey,
        customFetch: input.customFetch,
        httpClient: input.httpClient,
        cache: input.cache,
        retry: input.retry,
        timeout: input.timeout
      }
    } catch {
      throw new InvalidConfigurationError(
        `Invalid options configuration: ${unreadableOptions}`
      )
    }
    if (typeof options !== "object" || options === null || options.domain === undefined || options.domain === "") {
      throw new MissingRequiredArgumentError("domain")
    }
    const domain = typeof options.domain === "string" ? parseDomain(options.domain) : Either.left("domain must be a string")
    if (Either.isLeft(domain)) throw new InvalidConfigurationError(`Invalid domain configuration: ${domain.left}`)
    this.#unsupported = options.clientAssertionSigningKey !== undefined
      ? new InvalidConfigurationError(
        "Invalid clientAssertionSigningKey configuration: private_key_jwt is not supported yet; use clientSecret"
      )
      : options.customFetch !== undefined && options.httpClient !== undefined
      ? new InvalidConfigurationError("Invalid customFetch configuration: give customFetch or httpClient, not both")
      : undefined
    this.#runtime = ManagedRuntime.make(
      TokenVault.layer({
        domain: options.domain,
        clientId: options.clientId ?? "",
        clientSecret: options.clientSecret === undefined ? undefined : Redacted.make(options.clientSecret),
        cache: options.cache,
        retry: options.retry,
        timeout: options.timeout
      }).pipe(Layer.provide(httpLayer(options)))
    )
  }

  /**
   * Exchanges the user's Auth0 access token or refresh token for the connection's access token.
   * Rejects with `TokenForConnectionError` when the exchange fails, `MissingClientAuthError`
   * without client authentication, `MissingRequiredArgumentError` without a `connection`.
   *
   * @example
   * ```ts
   * import { ApiClient } from "@effect-auth0/token-vault/promise"
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
    const exit = await this.#runtime.runPromiseExit(
      TokenVault.getAccessTokenForConnection(options as Parameters<typeof TokenVault.getAccessTokenForConnection>[0])
    )
    if (Exit.isSuccess(exit)) {
      const tokenSet = exit.value
      return {
        accessToken: Redacted.value(tokenSet.accessToken),
        scope: tokenSet.scope,
        expiresAt: tokenSet.expiresAt,
        connection: tokenSet.connection,
        loginHint: tokenSet.loginHint
      }
    }
    throw this.#rejection(exit.cause)
  }

  #assertUsable(): void {
    if (this.#unsupported !== undefined) throw this.#unsupported
    if (this.#disposed) throw new TokenForConnectionError("This ApiClient was disposed; create a new one")
  }

  #rejection(cause: Cause.Cause<TokenVaultError.TokenVaultError>): FacadeError {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure)) return toFacadeError(failure.value)
    return new TokenForConnectionError(
      Cause.isInterruptedOnly(cause) ? "The exchange was interrupted" : "The exchange failed unexpectedly"
    )
  }

  /**
   * Drops the cached token set for these options, so that the next call exchanges again: for
   * when the provider rejected a token that was still within its lifetime.
   *
   * @example
   * ```ts
   * import { ApiClient } from "@effect-auth0/token-vault/promise"
   *
   * declare const apiClient: ApiClient
   * await apiClient.invalidate({ connection: "github", accessToken: "eyJ..." })
   * ```
   *
   * @since 0.1.0
   */
  async invalidate(options: AccessTokenForConnectionOptions): Promise<void> {
    this.#assertUsable()
    const exit = await this.#runtime.runPromiseExit(
      TokenVault.invalidate(options as Parameters<typeof TokenVault.invalidate>[0])
    )
    if (Exit.isFailure(exit)) throw this.#rejection(exit.cause)
  }

  /**
   * Releases the runtime and the HTTP resources it holds. The client cannot be used afterwards.
   *
   * @example
   * ```ts
   * import { ApiClient } from "@effect-auth0/token-vault/promise"
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
}
