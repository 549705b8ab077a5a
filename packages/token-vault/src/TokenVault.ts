/**
 * The Token Vault service: exchanges a user's Auth0 access token or refresh token for the access
 * token of a federated connection (Google, GitHub, Slack, ...), with a token cache, coalescing of
 * identical calls in flight, retries of transient failures and time limits.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as AccessTokenForConnectionOptions from "./AccessTokenForConnectionOptions.js"
import type { ConnectionTokenSet } from "./ConnectionTokenSet.js"
import { makeCacheKey } from "./internal/cacheKey.js"
import { resolveClient, type SigningSettings, type TokenCall } from "./internal/client.js"
import { makeCoalescer } from "./internal/coalesce.js"
import { configVariablesOf } from "./internal/configVariables.js"
import { makeSha256 } from "./internal/digest.js"
import { makeMtlsEndpointLookup } from "./internal/discovery.js"
import * as HttpTransport from "./internal/httpTransport.js"
import { classifyResponse, type ExchangeContext, failureToError } from "./internal/outcome.js"
import { ownField } from "./internal/ownProperties.js"
import { retrySchedule } from "./internal/retry.js"
import type { SignedParts, Signer } from "./internal/signing.js"
import { spanEvent, traced } from "./internal/spans.js"
import { subjectTokenExpiry } from "./internal/subjectExpiry.js"
import * as TokenTransport from "./TokenTransport.js"
import {
  type InvalidArgumentError,
  InvalidConfigurationError,
  type TokenVaultError,
  TransportError
} from "./TokenVaultError.js"
import * as TokenVaultMetrics from "./TokenVaultMetrics.js"
import * as TokenVaultOptions from "./TokenVaultOptions.js"

/**
 * What a `TokenVault` can do.
 *
 * - `getAccessTokenForConnection`: the exchange (answered from the cache when it can be). It fails
 *   with any `TokenVaultError` but `InvalidConfigurationError`, which only building the service
 *   raises.
 * - `invalidate`: drops the cached token set for these options, e.g. after the provider
 *   rejected the token.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = Effect.gen(function* () {
 *   const vault: TokenVault.Service = yield* TokenVault.TokenVault
 *   const options = { connection: "github", accessToken: "eyJ..." }
 *   const tokenSet = yield* vault.getAccessTokenForConnection(options)
 *   // GitHub said 401 to that token? Forget it, and the next call exchanges again.
 *   yield* vault.invalidate(options)
 *   return tokenSet
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly getAccessTokenForConnection: (
    options: AccessTokenForConnectionOptions.Input
  ) => Effect.Effect<ConnectionTokenSet, Exclude<TokenVaultError, InvalidConfigurationError>>
  readonly invalidate: (options: AccessTokenForConnectionOptions.Input) => Effect.Effect<void, InvalidArgumentError>
}

/**
 * The service.
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
 * @category services
 */
export class TokenVault extends Context.Service<TokenVault, Service>()("@effect-auth0/token-vault/TokenVault") {}

type ExchangeError = Exclude<TokenVaultError, InvalidArgumentError | InvalidConfigurationError>

const noDigest = () =>
  new InvalidConfigurationError({
    option: "options",
    message: "this runtime has neither node:crypto nor WebCrypto (crypto.subtle, which browsers offer in secure " +
      "contexts only): the token cache and the coalescing of calls key on a SHA-256 digest of the subject token"
  })

/** What one call sends, signatures aside: the form body and the headers. */
interface Outgoing {
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Loads the signing module (and with it Effect's JOSE code) and builds the client's signer: only
 * a client with `private_key_jwt` or DPoP does, so that the others never load it.
 */
const loadSigner = (settings: SigningSettings): Effect.Effect<Signer, InvalidConfigurationError> =>
  Effect.flatMap(
    Effect.tryPromise({
      try: () => import("./internal/signing.js"),
      catch: () =>
        new InvalidConfigurationError({
          option: settings.assertion === undefined ? "dpop" : "clientAssertionSigningKey",
          message: "the signing module could not be loaded"
        })
    }),
    (signing) => signing.makeSigner(settings)
  )

/** Whether an answer asks for a DPoP nonce (RFC 9449 §8): `use_dpop_nonce`, 400 or 401. */
const asksForDpopNonce = (response: TokenTransport.TokenResponse): boolean => {
  if ((response.status !== 400 && response.status !== 401) || !response.body.includes("use_dpop_nonce")) return false
  try {
    return (JSON.parse(response.body) as { readonly error?: unknown } | null)?.error === "use_dpop_nonce"
  } catch {
    return false
  }
}

const countFailure = (error: TokenVaultError) =>
  Metric.update(Metric.withAttributes(TokenVaultMetrics.failures, { error: error._tag }), 1)

/**
 * Builds a `TokenVault` service. Token requests go through the `TokenTransport` in context when
 * there is one (a runtime adapter's), otherwise through the `HttpClient` in context. Fails with
 * `InvalidConfigurationError` when the options are wrong, before any request is made. The
 * service's cache and in-flight exchanges live in the `Scope`: closing it interrupts the exchanges in
 * flight, and every later call is interrupted, whether the cache could answer it or not.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import * as FetchHttpClient from "effect/http/FetchHttpClient"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = Effect.gen(function* () {
 *   const vault = yield* TokenVault.make({
 *     domain: "example.us.auth0.com",
 *     clientId: "my-client-id",
 *     clientSecret: Redacted.make("my-client-secret")
 *   })
 *   return yield* vault.getAccessTokenForConnection({ connection: "github", accessToken: "eyJ..." })
 * }).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: TokenVaultOptions.TokenVaultOptions
): Effect.Effect<Service, InvalidConfigurationError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* Effect.suspend(() => Effect.fromResult(resolveClient(options)))
    // Messages name the options to check, or the variables when the options came from them.
    const variables = configVariablesOf(options)
    const clientAdvice = client.clientSecret === undefined
      ? `check the client id (${variables?.clientId ?? "clientId"}) and the client certificate`
      : `check the client id and secret (${variables?.clientId ?? "clientId"}, ${
        variables?.clientSecret ?? "clientSecret"
      })`
    const domainSource = variables?.domain ?? "the domain option"
    /** What names the host of `url`, for the advice on a host name that does not resolve. */
    const hostSource = (url: string) =>
      url.startsWith(`${client.origin}/`)
        ? domainSource
        : client.endpoint._tag === "Fixed"
        ? variables?.mtlsEndpoint ?? "the mtlsEndpoint option"
        : "the mTLS alias in the tenant's discovery document"
    const sha256 = yield* Effect.flatMap(
      makeSha256(),
      Option.match({ onNone: () => Effect.fail(noDigest()), onSome: Effect.succeed })
    )
    const httpClient = yield* HttpClient.HttpClient
    const transport = Option.getOrElse(yield* Effect.serviceOption(TokenTransport.TokenTransport), () =>
      HttpTransport.make(httpClient))
    const coalesce = yield* makeCoalescer<ConnectionTokenSet, ExchangeError>()
    // Once the scope has closed, every call is interrupted: an exchange by the coalescer (its runs
    // lived in the scope), a cache hit here.
    let closed = false
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => (closed = true))
    )
    // The token endpoint's URL; with `discoverMtlsEndpoint`, a lookup (done once) within the attempt.
    const tokenUrl = client.endpoint._tag === "Fixed"
      ? client.endpoint.url
      : makeMtlsEndpointLookup(httpClient, client.endpoint.discoveryUrl, client.maxResponseBytes, domainSource)
    const attemptMillis = Duration.toMillis(client.attemptTimeout)
    const totalMillis = Duration.toMillis(client.totalTimeout)
    const attemptLimit = `no complete response within ${Duration.format(client.attemptTimeout)}`
    const totalLimit = `no token within ${Duration.format(client.totalTimeout)}, retries included`
    // Built only when it happens: a tagged error captures a stack trace.
    const expired = () =>
      Effect.fail(new TransportError({ url: client.origin, description: totalLimit, responseReceived: false }))

    /** Client assertions and DPoP proofs, for a client that makes them (the JOSE code loads then only). */
    const signer = client.signing === undefined ? undefined : yield* loadSigner(client.signing)

    /**
     * One request and its response, within the per-attempt limit or what is left of the call's,
     * whichever is shorter. A DPoP client resends at once, with a fresh proof, when the server
     * asks for a nonce (`use_dpop_nonce`): once per attempt.
     */
    const attempt = (
      url: string,
      outgoing: Outgoing,
      context: ExchangeContext,
      number: number,
      deadline: number,
      remainingMillis: number
    ) =>
      traced(
        "TokenVault.attempt",
        { kind: "client", attributes: { "auth0.attempt": number } },
        (attribute) => {
          /** One request within `remaining` ms, with the secrets to scrub from what it brings back. */
          const send = (remaining: number, signed: SignedParts | undefined) => {
            const timeoutMillis = Math.min(attemptMillis, remaining)
            const secrets = signed === undefined ? context.secrets : [...context.secrets, ...signed.secrets]
            return transport.send({
              url,
              headers: signed?.headers === undefined ? outgoing.headers : { ...outgoing.headers, ...signed.headers },
              body: signed === undefined ? outgoing.body : outgoing.body + signed.fields,
              maxResponseBytes: client.maxResponseBytes,
              timeoutMillis
            }).pipe(
              Effect.mapBoth({
                onFailure: (failure) =>
                  failureToError(failure, {
                    url,
                    maxBytes: client.maxResponseBytes,
                    timedOut: timeoutMillis < attemptMillis ? totalLimit : attemptLimit,
                    prefix: undefined,
                    body: "the body",
                    secrets,
                    hostSource: hostSource(url)
                  }),
                onSuccess: (response) => ({ response, secrets })
              })
            )
          }
          const classify = (
            { response, secrets }: { response: TokenTransport.TokenResponse; secrets: ReadonlyArray<string> }
          ) => {
            attribute("http.response.status_code", response.status)
            return classifyResponse(
              response.status,
              response.header,
              response.body,
              secrets === context.secrets ? context : { ...context, secrets }
            )
          }
          if (signer === undefined) return Effect.flatMap(send(remainingMillis, undefined), classify)
          /** A signed request; a usable `DPoP-Nonce` its answer carries is remembered. */
          const sendSigned = (remaining: number) =>
            Effect.map(Effect.flatMap(signer.sign(url), (signed) => send(remaining, signed)), (sent) => ({
              ...sent,
              nonceTaken: signer.takeNonce(url, sent.response.header)
            }))
          return Effect.flatMap(sendSigned(remainingMillis), (sent) =>
            sent.nonceTaken && asksForDpopNonce(sent.response)
              ? spanEvent("TokenVault.dpop_nonce", { "auth0.attempt": number }).pipe(
                Effect.andThen(Clock.currentTimeMillis),
                Effect.flatMap((now) => now >= deadline ? expired() : sendSigned(deadline - now)),
                Effect.flatMap(classify)
              )
              : classify(sent))
        }
      )

    /** The exchange with its retries, within the per-call time limit. */
    const exchange = (call: TokenCall, context: ExchangeContext): Effect.Effect<ConnectionTokenSet, ExchangeError> =>
      Effect.flatMap(Clock.currentTimeMillis, (start) => {
        const deadline = start + totalMillis
        const outgoing: Outgoing = {
          body: client.formBody(call),
          headers: call.forwardedFor === undefined
            ? client.headers
            : { ...client.headers, "auth0-forwarded-for": call.forwardedFor }
        }
        /** Attempt `number`, within what is left of the call's time; none once it is spent. */
        const send = (number: number): Effect.Effect<ConnectionTokenSet, ExchangeError> =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            now >= deadline ? expired() : Effect.andThen(
              Metric.update(TokenVaultMetrics.exchanges, 1),
              typeof tokenUrl === "string"
                ? attempt(tokenUrl, outgoing, context, number, deadline, deadline - now)
                : Effect.flatMap(
                  tokenUrl(Math.min(attemptMillis, deadline - now)),
                  (url) =>
                    Effect.flatMap(
                      Clock.currentTimeMillis,
                      (later) => attempt(url, outgoing, context, number, deadline, deadline - later)
                    )
                )
            ))
        if (client.retry.maxAttempts === 1) {
          return send(1)
        }
        // The schedule's metadata numbers the attempts; its tap counts the retries.
        return Effect.flatMap(Schedule.CurrentMetadata, (meta) => send(meta.attempt + 1)).pipe(
          Effect.retry(retrySchedule<ExchangeError>(client.retry, deadline, (number, failure) =>
            Effect.andThen(
              Metric.update(TokenVaultMetrics.retries, 1),
              spanEvent("TokenVault.retry", { "auth0.attempt": number, "error.type": failure._tag })
            )))
        )
      }).pipe(Effect.trackDuration(TokenVaultMetrics.latency))

    /** Exchanges (or joins an identical exchange in flight) and stores the result. */
    const fetchAndStore = (key: string, call: TokenCall, context: ExchangeContext) => {
      const cache = client.cache
      const run = cache === undefined ?
        exchange(call, context) :
        Effect.tap(exchange(call, context), (tokenSet) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) => {
            // Never serve an answer past the expiry of the Auth0 access token it was exchanged for.
            const subjectExpiry = call.subjectTokenKind === "access_token"
              ? subjectTokenExpiry(Redacted.value(call.subjectToken))
              : undefined
            const staleAt = Math.min(tokenSet.expiresAt * 1000 - cache.skewMillis, subjectExpiry ?? Infinity)
            return staleAt > now ? cache.store.set(key, tokenSet, staleAt) : Effect.void
          }))
      return coalesce(key, run)
    }

    // The decoded options' fields are read as own properties: an absent `loginHint` or token must
    // never be one inherited from a polluted `Object.prototype`.
    const callOf = (decoded: AccessTokenForConnectionOptions.Decoded): TokenCall => {
      const accessToken = ownField(decoded, "accessToken")
      return {
        connection: decoded.connection,
        subjectTokenKind: accessToken === undefined ? "refresh_token" : "access_token",
        subjectToken: (accessToken ?? ownField(decoded, "refreshToken"))!,
        loginHint: ownField(decoded, "loginHint"),
        scope: ownField(decoded, "scope"),
        forwardedFor: ownField(decoded, "forwardedFor")
      }
    }

    const keyOf = makeCacheKey(client.origin, client.clientId, sha256)
    /** Runs `f` with the key of `call`: at once when the digest is synchronous (Node, Bun, Deno). */
    const withKey = <A, E>(call: TokenCall, f: (key: string) => Effect.Effect<A, E>) => {
      const key = keyOf(call)
      return typeof key === "string" ? f(key) : Effect.flatMap(key, f)
    }

    const getAccessTokenForConnection = (options: AccessTokenForConnectionOptions.Input) =>
      Effect.andThen(
        Metric.update(TokenVaultMetrics.calls, 1),
        Effect.flatMap(AccessTokenForConnectionOptions.decode(options), (decoded) => {
          const call = callOf(decoded)
          return withKey(call, (key) => {
            // Only calls that go to the network get a span, and only they need what follows: a cache
            // hit is a map lookup, counted by the cache metrics.
            const fetch = () => {
              const context: ExchangeContext = {
                connection: call.connection,
                loginHint: call.loginHint,
                clientAdvice,
                secrets: client.clientSecret === undefined
                  ? [Redacted.value(call.subjectToken)]
                  : [Redacted.value(call.subjectToken), client.clientSecret]
              }
              return traced("TokenVault.getAccessTokenForConnection", {
                kind: "client",
                attributes: {
                  "auth0.connection": call.connection,
                  "auth0.subject_token_type": call.subjectTokenKind,
                  "auth0.login_hint.present": call.loginHint !== undefined
                }
              }, () => fetchAndStore(key, call, context))
            }
            return client.cache !== undefined && ownField(decoded, "cache") !== false
              ? Effect.flatMap(client.cache.store.get(key), (hit) =>
                hit === undefined
                  ? Effect.andThen(Metric.update(TokenVaultMetrics.cacheMisses, 1), fetch())
                  : closed
                  ? Effect.interrupt
                  : Effect.as(Metric.update(TokenVaultMetrics.cacheHits, 1), hit))
              : fetch()
          })
        })
      ).pipe(Effect.tapError(countFailure))

    const invalidate = (options: AccessTokenForConnectionOptions.Input) =>
      Effect.flatMap(AccessTokenForConnectionOptions.decode(options), (decoded) =>
        client.cache === undefined
          ? Effect.void
          : withKey(callOf(decoded), client.cache.store.invalidate))

    return { getAccessTokenForConnection, invalidate } satisfies Service
  })

/**
 * A layer of `TokenVault` over the `HttpClient` in context (and the `TokenTransport`, when there
 * is one). Bad options fail the layer with
 * `InvalidConfigurationError` when it is built.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import * as FetchHttpClient from "effect/http/FetchHttpClient"
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
 * with `InvalidConfigurationError`. With those default variables, a failed call's message names
 * the variable to check: `AUTH0_CLIENT_ID` and `AUTH0_CLIENT_SECRET` when Auth0 rejects the client's
 * authentication, `AUTH0_DOMAIN` when the tenant's host name does not resolve.
 *
 * @example
 * ```ts
 * import { Config, Effect } from "effect"
 * import * as FetchHttpClient from "effect/http/FetchHttpClient"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * // Reads AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET.
 * const fromEnvironment = TokenVault.layerConfig()
 *
 * // Or name other variables, field by field.
 * const custom = TokenVault.layerConfig({
 *   domain: Config.String("TENANT_DOMAIN"),
 *   clientId: Config.String("TENANT_CLIENT_ID"),
 *   clientSecret: Config.Redacted("TENANT_CLIENT_SECRET"),
 *   clientAuthentication: Config.succeed("client_secret_basic" as const)
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Wrap<TokenVaultOptions.TokenVaultOptions> = TokenVaultOptions.config
): Layer.Layer<TokenVault, InvalidConfigurationError, HttpClient.HttpClient> =>
  Layer.effect(
    TokenVault,
    TokenVaultOptions.loadConfig(config).pipe(Effect.flatMap(make))
  )

/**
 * Exchanges the user's Auth0 access token or refresh token for the access token of a federated
 * connection, with the `TokenVault` in context. Its errors are those of a call:
 * `InvalidArgumentError`; Auth0's refusals an application acts on, each with its own tag
 * (`AccountNotConnectedError`, `ReconnectRequiredError`, `InvalidSubjectTokenError`,
 * `ClientNotAllowedError`, `MfaRequiredError`); `TokenExchangeError` for any other OAuth error;
 * `RateLimitError`, `TransportError` and `UnexpectedResponseError` (`InvalidConfigurationError`
 * comes from building the service, not from a call), so an exhaustive `Effect.catchTags` names
 * these ten.
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
 *
 * const header = (incomingAccessToken: string) =>
 *   listRepositories(incomingAccessToken).pipe(
 *     Effect.catchTags({
 *       InvalidArgumentError: () => Effect.succeed(undefined),
 *       AccountNotConnectedError: () => Effect.succeed(undefined),
 *       ReconnectRequiredError: () => Effect.succeed(undefined),
 *       InvalidSubjectTokenError: () => Effect.succeed(undefined),
 *       ClientNotAllowedError: () => Effect.succeed(undefined),
 *       MfaRequiredError: () => Effect.succeed(undefined),
 *       TokenExchangeError: () => Effect.succeed(undefined),
 *       RateLimitError: () => Effect.succeed(undefined),
 *       TransportError: () => Effect.succeed(undefined),
 *       UnexpectedResponseError: () => Effect.succeed(undefined)
 *     })
 *   ) // Effect<string | undefined, never, TokenVault>
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const getAccessTokenForConnection = (
  options: AccessTokenForConnectionOptions.Input
): Effect.Effect<ConnectionTokenSet, Exclude<TokenVaultError, InvalidConfigurationError>, TokenVault> =>
  TokenVault.use((vault) => vault.getAccessTokenForConnection(options))

/**
 * Drops the cached token set for these options, with the `TokenVault` in context: the next call
 * exchanges again. Use it when the provider rejected a token that was still within its lifetime.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const forget = TokenVault.invalidate({ connection: "github", accessToken: "eyJ..." })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const invalidate = (
  options: AccessTokenForConnectionOptions.Input
): Effect.Effect<void, InvalidArgumentError, TokenVault> => TokenVault.use((vault) => vault.invalidate(options))
