/**
 * The typed errors of the Token Vault exchange. Every failure of `TokenVault` is one of these,
 * and none of them carries a subject token, a client secret or an issued access token. Their
 * messages show the control characters of the values they quote (CR, LF, ANSI escapes, other C0
 * and C1 controls, bidi controls) as escapes such as `\r`, `\n` and `\u001b`, so that a value
 * cannot forge a log line or restyle a terminal; the fields keep the values as given.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import { adviceOf } from "./internal/advice.js"
import { escapeControls as shown } from "./internal/escape.js"

/**
 * The options of a call are wrong: no connection, neither or both of `accessToken` /
 * `refreshToken`, empty strings, wrong types. Names the argument, never its value.
 *
 * @example
 * ```ts
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const error = new TokenVaultError.InvalidArgumentError({
 *   argument: "connection",
 *   message: "connection must be a non-empty string"
 * })
 * console.log(error._tag) // "InvalidArgumentError"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidArgumentError extends Schema.TaggedError<InvalidArgumentError>(
  "@effect-auth0/token-vault/InvalidArgumentError"
)("InvalidArgumentError", {
  argument: Schema.String,
  message: Schema.String
}) {}

/**
 * The client options are wrong: a bad domain, no client id, no client authentication. Raised
 * when `TokenVault.make` runs or its layer is built, before any request.
 *
 * @example
 * ```ts
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const error = new TokenVaultError.InvalidConfigurationError({
 *   option: "domain",
 *   message: "domain must use https"
 * })
 * console.log(error.option) // "domain"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidConfigurationError extends Schema.TaggedError<InvalidConfigurationError>(
  "@effect-auth0/token-vault/InvalidConfigurationError"
)("InvalidConfigurationError", {
  option: Schema.String,
  message: Schema.String
}) {}

/**
 * Auth0 answered the exchange with an OAuth error (`{ error, error_description }`), for example
 * `invalid_grant` for an expired subject token or
 * `federated_connection_refresh_token_not_found` when the user never linked the connection.
 * When Auth0 rejected the client's own authentication instead (`invalid_client`, or the
 * `401 access_denied` "Unauthorized" it answers for an unknown client id or a wrong secret), the
 * message of the service's error says so and what to check: the client id and secret (named
 * `AUTH0_CLIENT_ID` and `AUTH0_CLIENT_SECRET` when they came from `TokenVault.layerConfig`), or
 * with mTLS the client id and certificate. The fields are Auth0's answer either way.
 *
 * @example
 * ```ts
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const error = new TokenVaultError.TokenExchangeError({
 *   status: 401,
 *   error: "invalid_grant",
 *   errorDescription: "Invalid subject token",
 *   connection: "google-oauth2"
 * })
 * console.log(error.message)
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenExchangeError extends Schema.TaggedError<TokenExchangeError>(
  "@effect-auth0/token-vault/TokenExchangeError"
)("TokenExchangeError", {
  status: Schema.Number,
  error: Schema.String,
  errorDescription: Schema.optional(Schema.String),
  connection: Schema.String
}) {
  override get message(): string {
    const answer = `(${this.status} ${shown(this.error)})${
      this.errorDescription === undefined ? "" : `: ${shown(this.errorDescription)}`
    }`
    const connection = `"${shown(this.connection)}"`
    const advice = adviceOf(this)
    return advice === undefined
      ? `Auth0 refused the token exchange for connection ${connection} ${answer}`
      : `Auth0 rejected the client's authentication in the token exchange for connection ${connection} ${answer}; ${advice}`
  }
}

/**
 * Auth0 answered `429 Too Many Requests`. Carries `Retry-After` (in seconds) and Auth0's
 * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (UNIX seconds) headers when
 * sent. The service retries a 429 after the wait it names (`Retry-After`, else until
 * `x-ratelimit-reset`) when that is within `retry.maxRetryAfter` and the call's time limit, and
 * otherwise fails at once with this error.
 *
 * @example
 * ```ts
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const error = new TokenVaultError.RateLimitError({ connection: "github", retryAfter: 2 })
 * console.log(error.message) // mentions the 2 s to wait
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitError extends Schema.TaggedError<RateLimitError>(
  "@effect-auth0/token-vault/RateLimitError"
)("RateLimitError", {
  connection: Schema.String,
  retryAfter: Schema.optional(Schema.Number),
  limit: Schema.optional(Schema.Number),
  remaining: Schema.optional(Schema.Number),
  reset: Schema.optional(Schema.Number),
  error: Schema.optional(Schema.String),
  errorDescription: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const wait = this.retryAfter === undefined ? "" : `; retry after ${this.retryAfter} s`
    return `Auth0 rate-limited the token exchange for connection "${shown(this.connection)}" (429)${wait}`
  }
}

/**
 * No usable HTTP exchange happened: connection refused or reset, DNS, TLS, a timeout, or a body
 * that broke off while being read. `responseReceived` tells whether the response's status and
 * headers had arrived (only failures before that are retried).
 *
 * @example
 * ```ts
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const error = new TokenVaultError.TransportError({
 *   url: "https://tenant.auth0.com/oauth/token",
 *   description: "connect ECONNREFUSED",
 *   responseReceived: false
 * })
 * console.log(error.message)
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>(
  "@effect-auth0/token-vault/TransportError"
)("TransportError", {
  url: Schema.String,
  description: Schema.String,
  responseReceived: Schema.Boolean
}) {
  override get message(): string {
    return `Could not complete the request to ${shown(this.url)}: ${shown(this.description)}`
  }
}

/**
 * A response that is neither a valid success nor an OAuth error: not JSON, HTML, missing or
 * mistyped fields, an unexpected status. Carries the status and a short excerpt of the body with
 * anything secret-looking removed.
 *
 * @example
 * ```ts
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const error = new TokenVaultError.UnexpectedResponseError({
 *   status: 502,
 *   description: "the body is not JSON",
 *   excerpt: "<html>Bad gateway</html>"
 * })
 * console.log(error.message)
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponseError extends Schema.TaggedError<UnexpectedResponseError>(
  "@effect-auth0/token-vault/UnexpectedResponseError"
)("UnexpectedResponseError", {
  status: Schema.Number,
  description: Schema.String,
  excerpt: Schema.String
}) {
  override get message(): string {
    const excerpt = this.excerpt === "" ? "" : ` (body: ${shown(this.excerpt)})`
    return `Unexpected response from the Auth0 token endpoint (status ${this.status}): ${
      shown(this.description)
    }${excerpt}`
  }
}

/**
 * The union of every error of this library: `InvalidConfigurationError` when a client is built,
 * the others when `TokenVault.getAccessTokenForConnection` runs.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault, type TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const program = TokenVault.getAccessTokenForConnection({
 *   connection: "github",
 *   accessToken: "eyJ..."
 * }).pipe(
 *   Effect.catch((error: TokenVaultError.TokenVaultError) => Effect.logWarning(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type TokenVaultError =
  | InvalidArgumentError
  | InvalidConfigurationError
  | TokenExchangeError
  | RateLimitError
  | TransportError
  | UnexpectedResponseError

/**
 * The rule a configuration schema states for an invalid value (its `message` annotation, e.g. the
 * allowed values), as `: rule`; empty when it states none. Our annotations, never the value read.
 */
const ruleOf = (issue: SchemaIssue.Issue): string => {
  const message = issue._tag === "InvalidValue"
    ? issue.annotations?.message
    : issue._tag === "AnyOf" || issue._tag === "InvalidType"
    ? issue.ast.annotations?.message
    : undefined
  return typeof message === "string" && message !== "" ? `: ${message}` : ""
}

/** The configuration keys an issue is about, each as missing or invalid, in order. */
const issuesOf = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey>,
  out: Array<string>
): void => {
  switch (issue._tag) {
    case "Pointer":
      return issuesOf(issue.issue, [...path, ...issue.path], out)
    case "Composite":
      for (const inner of issue.issues) issuesOf(inner, path, out)
      return
    case "AnyOf":
      // A value that matches no member (e.g. not one of the allowed literals) has no inner issues.
      if (issue.issues.length === 0) out.push(`invalid configuration at ${path.map(String).join(".")}${ruleOf(issue)}`)
      for (const inner of issue.issues) issuesOf(inner, path, out)
      return
    case "Filter":
    case "Encoding":
      return issuesOf(issue.issue, path, out)
    case "MissingKey":
      out.push(`missing configuration: ${path.map(String).join(".")}`)
      return
    case "InvalidType":
      // A configuration source gives no value for a variable it does not have: the type check says so.
      out.push(`missing or invalid configuration: ${path.map(String).join(".")}`)
      return
    default:
      out.push(`invalid configuration at ${path.map(String).join(".")}${ruleOf(issue)}`)
  }
}

/**
 * An `InvalidConfigurationError` for a failed Effect `Config`: which variables are missing or
 * invalid, never their values (Effect's own text may quote what it read).
 *
 * @example
 * ```ts
 * import { Config, Effect } from "effect"
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const domain = Config.String("AUTH0_DOMAIN").pipe(Effect.mapError(TokenVaultError.fromConfigError))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromConfigError = (error: Config.ConfigError): InvalidConfigurationError => {
  const cause = error.cause
  if (cause._tag === "SourceError") {
    return new InvalidConfigurationError({ option: "config", message: "the configuration source could not be read" })
  }
  const out: Array<string> = []
  issuesOf(cause.issue, [], out)
  return new InvalidConfigurationError({
    option: "config",
    message: out.length === 0 ? "invalid configuration" : [...new Set(out)].join("; ")
  })
}
