import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as TokenCache from "../TokenCache.js"
import { InvalidConfigurationError } from "../TokenVaultError.js"
import { ClientAuthenticationMethod, type TokenVaultOptions } from "../TokenVaultOptions.js"
import { formEncode } from "./formEncode.js"
import { parseDomain, parseEndpoint } from "./domain.js"
import { grantType, requestedTokenType, subjectTokenTypes, type SubjectTokenKind } from "./protocol.js"
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
  /** The form-encoded body of the token request of `call`. */
  readonly formBody: (call: TokenCall) => string
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
}

const invalid = (option: string, message: string) => Result.fail(new InvalidConfigurationError({ option, message }))

const isNonEmptyString = (value: unknown): value is string => typeof value === "string" && value.trim().length > 0

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const methods: ReadonlyArray<unknown> = ClientAuthenticationMethod.literals

/** The `Auth0-Client` telemetry header value, as Auth0's SDKs send it. */
const telemetryHeader = btoa(JSON.stringify({ name: packageName, version: packageVersion }))

/** A duration option: a `DurationInput` that is finite and not negative. */
const durationOption = (
  option: string,
  value: unknown,
  fallback: Duration.Input
): Result.Result<Duration.Duration, InvalidConfigurationError> => {
  if (value === undefined) return Result.succeed(Duration.fromInputUnsafe(fallback))
  const decoded = Duration.fromInput(value as Duration.Input)
  if (decoded._tag === "None" || !Duration.isFinite(decoded.value)) {
    return invalid(option, `${option} must be a finite duration, e.g. "5 seconds" or a number of milliseconds`)
  }
  return Result.succeed(Duration.isNegative(decoded.value) ? Duration.zero : decoded.value)
}

const resolveRetry = (retry: unknown): Result.Result<RetryPolicy, InvalidConfigurationError> =>
  Result.gen(function* () {
    if (retry === false) {
      return { maxAttempts: 1, baseDelay: Duration.zero, maxDelay: Duration.zero, maxRetryAfter: Duration.zero }
    }
    if (retry !== undefined && !isObject(retry)) return yield* invalid("retry", "retry must be false or an object")
    const options = (retry ?? {}) as Record<string, unknown>
    const maxAttempts = options["maxAttempts"] ?? 8
    if (!isPositiveInteger(maxAttempts)) {
      return yield* invalid("retry.maxAttempts", "retry.maxAttempts must be a positive integer (1 = no retries)")
    }
    return {
      maxAttempts,
      baseDelay: yield* durationOption("retry.baseDelay", options["baseDelay"], "100 millis"),
      maxDelay: yield* durationOption("retry.maxDelay", options["maxDelay"], "2 seconds"),
      maxRetryAfter: yield* durationOption("retry.maxRetryAfter", options["maxRetryAfter"], "10 seconds")
    }
  })

const resolveCache = (
  cache: unknown
): Result.Result<ResolvedClient["cache"], InvalidConfigurationError> =>
  Result.gen(function* () {
    if (cache === false) return undefined
    if (cache !== undefined && !isObject(cache)) return yield* invalid("cache", "cache must be false or an object")
    const options = (cache ?? {}) as Record<string, unknown>
    const maxEntries = options["maxEntries"] ?? 10_000
    if (!isPositiveInteger(maxEntries)) return yield* invalid("cache.maxEntries", "cache.maxEntries must be a positive integer")
    const skew = yield* durationOption("cache.skew", options["skew"], "60 seconds")
    const store = options["store"]
    const implementsStore = isObject(store) &&
      ["get", "set", "invalidate"].every((method) => typeof store[method] === "function")
    if (store !== undefined && !implementsStore) {
      return yield* invalid("cache.store", "cache.store must implement TokenCache (get, set, invalidate)")
    }
    return {
      store: (store as TokenCache.TokenCache | undefined) ?? TokenCache.memory({ maxEntries }),
      skewMillis: Duration.toMillis(skew)
    }
  })

/**
 * Validates client options and precomputes everything that does not change between exchanges.
 * Options may come from plain JavaScript, so each is checked at run time; messages name the
 * option, never its value. A getter or a Proxy trap that throws ends as a typed error whose
 * message leaves out what was thrown (it could quote a secret), never as an exception.
 */
export const resolveClient = (options: TokenVaultOptions): Result.Result<ResolvedClient, InvalidConfigurationError> => {
  try {
    return resolveReadable(options)
  } catch {
    return invalid("options", unreadableOptions)
  }
}

const resolveReadable = (options: TokenVaultOptions): Result.Result<ResolvedClient, InvalidConfigurationError> =>
  Result.gen(function* () {
    if (!isObject(options)) return yield* invalid("options", "options must be an object")
    const { clientAuthentication = "client_secret_post", clientId, clientSecret, domain, telemetry = true } = options
    if (typeof domain !== "string") {
      return yield* invalid("domain", "domain is required: the tenant's domain, e.g. tenant.us.auth0.com")
    }
    const origin = yield* Result.mapError(parseDomain(domain), (reason) => new InvalidConfigurationError({ option: "domain", message: reason }))
    if (!isNonEmptyString(clientId)) return yield* invalid("clientId", "clientId is required: the application's client id")
    if (!methods.includes(clientAuthentication)) {
      return yield* invalid("clientAuthentication", `clientAuthentication must be one of ${methods.join(", ")}`)
    }
    const mtls = clientAuthentication === "tls_client_auth" || clientAuthentication === "self_signed_tls_client_auth"
    let secret: string | undefined
    if (!mtls) {
      if (clientSecret === undefined) {
        return yield* invalid("clientSecret", "client authentication is required: give clientSecret, or use mTLS")
      }
      const notRedacted = "clientSecret must be a non-empty string wrapped in Redacted (Redacted.make)"
      if (!Redacted.isRedacted(clientSecret)) return yield* invalid("clientSecret", notRedacted)
      let value: unknown
      try {
        value = Redacted.value(clientSecret)
      } catch {
        return yield* invalid("clientSecret", "clientSecret could not be read: the Redacted was wiped (Redacted.unsafeWipe)")
      }
      if (!isNonEmptyString(value)) return yield* invalid("clientSecret", notRedacted)
      secret = value
    }
    if (typeof telemetry !== "boolean") return yield* invalid("telemetry", "telemetry must be a boolean")

    let endpoint: TokenEndpoint = { _tag: "Fixed", url: `${origin}/oauth/token` }
    if (options.mtlsEndpoint !== undefined) {
      if (!mtls) return yield* invalid("mtlsEndpoint", "mtlsEndpoint applies to tls_client_auth and self_signed_tls_client_auth only")
      const url = yield* Result.mapError(
        parseEndpoint(options.mtlsEndpoint),
        (reason) => new InvalidConfigurationError({ option: "mtlsEndpoint", message: `mtlsEndpoint ${reason}` })
      )
      endpoint = { _tag: "Fixed", url }
    } else if (options.discoverMtlsEndpoint === true) {
      if (!mtls) return yield* invalid("discoverMtlsEndpoint", "discoverMtlsEndpoint applies to mTLS client authentication only")
      endpoint = { _tag: "Discover", discoveryUrl: `${origin}/.well-known/openid-configuration` }
    }

    const cache = yield* resolveCache(options.cache)
    const retry = yield* resolveRetry(options.retry)
    if (options.timeout !== undefined && !isObject(options.timeout)) {
      return yield* invalid("timeout", "timeout must be an object with attempt and/or total")
    }
    const attemptTimeout = yield* durationOption("timeout.attempt", options.timeout?.attempt, "10 seconds")
    const totalTimeout = yield* durationOption("timeout.total", options.timeout?.total, "30 seconds")
    const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024
    if (!isPositiveInteger(maxResponseBytes)) {
      return yield* invalid("maxResponseBytes", "maxResponseBytes must be a positive integer")
    }

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
      clientFields
    return {
      origin,
      clientId,
      endpoint,
      clientSecret: secret,
      headers,
      formBody,
      cache,
      retry,
      attemptTimeout,
      totalTimeout,
      maxResponseBytes
    }
  })
