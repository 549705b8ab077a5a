/**
 * The options of a Token Vault client: which tenant, which application, how it authenticates.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as WebCrypto from "effect/crypto/WebCrypto"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Jwk from "effect/jose/Jwk"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { defaultVariables, withConfigVariables } from "./internal/configVariables.js"
import { parseDomain, parseEndpoint } from "./internal/domain.js"
import type * as TokenCache from "./TokenCache.js"
import { fromConfigError, InvalidConfigurationError } from "./TokenVaultError.js"

/**
 * How the client authenticates at the token endpoint, as a Schema: the one list of the methods.
 * `client_secret_post` (the default without a signing key, what Auth0's SDKs send) puts
 * `client_id` and `client_secret` in the form body; `client_secret_basic` sends them in an
 * `Authorization: Basic` header; `private_key_jwt` (the default with `clientAssertionSigningKey`)
 * sends `client_id` and a client assertion, a short-lived JWT signed with the application's
 * private key, fresh for every request; `tls_client_auth` and `self_signed_tls_client_auth` (mTLS)
 * send only `client_id`, the TLS client certificate being the credential (the HTTP client must
 * present it: see `NodeTokenVault.layerHttpClient`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const isMethod = Schema.is(TokenVaultOptions.ClientAuthenticationMethod)
 * isMethod("client_secret_basic") // true
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const ClientAuthenticationMethod = Schema.Literals([
  "client_secret_post",
  "client_secret_basic",
  "private_key_jwt",
  "tls_client_auth",
  "self_signed_tls_client_auth"
])

/**
 * The mTLS {@link ClientAuthenticationMethod}s, as a Schema: `tls_client_auth` and
 * `self_signed_tls_client_auth`. With them the TLS client certificate is the credential: no
 * client secret is sent, and the HTTP client must present the certificate.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const needsCertificate = Schema.is(TokenVaultOptions.MtlsClientAuthenticationMethod)
 * needsCertificate("tls_client_auth") // true
 * needsCertificate("client_secret_post") // false
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const MtlsClientAuthenticationMethod = ClientAuthenticationMethod.pick([
  "tls_client_auth",
  "self_signed_tls_client_auth"
])

/**
 * One of the {@link ClientAuthenticationMethod}s.
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
export type ClientAuthenticationMethod = typeof ClientAuthenticationMethod.Type

/**
 * The algorithms a client assertion or a DPoP proof can be signed with, as a Schema: those Auth0
 * accepts for `private_key_jwt` (RS256, the default of client assertions, RS384, PS256, PS384,
 * ES256, the default of DPoP proofs, and ES384).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * Schema.is(TokenVaultOptions.SigningAlgorithm)("PS256") // true
 * Schema.is(TokenVaultOptions.SigningAlgorithm)("HS256") // false
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const SigningAlgorithm = Schema.Literals(["RS256", "RS384", "PS256", "PS384", "ES256", "ES384"])

/**
 * One of the {@link SigningAlgorithm}s.
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const algorithm: TokenVaultOptions.SigningAlgorithm = "ES256"
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type SigningAlgorithm = typeof SigningAlgorithm.Type

/**
 * A private key that signs client assertions or DPoP proofs: a PKCS#8 PEM text in `Redacted`
 * (`-----BEGIN PRIVATE KEY-----`), a private JWK (plain or in `Redacted`), or a WebCrypto
 * `CryptoKey` with the `sign` usage (a non-extractable one too). It is imported once, when the
 * client is built; an RSA key needs at least 2048 bits.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * declare const pem: string // from a secret store
 * const key: TokenVaultOptions.SigningKey = Redacted.make(pem)
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type SigningKey =
  | Redacted.Redacted<string>
  | Redacted.Redacted<Jwk.PrivateJwk>
  | Jwk.PrivateJwk
  | WebCrypto.CryptoKey

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/** A WebCrypto key, by its shape: what `crypto.subtle` and Node's `webcrypto` make. */
const isCryptoKey = (value: unknown, type: "private" | "public"): value is WebCrypto.CryptoKey =>
  isObject(value) && value.type === type && isObject(value.algorithm) && Array.isArray(value.usages)

const isJwk = (value: unknown): value is Record<string, unknown> => isObject(value) && typeof value.kty === "string"

const SigningKeySchema = Schema.declare((value: unknown): value is SigningKey =>
  Redacted.isRedacted(value) || isCryptoKey(value, "private") || isJwk(value)
)

const signingKeyRule = (option: string) =>
  `${option} must be a PKCS#8 PEM text in Redacted, a private JWK, or a CryptoKey`

const algorithmRule = (option: string) => `${option} must be one of ${SigningAlgorithm.literals.join(", ")}`

const PositiveInteger = Schema.Number.check(
  Schema.makeFilter((value: number) => Number.isSafeInteger(value) && value > 0)
)

const FiniteDuration = Schema.declare((value: unknown): value is Duration.Input => {
  const decoded = Duration.fromInput(value as Duration.Input)
  return Option.isSome(decoded) && Duration.isFinite(decoded.value)
})

const Store = Schema.declare((value: unknown): value is TokenCache.TokenCache =>
  typeof value === "object" && value !== null &&
  ["get", "set", "invalidate"].every((method) => typeof (value as Record<string, unknown>)[method] === "function")
)

/** An optional field and its rule: the message for every way it can be wrong. */
const optionalField = <S extends Schema.Top>(message: string, schema: S) =>
  Schema.optional(schema.annotate({ message })).annotate({ message })

const durationField = (option: string) =>
  optionalField(`${option} must be a finite duration, e.g. "5 seconds" or a number of milliseconds`, FiniteDuration)

const secretRule = "clientSecret must be a non-empty string wrapped in Redacted (Redacted.make)"

/** Why a `Redacted` secret is unusable: empty, or wiped. */
const unusableSecret = (secret: Redacted.Redacted<string>): string | undefined => {
  let value: unknown
  try {
    value = Redacted.value(secret)
  } catch {
    return "clientSecret could not be read: the Redacted was wiped (Redacted.wipeUnsafe)"
  }
  return typeof value === "string" && value.trim().length > 0 ? undefined : secretRule
}

/** Why a text is refused by `parse`, or `undefined`. */
const refusedBy = (parse: (input: string) => Result.Result<string, string>, prefix: string) => (input: string) =>
  Result.match(parse(input), { onFailure: (reason) => `${prefix}${reason}`, onSuccess: () => undefined })

/**
 * The token cache. On by default: an in-memory LRU owned by the client. An entry is served until
 * its `expiresAt` minus `skew`.
 *
 * - `maxEntries`: how many token sets the default store keeps (default 10 000).
 * - `skew`: how long before expiry an entry stops being served (default 60 seconds).
 * - `store`: another store instead of the in-memory one.
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const cache: TokenVaultOptions.CacheOptions = { maxEntries: 50_000, skew: "2 minutes" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CacheOptions = Schema.Struct({
  maxEntries: optionalField("cache.maxEntries must be a positive integer", PositiveInteger),
  skew: durationField("cache.skew"),
  store: optionalField("cache.store must implement TokenCache (get, set, invalidate)", Store)
})

/**
 * The options of the token cache: see {@link CacheOptions}.
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const cache: TokenVaultOptions.CacheOptions = { skew: "2 minutes" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CacheOptions = typeof CacheOptions.Type

/**
 * Retries of transient failures: a `TransportError` where no response arrived, statuses 502, 503
 * and 504, and 429 when its `Retry-After` is within `maxRetryAfter`. Exponential backoff with
 * jitter from `baseDelay`, each delay at most `maxDelay`.
 *
 * Defaults: `maxAttempts` 8 (the first try included), `baseDelay` 100 ms, `maxDelay` 2 s,
 * `maxRetryAfter` 10 s. The per-call `timeout.total` (30 s) bounds them all: with the defaults
 * the eighth attempt starts about 7 s after the first, and a call survives even a long run of
 * transient faults (at a 20 % fault rate, about one call in 400 000 fails: 0.2^8).
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const retry: TokenVaultOptions.RetryOptions = { maxAttempts: 5, baseDelay: "100 millis" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const RetryOptions = Schema.Struct({
  maxAttempts: optionalField("retry.maxAttempts must be a positive integer (1 = no retries)", PositiveInteger),
  baseDelay: durationField("retry.baseDelay"),
  maxDelay: durationField("retry.maxDelay"),
  maxRetryAfter: durationField("retry.maxRetryAfter")
})

/**
 * The options of retries: see {@link RetryOptions}.
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const retry: TokenVaultOptions.RetryOptions = { maxAttempts: 3 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RetryOptions = typeof RetryOptions.Type

/**
 * Time limits: `attempt` bounds one request, from sending it to the end of the body (default
 * 10 seconds); `total` bounds a whole call, retries and their delays included (default 30 s).
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const timeout: TokenVaultOptions.TimeoutOptions = { attempt: "3 seconds", total: "10 seconds" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TimeoutOptions = Schema.Struct({
  attempt: durationField("timeout.attempt"),
  total: durationField("timeout.total")
})

/**
 * The time limits: see {@link TimeoutOptions}.
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const timeout: TokenVaultOptions.TimeoutOptions = { total: "10 seconds" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TimeoutOptions = typeof TimeoutOptions.Type

/**
 * DPoP (RFC 9449) on the token request, for applications whose Auth0 tokens are bound to a key
 * pair: each request carries a fresh proof signed with `privateKey` (its public part in the
 * proof's header), and a `DPoP-Nonce` the server asks for is sent from then on.
 *
 * - `privateKey`: a {@link SigningKey}.
 * - `publicKey`: its public key, as a `CryptoKey` or a public JWK; needed only when `privateKey`
 *   is a `CryptoKey` (a private JWK or a PKCS#8 key carries its public part).
 * - `algorithm`: one of the {@link SigningAlgorithm}s, `ES256` by default.
 *
 * @example
 * ```ts
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * declare const keyPair: { privateKey: CryptoKey; publicKey: CryptoKey } // crypto.subtle.generateKey(...)
 * const dpop: TokenVaultOptions.DpopOptions = { privateKey: keyPair.privateKey, publicKey: keyPair.publicKey }
 * ```
 *
 * @since 1.0.0
 * @category schemas
 */
export const DpopOptions = Schema.Struct({
  privateKey: SigningKeySchema.annotate({ message: signingKeyRule("dpop.privateKey") }),
  publicKey: optionalField(
    "dpop.publicKey must be a public CryptoKey or a public JWK",
    Schema.declare((value: unknown): value is WebCrypto.CryptoKey | Jwk.PublicJwk =>
      isCryptoKey(value, "public") || isJwk(value)
    )
  ),
  algorithm: optionalField(algorithmRule("dpop.algorithm"), SigningAlgorithm)
})

/**
 * The DPoP options: see {@link DpopOptions}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * declare const pem: string
 * const dpop: TokenVaultOptions.DpopOptions = { privateKey: Redacted.make(pem), algorithm: "ES384" }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type DpopOptions = typeof DpopOptions.Type

/**
 * Options of `TokenVault.make` and `TokenVault.layer`. `TokenVault.make` reads them (and the
 * nested `cache`, `retry`, `timeout`) as own properties only: a value inherited from a polluted
 * `Object.prototype` is never read (decoding with this Schema directly reads inherited ones too).
 *
 * - `domain`: the tenant's domain (`tenant.eu.auth0.com`, `https://login.example.com/`, ...).
 *   `https` only, except plain `http` to `127.0.0.1`, `[::1]` or `localhost` (the emulator).
 * - `clientId`: the application's client id.
 * - `clientSecret`: the application's secret, as `Redacted`.
 * - `clientAuthentication`: `client_secret_post` (default without a signing key),
 *   `client_secret_basic`, `private_key_jwt` (default with `clientAssertionSigningKey`), or with
 *   mTLS `tls_client_auth` / `self_signed_tls_client_auth`.
 * - `clientAssertionSigningKey`: with `private_key_jwt`, the application's private key (a
 *   {@link SigningKey}); `clientAssertionSigningAlg`: its algorithm (default `RS256`).
 * - `dpop`: DPoP proofs on the token request (see {@link DpopOptions}).
 * - `telemetry`: send the `Auth0-Client` header naming this library and its version (default
 *   `true`, as Auth0's SDKs do).
 * - `mtlsEndpoint`: with mTLS, the token endpoint's mTLS alias (an absolute URL such as
 *   `https://mtls.tenant.auth0.com/oauth/token`); or `discoverMtlsEndpoint: true` to read
 *   `mtls_endpoint_aliases.token_endpoint` from the tenant's discovery document on first use.
 * - `cache`: `false` to turn the token cache off, or its options.
 * - `retry`: `false` to turn retries off, or their options.
 * - `timeout`: per-attempt and per-call time limits.
 * - `maxResponseBytes`: larger response bodies are not read (default 64 KiB).
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
 * @category schemas
 */
export const TokenVaultOptions = Schema.Struct({
  domain: Schema.String.annotate({ message: "domain is required: the tenant's domain, e.g. tenant.us.auth0.com" })
    .check(Schema.makeFilter(refusedBy(parseDomain, ""))),
  clientId: Schema.String.annotate({ message: "clientId is required: the application's client id" })
    .check(Schema.makeFilter((id: string) => id.trim().length > 0)),
  clientSecret: optionalField(
    secretRule,
    Schema.declare((value: unknown): value is Redacted.Redacted<string> => Redacted.isRedacted(value))
      .check(Schema.makeFilter(unusableSecret))
  ),
  clientAuthentication: optionalField(
    `clientAuthentication must be one of ${ClientAuthenticationMethod.literals.join(", ")}`,
    ClientAuthenticationMethod
  ),
  clientAssertionSigningKey: optionalField(signingKeyRule("clientAssertionSigningKey"), SigningKeySchema),
  clientAssertionSigningAlg: optionalField(algorithmRule("clientAssertionSigningAlg"), SigningAlgorithm),
  dpop: optionalField("dpop must be an object with a privateKey", DpopOptions),
  telemetry: optionalField("telemetry must be a boolean", Schema.Boolean),
  mtlsEndpoint: optionalField(
    "mtlsEndpoint must be an absolute URL without whitespace",
    Schema.String.check(Schema.makeFilter(refusedBy(parseEndpoint, "mtlsEndpoint ")))
  ),
  discoverMtlsEndpoint: optionalField("discoverMtlsEndpoint must be a boolean", Schema.Boolean),
  cache: optionalField("cache must be false or an object", Schema.Union([Schema.Literal(false), CacheOptions])),
  retry: optionalField("retry must be false or an object", Schema.Union([Schema.Literal(false), RetryOptions])),
  timeout: optionalField("timeout must be an object with attempt and/or total", TimeoutOptions),
  maxResponseBytes: optionalField("maxResponseBytes must be a positive integer", PositiveInteger)
})

/**
 * The options of a client: see {@link TokenVaultOptions}.
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
export type TokenVaultOptions = typeof TokenVaultOptions.Type

const optionalConfig = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

const isMethod = Schema.is(ClientAuthenticationMethod)
const isMtlsMethod = Schema.is(MtlsClientAuthenticationMethod)

/** The rule of a variable whose value is one of `literals`: the allowed values, never the one given. */
const oneOf = (literals: ReadonlyArray<string>) => `must be one of ${literals.join(", ")}`

/** The issue of a configuration variable: missing, or invalid with its rule. */
const variableIssue = (name: string, issue: SchemaIssue.Issue): SchemaIssue.Issue =>
  new SchemaIssue.Pointer([name], issue)

const isAlgorithm = Schema.is(SigningAlgorithm)

/**
 * The options read from the variables, or every variable that is missing or invalid at once: the
 * domain, the client id, the credential (a secret or a signing key, unless the method is mTLS),
 * the method and the signing algorithm.
 */
const checkVariables = (read: {
  readonly domain: string | undefined
  readonly clientId: string | undefined
  readonly clientSecret: Redacted.Redacted<string> | undefined
  readonly clientAuthentication: string | undefined
  readonly clientAssertionSigningKey: Redacted.Redacted<string> | undefined
  readonly clientAssertionSigningAlg: string | undefined
  readonly mtlsEndpoint: string | undefined
}): Effect.Effect<TokenVaultOptions, Config.ConfigError> => {
  const { clientAssertionSigningAlg, clientAssertionSigningKey, clientAuthentication, clientId, clientSecret, domain } =
    read
  const issues: Array<SchemaIssue.Issue> = []
  const missing = (name: string) => issues.push(variableIssue(name, new SchemaIssue.MissingKey(undefined)))
  const invalid = (name: string, rule: string) =>
    issues.push(variableIssue(name, new SchemaIssue.InvalidValue({ message: rule })))
  if (domain === undefined) missing(defaultVariables.domain)
  if (clientId === undefined) missing(defaultVariables.clientId)
  if (clientAuthentication !== undefined && !isMethod(clientAuthentication)) {
    invalid("AUTH0_CLIENT_AUTHENTICATION", oneOf(ClientAuthenticationMethod.literals))
  }
  if (clientAssertionSigningAlg !== undefined && !isAlgorithm(clientAssertionSigningAlg)) {
    invalid("AUTH0_CLIENT_ASSERTION_SIGNING_ALG", oneOf(SigningAlgorithm.literals))
  }
  // A credential is needed unless the method is mTLS. Alone, its absence is the client's rule
  // (`clientSecret`, naming the variables); with other variables wrong it is named among them.
  const mtls = clientAuthentication !== undefined && isMtlsMethod(clientAuthentication)
  if (clientSecret === undefined && clientAssertionSigningKey === undefined && !mtls && issues.length > 0) {
    missing(defaultVariables.clientSecret)
  }
  const [first, ...rest] = issues
  if (first !== undefined) {
    const issue = rest.length === 0
      ? first
      : new SchemaIssue.Composite(Schema.Unknown.ast, [first, ...rest])
    return Effect.fail(new Config.ConfigError(new Schema.SchemaError(issue)))
  }
  const options: Record<string, unknown> = { domain, clientId }
  for (const [name, value] of Object.entries(read)) {
    if (value !== undefined) options[name] = value
  }
  return Effect.succeed(withConfigVariables(options as TokenVaultOptions))
}

/**
 * The default configuration of `TokenVault.layerConfig`: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, the
 * credential: `AUTH0_CLIENT_SECRET` or `AUTH0_CLIENT_ASSERTION_SIGNING_KEY` (a PKCS#8 PEM text,
 * for `private_key_jwt`; both read as `Redacted`; neither needed with mTLS), and optionally
 * `AUTH0_CLIENT_ASSERTION_SIGNING_ALG` (one of the {@link SigningAlgorithm}s),
 * `AUTH0_CLIENT_AUTHENTICATION` (one of the {@link ClientAuthenticationMethod}s) and
 * `AUTH0_MTLS_ENDPOINT`. It fails naming every variable that is missing or invalid at once, and
 * for an invalid method or algorithm the allowed values; never a value read.
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
export const config: Config.Config<TokenVaultOptions> = /*#__PURE__*/ Config.all({
  domain: /*#__PURE__*/ optionalConfig(/*#__PURE__*/ Config.String(defaultVariables.domain)),
  clientId: /*#__PURE__*/ optionalConfig(/*#__PURE__*/ Config.String(defaultVariables.clientId)),
  clientSecret: /*#__PURE__*/ optionalConfig(/*#__PURE__*/ Config.Redacted(defaultVariables.clientSecret)),
  clientAuthentication: /*#__PURE__*/ optionalConfig(/*#__PURE__*/ Config.String("AUTH0_CLIENT_AUTHENTICATION")),
  clientAssertionSigningKey: /*#__PURE__*/ optionalConfig(
    /*#__PURE__*/ Config.Redacted(defaultVariables.clientAssertionSigningKey)
  ),
  clientAssertionSigningAlg: /*#__PURE__*/ optionalConfig(
    /*#__PURE__*/ Config.String("AUTH0_CLIENT_ASSERTION_SIGNING_ALG")
  ),
  mtlsEndpoint: /*#__PURE__*/ optionalConfig(/*#__PURE__*/ Config.String(defaultVariables.mtlsEndpoint))
}).pipe(/*#__PURE__*/ Config.mapEffect(checkVariables))

/** A `Config`, or a record whose values are (records of) `Config`s, at most 8 levels deep. */
const isConfigRecord = (value: unknown, depth: number): boolean =>
  Config.isConfig(value) ||
  (depth < 8 && typeof value === "object" && value !== null && !Array.isArray(value) &&
    Object.values(value).every((inner) => isConfigRecord(inner, depth + 1)))

const notAConfig = () =>
  new InvalidConfigurationError({
    option: "config",
    message:
      "config must be a Config of the options, or a record of Configs (e.g. { domain: Config.String(\"AUTH0_DOMAIN\") })"
  })

/**
 * Reads options from Effect `Config`: a `Config` of the options, or a record of `Config`s field by
 * field (`Config.Wrap`), as `TokenVault.layerConfig` and the adapters' `layerConfig` take it.
 * Missing or invalid configuration fails with `InvalidConfigurationError` (option `config`) naming
 * the variables, never their values; so does a `config` that is neither a `Config` nor a record
 * of them (`null`, a string where a `Config` belongs, a getter that throws): nothing throws.
 *
 * @example
 * ```ts
 * import { Config, Effect } from "effect"
 * import { TokenVaultOptions } from "@effect-auth0/token-vault"
 *
 * const options = TokenVaultOptions.loadConfig({
 *   domain: Config.String("TENANT_DOMAIN"),
 *   clientId: Config.String("TENANT_CLIENT_ID"),
 *   clientSecret: Config.Redacted("TENANT_CLIENT_SECRET")
 * })
 * // Effect<{ domain: string; clientId: string; clientSecret: Redacted<string> }, InvalidConfigurationError>
 * ```
 *
 * @since 1.0.0
 * @category config
 */
export const loadConfig = <A>(config: Config.Wrap<A>): Effect.Effect<A, InvalidConfigurationError> =>
  Effect.suspend(() => isConfigRecord(config, 0) ? Effect.succeed(Config.unwrap<A>(config)) : Effect.fail(notAConfig()))
    .pipe(
      Effect.catchDefect(() => Effect.fail(notAConfig())),
      Effect.flatMap((config) => Effect.mapError(config, fromConfigError))
    )
