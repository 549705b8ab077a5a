/**
 * The Token Vault service: exchanges a user's Auth0 access token or refresh token for the access
 * token of a federated connection (Google, GitHub, Slack, ...).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as AccessTokenForConnectionOptions from "./AccessTokenForConnectionOptions.js"
import type { ConnectionTokenSet } from "./ConnectionTokenSet.js"
import { InvalidConfigurationError, TransportError, type TokenVaultError } from "./TokenVaultError.js"
import * as TokenVaultOptions from "./TokenVaultOptions.js"
import { resolveClient } from "./internal/client.js"
import { excerpt } from "./internal/excerpt.js"
import { classifyResponse } from "./internal/response.js"

/**
 * What a `TokenVault` can do.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = Effect.gen(function* () {
 *   const vault: TokenVault.Service = yield* TokenVault.TokenVault
 *   return yield* vault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." })
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly getAccessTokenForConnection: (
    options: AccessTokenForConnectionOptions.Input
  ) => Effect.Effect<ConnectionTokenSet, TokenVaultError>
}

/**
 * The service tag.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = Effect.flatMap(TokenVault.TokenVault, (vault) =>
 *   vault.getAccessTokenForConnection({ connection: "slack", refreshToken: "v1.M..." }))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class TokenVault extends Context.Tag("@effect-auth0/token-vault/TokenVault")<TokenVault, Service>() {}

/** What went wrong on the wire, from the platform error's cause, without any secret of the call. */
const describeTransportFailure = (error: HttpClientError.HttpClientError, secrets: ReadonlyArray<string>): string => {
  const cause = error.cause
  const detail = cause instanceof Error
    ? [(cause as { code?: unknown }).code, cause.cause instanceof Error ? cause.cause.message : cause.message]
      .filter((part): part is string => typeof part === "string" && part.length > 0)
      .join(": ")
    : ""
  const what = error._tag === "ResponseError" ? "the response body could not be read" : `request failed (${error.reason})`
  return detail === "" ? what : `${what}: ${excerpt(detail, undefined, secrets)}`
}

/**
 * Builds a `TokenVault` service over the `HttpClient` in context. Fails with
 * `InvalidConfigurationError` when the options are wrong, before any request is made.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { FetchHttpClient } from "@effect/platform"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = Effect.gen(function* () {
 *   const vault = yield* TokenVault.make({
 *     domain: "example.us.auth0.com",
 *     clientId: "my-client-id",
 *     clientSecret: Redacted.make("my-client-secret")
 *   })
 *   return yield* vault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." })
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: TokenVaultOptions.TokenVaultOptions
): Effect.Effect<Service, InvalidConfigurationError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* resolveClient(options)
    const httpClient = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
    const clientSecret = Redacted.value(client.clientSecret)

    const exchange = (call: AccessTokenForConnectionOptions.Decoded) => {
      const subjectTokenKind = call.accessToken === undefined ? "refresh_token" : "access_token"
      const subjectToken = (call.accessToken ?? call.refreshToken)!
      const context = {
        connection: call.connection,
        loginHint: call.loginHint,
        secrets: [Redacted.value(subjectToken), clientSecret]
      }
      const toTransportError = (error: HttpClientError.HttpClientError) =>
        new TransportError({ url: client.tokenUrl, description: describeTransportFailure(error, context.secrets) })
      return httpClient.execute(client.makeRequest({ ...context, subjectTokenKind, subjectToken })).pipe(
        Effect.mapError(toTransportError),
        Effect.tap((response) => Effect.annotateCurrentSpan("http.response.status_code", response.status)),
        Effect.flatMap((response) =>
          Effect.flatMap(
            Effect.mapError(response.text, toTransportError),
            (body) => classifyResponse(response.status, response.headers, body, context)
          )
        ),
        Effect.withSpan("TokenVault.getAccessTokenForConnection", {
          kind: "client",
          attributes: {
            "auth0.connection": call.connection,
            "auth0.subject_token_type": subjectTokenKind,
            "auth0.login_hint.present": call.loginHint !== undefined
          }
        })
      )
    }

    return {
      getAccessTokenForConnection: (options) =>
        Effect.flatMap(AccessTokenForConnectionOptions.decode(options), exchange)
    } satisfies Service
  })

/**
 * A layer of `TokenVault` over the `HttpClient` in context. Bad options fail the layer with
 * `InvalidConfigurationError` when it is built.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { FetchHttpClient } from "@effect/platform"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = TokenVault.getAccessTokenForConnection({
 *   connection: "google-oauth2",
 *   accessToken: "eyJ..."
 * }).pipe(
 *   Effect.provide(TokenVault.layer({
 *     domain: "example.us.auth0.com",
 *     clientId: "my-client-id",
 *     clientSecret: Redacted.make("my-client-secret")
 *   })),
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: TokenVaultOptions.TokenVaultOptions
): Layer.Layer<TokenVault, InvalidConfigurationError, HttpClient.HttpClient> => Layer.effect(TokenVault, make(options))

/**
 * A layer of `TokenVault` whose options come from Effect `Config`: by default `AUTH0_DOMAIN`,
 * `AUTH0_CLIENT_ID` and `AUTH0_CLIENT_SECRET`. Missing or invalid configuration fails the layer
 * with `InvalidConfigurationError`.
 *
 * @example
 * ```ts
 * import { Config, Effect } from "effect"
 * import { FetchHttpClient } from "@effect/platform"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * // Reads AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET.
 * const fromEnvironment = TokenVault.layerConfig()
 *
 * // Or name other variables, field by field.
 * const custom = TokenVault.layerConfig({
 *   domain: Config.string("TENANT_DOMAIN"),
 *   clientId: Config.string("TENANT_CLIENT_ID"),
 *   clientSecret: Config.redacted("TENANT_CLIENT_SECRET"),
 *   clientAuthentication: Config.succeed("client_secret_basic" as const)
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<TokenVaultOptions.TokenVaultOptions> = TokenVaultOptions.config
): Layer.Layer<TokenVault, InvalidConfigurationError, HttpClient.HttpClient> =>
  Layer.effect(
    TokenVault,
    Config.unwrap(config).pipe(
      Effect.mapError((error) => new InvalidConfigurationError({ option: "config", message: String(error) })),
      Effect.flatMap(make)
    )
  )

/**
 * Exchanges the user's Auth0 access token or refresh token for the access token of a federated
 * connection, with the `TokenVault` in context.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const listRepositories = (incomingAccessToken: string) =>
 *   Effect.gen(function* () {
 *     const github = yield* TokenVault.getAccessTokenForConnection({
 *       connection: "github",
 *       accessToken: incomingAccessToken
 *     })
 *     return `Bearer ${Redacted.value(github.accessToken)}`
 *   })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const getAccessTokenForConnection = (
  options: AccessTokenForConnectionOptions.Input
): Effect.Effect<ConnectionTokenSet, TokenVaultError, TokenVault> =>
  Effect.flatMap(TokenVault, (vault) => vault.getAccessTokenForConnection(options))
