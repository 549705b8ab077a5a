import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as TokenCache from "../TokenCache.js"
import { InvalidConfigurationError } from "../TokenVaultError.js"
import {
  CacheOptions,
  DpopOptions,
  MtlsClientAuthenticationMethod,
  RetryOptions,
  type SigningAlgorithm,
  type SigningKey,
  TimeoutOptions,
  TokenVaultOptions
} from "../TokenVaultOptions.js"
import { configVariablesOf } from "./configVariables.js"
import { parseDomain, parseEndpoint } from "./domain.js"
import { formEncode } from "./formEncode.js"
import { firstFailure } from "./issue.js"
import { ownProperties, type Shape } from "./ownProperties.js"
import { grantType, requestedTokenType, type SubjectTokenKind, subjectTokenTypes } from "./protocol.js"
import { unreadableOptions } from "./unreadable.js"
import { packageName, packageVersion } from "./version.js"

/** Where the token request goes: a fixed URL, or the mTLS alias read from discovery. */
export type TokenEndpoint =
  | { readonly _tag: "Fixed"; readonly url: string }
  | { readonly _tag: "Discover"; readonly discoveryUrl: string }

/** The retry policy, resolved; `maxAttempts` 1 means no retries. */
export interface RetryPolicy {
  readonly maxAttempts: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly maxRetryAfter: Duration.Duration
}

/** What signs the requests of a client: its client assertions, its DPoP proofs, or both. */
export interface SigningSettings {
  readonly clientId: string
  /** The `aud` of client assertions: the tenant's issuer, `https://DOMAIN/`, as Auth0's SDKs send it. */
  readonly audience: string
  readonly assertion: { readonly key: SigningKey; readonly algorithm: SigningAlgorithm } | undefined
  readonly dpop: DpopOptions | undefined
}

/** A validated client: where to send the exchange, how to write it, and its limits. */
export interface ResolvedClient {
  /** The tenant's origin, e.g. `https://tenant.auth0.com`: part of cache keys. */
  readonly origin: string
  readonly clientId: string
  readonly endpoint: TokenEndpoint
  /** The secret to keep out of error excerpts, when there is one. */
  readonly clientSecret: string | undefined
  /** The headers of every token request, `content-type` among them. */
  readonly headers: Readonly<Record<string, string>>
  /**
   * The form-encoded body of the token request of `call`; a client assertion, made per request,
   * is added after it.
   */
  readonly formBody: (call: TokenCall) => string
  /** Client assertions and DPoP proofs to make, when the client uses either. */
  readonly signing: SigningSettings | undefined
  readonly cache: { readonly store: TokenCache.TokenCache; readonly skewMillis: number } | undefined
  readonly retry: RetryPolicy
  readonly attemptTimeout: Duration.Duration
  readonly totalTimeout: Duration.Duration
  readonly maxResponseBytes: number
}

/** What one exchange sends besides the client's own fields. */
export interface TokenCall {
  readonly connection: string
  readonly subjectTokenKind: SubjectTokenKind
  readonly subjectToken: Redacted.Redacted<string>
  readonly loginHint: string | undefined
  /** The requested scopes, as given. */
  readonly scope: string | undefined
  /** The end user's IP address, sent as `auth0-forwarded-for`. */
  readonly forwardedFor: string | undefined
}

const invalid = (option: string, message: string) => Result.fail(new InvalidConfigurationError({ option, message }))

/** The `Auth0-Client` telemetry header value, as Auth0's SDKs send it. */
const telemetryHeader = btoa(JSON.stringify({ name: packageName, version: packageVersion }))

/** A duration option (checked finite by the Schema), or its default; a negative one is zero. */
const duration = (value: Duration.Input | undefined, fallback: Duration.Input): Duration.Duration => {
  const decoded = Duration.fromInputUnsafe(value ?? fallback)
  return Duration.isNegative(decoded) ? Duration.zero : decoded
}

const noRetries: RetryPolicy = {
  maxAttempts: 1,
  baseDelay: Duration.zero,
  maxDelay: Duration.zero,
  maxRetryAfter: Duration.zero
}

const decodeOptions = Schema.decodeUnknownResult(TokenVaultOptions)
const isMtlsMethod = Schema.is(MtlsClientAuthenticationMethod)

const fieldsOf = (fields: object): Shape => Object.fromEntries(Object.keys(fields).map((key) => [key, true]))

/** The options' fields, with the nested objects of options. */
const optionsShape: Shape = {
  ...fieldsOf(TokenVaultOptions.fields),
  cache: fieldsOf(CacheOptions.fields),
  retry: fieldsOf(RetryOptions.fields),
  timeout: fieldsOf(TimeoutOptions.fields),
  dpop: fieldsOf(DpopOptions.fields)
}

/** The `InvalidConfigurationError` of options the Schema refused: the option's path and rule. */
const refused = (error: Schema.SchemaError) => {
  const failure = firstFailure(error.issue)
  const option = failure.path.map(String).join(".")
  if (option === "") return invalid("options", "options must be an object")
  return invalid(
    option,
    failure.missing
      ? `${option} is required`
      : typeof failure.message === "string"
      ? failure.message
      : `${option} is invalid`
  )
}

/**
 * Validates client options and precomputes everything that does not change between exchanges.
 * Options may come from plain JavaScript: they are read as own properties only (never from a
 * polluted prototype), the `TokenVaultOptions` Schema checks each one, then
 * the rules between them are checked; messages name the option, never its value. A getter or a
 * Proxy trap that throws ends as a typed error whose message leaves out what was thrown (it could
 * quote a secret), never as an exception.
 */
export const resolveClient = (options: unknown): Result.Result<ResolvedClient, InvalidConfigurationError> => {
  try {
    return resolveReadable(options)
  } catch {
    return invalid("options", unreadableOptions)
  }
}

const resolveReadable = (input: unknown): Result.Result<ResolvedClient, InvalidConfigurationError> =>
  Result.gen(function*() {
    // Own properties only, in and out: the Schema would read inherited ones, and so would a
    // plain read of an option the decoded object does not have.
    const decoded = decodeOptions(ownProperties(input, optionsShape))
    if (Result.isFailure(decoded)) return yield* refused(decoded.failure)
    const options = ownProperties(decoded.success, optionsShape) as TokenVaultOptions
    const { clientAssertionSigningKey, clientId, clientSecret, telemetry = true } = options
    const clientAuthentication = options.clientAuthentication ??
      (clientAssertionSigningKey === undefined ? "client_secret_post" : "private_key_jwt")
    const origin = yield* Result.mapError(
      parseDomain(options.domain),
      (reason) => new InvalidConfigurationError({ option: "domain", message: reason })
    )
    const mtls = isMtlsMethod(clientAuthentication)
    const privateKeyJwt = clientAuthentication === "private_key_jwt"
    if (clientAssertionSigningKey !== undefined && !privateKeyJwt) {
      return yield* invalid("clientAssertionSigningKey", "clientAssertionSigningKey applies to private_key_jwt only")
    }
    const variables = configVariablesOf(input)
    const named = (option: string, variable: string | undefined) =>
      variable === undefined ? option : `${option} (${variable})`
    if (privateKeyJwt && clientAssertionSigningKey === undefined) {
      return yield* invalid(
        "clientAssertionSigningKey",
        `private_key_jwt needs ${
          named("clientAssertionSigningKey", variables?.clientAssertionSigningKey)
        }: the application's private key`
      )
    }
    if (!mtls && !privateKeyJwt && clientSecret === undefined) {
      return yield* invalid(
        "clientSecret",
        `client authentication is required: give ${named("clientSecret", variables?.clientSecret)} or ${
          named("clientAssertionSigningKey", variables?.clientAssertionSigningKey)
        }, or use mTLS`
      )
    }
    // With mTLS or a signing key the secret is not the credential: one given too is never sent.
    const secret = mtls || privateKeyJwt || clientSecret === undefined ? undefined : Redacted.value(clientSecret)
    const signing: SigningSettings | undefined = clientAssertionSigningKey === undefined && options.dpop === undefined
      ? undefined
      : {
        clientId,
        audience: `${origin}/`,
        assertion: clientAssertionSigningKey === undefined
          ? undefined
          : { key: clientAssertionSigningKey, algorithm: options.clientAssertionSigningAlg ?? "RS256" },
        dpop: options.dpop
      }

    let endpoint: TokenEndpoint = { _tag: "Fixed", url: `${origin}/oauth/token` }
    if (options.mtlsEndpoint !== undefined) {
      if (!mtls) {
        return yield* invalid(
          "mtlsEndpoint",
          "mtlsEndpoint applies to tls_client_auth and self_signed_tls_client_auth only"
        )
      }
      endpoint = {
        _tag: "Fixed",
        url: yield* Result.mapError(
          parseEndpoint(options.mtlsEndpoint),
          () => new InvalidConfigurationError({ option: "mtlsEndpoint", message: "mtlsEndpoint is not a valid URL" })
        )
      }
    } else if (options.discoverMtlsEndpoint === true) {
      if (!mtls) {
        return yield* invalid("discoverMtlsEndpoint", "discoverMtlsEndpoint applies to mTLS client authentication only")
      }
      endpoint = { _tag: "Discover", discoveryUrl: `${origin}/.well-known/openid-configuration` }
    }

    const cache = options.cache === false ? undefined : {
      store: options.cache?.store ?? TokenCache.memory({ maxEntries: options.cache?.maxEntries ?? 10_000 }),
      skewMillis: Duration.toMillis(duration(options.cache?.skew, "60 seconds"))
    }
    const retry: RetryPolicy = options.retry === false ? noRetries : {
      maxAttempts: options.retry?.maxAttempts ?? 8,
      baseDelay: duration(options.retry?.baseDelay, "100 millis"),
      maxDelay: duration(options.retry?.maxDelay, "2 seconds"),
      maxRetryAfter: duration(options.retry?.maxRetryAfter, "10 seconds")
    }
    const attemptTimeout = duration(options.timeout?.attempt, "10 seconds")
    const totalTimeout = duration(options.timeout?.total, "30 seconds")
    const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024

    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json"
    }
    if (telemetry) headers["auth0-client"] = telemetryHeader
    if (clientAuthentication === "client_secret_basic") {
      headers["authorization"] = `Basic ${btoa(`${formEncode(clientId)}:${formEncode(secret!)}`)}`
    }
    // The fields that are the same in every request, encoded once.
    const clientFields = clientAuthentication === "client_secret_basic"
      ? ""
      : secret === undefined
      ? `&client_id=${formEncode(clientId)}`
      : `&client_id=${formEncode(clientId)}&client_secret=${formEncode(secret)}`
    const fixedFields = `grant_type=${formEncode(grantType)}&requested_token_type=${formEncode(requestedTokenType)}`
    const subjectTokenTypeFields = {
      access_token: `&subject_token_type=${formEncode(subjectTokenTypes.access_token)}`,
      refresh_token: `&subject_token_type=${formEncode(subjectTokenTypes.refresh_token)}`
    }

    const formBody = (call: TokenCall) =>
      fixedFields +
      `&subject_token=${formEncode(Redacted.value(call.subjectToken))}` +
      subjectTokenTypeFields[call.subjectTokenKind] +
      `&connection=${formEncode(call.connection)}` +
      (call.loginHint === undefined ? "" : `&login_hint=${formEncode(call.loginHint)}`) +
      (call.scope === undefined ? "" : `&scope=${formEncode(call.scope.trim())}`) +
      clientFields
    return {
      origin,
      clientId,
      endpoint,
      clientSecret: secret,
      headers,
      formBody,
      signing,
      cache,
      retry,
      attemptTimeout,
      totalTimeout,
      maxResponseBytes
    }
  })
