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

/** The fields of Auth0's OAuth error answer, kept by every error that classifies one. */
const oauthAnswer = {
  status: Schema.Number,
  error: Schema.String,
  errorDescription: Schema.optional(Schema.String),
  connection: Schema.String
}

/** Auth0's answer as a message shows it, e.g. `(401 invalid_grant): Invalid subject token`. */
const answerOf = (
  answer: { readonly status: number; readonly error: string; readonly errorDescription?: string | undefined }
): string =>
  `(${answer.status} ${shown(answer.error)})${
    answer.errorDescription === undefined ? "" : `: ${shown(answer.errorDescription)}`
  }`

/**
 * Auth0 answered the exchange with an OAuth error (`{ error, error_description }`) that none of
 * the errors for a situation an application acts on (`AccountNotConnectedError`,
 * `ReconnectRequiredError`, `InvalidSubjectTokenError`, `ClientNotAllowedError`,
 * `MfaRequiredError`) covers: for example `invalid_request`, `invalid_scope`, `invalid_client`,
 * or any OAuth error with a `5xx` status. When Auth0 rejected the client's own authentication
 * (`invalid_client`, or the `401 access_denied` "Unauthorized" it answers for an unknown client id
 * or a wrong secret), the message of the service's error says so and what to check: the client id
 * and secret (named `AUTH0_CLIENT_ID` and `AUTH0_CLIENT_SECRET` when they came from
 * `TokenVault.layerConfig`), or with mTLS the client id and certificate. The fields are Auth0's
 * answer either way.
 *
 * @example
 * ```ts
 * import { TokenVaultError } from "@effect-auth0/token-vault"
 *
 * const error = new TokenVaultError.TokenExchangeError({
 *   status: 400,
 *   error: "invalid_request",
 *   errorDescription: "Invalid connection",
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
)("TokenExchangeError", oauthAnswer) {
  override get message(): string {
    const connection = `"${shown(this.connection)}"`
    const advice = adviceOf(this)
    return advice === undefined
      ? `Auth0 refused the token exchange for connection ${connection} ${answerOf(this)}`
      : `Auth0 rejected the client's authentication in the token exchange for connection ${connection} ${
        answerOf(this)
      }; ${advice}`
  }
}

/**
 * The user has not connected an account at this connection: Token Vault holds no token set for
 * the user there (or none for the call's `loginHint`). Auth0 answers
 * `federated_connection_refresh_token_not_found` or `tokenset_not_found` (with a `4xx` status).
 * What to do: start the Connected Accounts flow for the connection (send the user to connect the
 * account), then call again. The fields are Auth0's answer and the call's connection.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * declare const auth0AccessToken: string
 *
 * const outcome = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: auth0AccessToken })
 *   .pipe(
 *     Effect.map((tokenSet) => ({ _tag: "Token", tokenSet }) as const),
 *     Effect.catchTag("AccountNotConnectedError", (error) =>
 *       Effect.succeed({ _tag: "ConnectAccount", connection: error.connection } as const))
 *   )
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class AccountNotConnectedError extends Schema.TaggedError<AccountNotConnectedError>(
  "@effect-auth0/token-vault/AccountNotConnectedError"
)("AccountNotConnectedError", oauthAnswer) {
  override get message(): string {
    return `The user has not connected an account at connection "${shown(this.connection)}" in Token Vault ${
      answerOf(this)
    }; start the Connected Accounts flow for this connection, then call again`
  }
}

/**
 * The connection must be re-authorized: Token Vault holds the user's account at this connection,
 * but the provider refused or revoked the stored refresh token, so no fresh access token can be
 * had from it. Auth0 answers `federated_connection_refresh_token_flow_failed` (with a `4xx`
 * status). What to do: have the user connect the account again (the Connected Accounts flow),
 * then call again; retrying as is will not help.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * declare const auth0AccessToken: string
 *
 * const outcome = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: auth0AccessToken })
 *   .pipe(
 *     Effect.map((tokenSet) => ({ _tag: "Token", tokenSet }) as const),
 *     Effect.catchTag("ReconnectRequiredError", (error) =>
 *       Effect.succeed({ _tag: "Reconnect", connection: error.connection } as const))
 *   )
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class ReconnectRequiredError extends Schema.TaggedError<ReconnectRequiredError>(
  "@effect-auth0/token-vault/ReconnectRequiredError"
)("ReconnectRequiredError", oauthAnswer) {
  override get message(): string {
    return `The provider refused the stored refresh token of connection "${shown(this.connection)}" ${
      answerOf(this)
    }; have the user re-authorize the connection (connect the account again), then call again`
  }
}

/**
 * Auth0 refused the subject token (the user's Auth0 access token or refresh token): it is
 * unknown, expired, revoked, of the other type, or issued to another application. Auth0 answers
 * `invalid_grant` (with a `4xx` status). What to do: the user needs a fresh Auth0 token: sign in
 * again (or refresh the Auth0 session); when the token came from a client of your API, answer it
 * `401`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * declare const auth0AccessToken: string
 *
 * const outcome = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: auth0AccessToken })
 *   .pipe(
 *     Effect.map((tokenSet) => ({ _tag: "Token", tokenSet }) as const),
 *     Effect.catchTag("InvalidSubjectTokenError", () => Effect.succeed({ _tag: "SignInAgain" } as const))
 *   )
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class InvalidSubjectTokenError extends Schema.TaggedError<InvalidSubjectTokenError>(
  "@effect-auth0/token-vault/InvalidSubjectTokenError"
)("InvalidSubjectTokenError", oauthAnswer) {
  override get message(): string {
    return `Auth0 refused the subject token of the token exchange for connection "${shown(this.connection)}" ${
      answerOf(this)
    }; it is invalid, expired or not meant for this application: have the user sign in again`
  }
}

/**
 * The application may not use the Token Vault exchange: Auth0 answers `unauthorized_client`, or
 * `access_denied` with status `403` (a `401 access_denied` "Unauthorized" is a wrong client id or
 * secret instead: a `TokenExchangeError`). What to do: fix the application's settings in Auth0:
 * enable the Token Vault grant type for it, and make it a first-party, confidential application;
 * `errorDescription` says which check failed. No call will succeed until then.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * declare const auth0AccessToken: string
 *
 * const outcome = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: auth0AccessToken })
 *   .pipe(
 *     Effect.catchTag("ClientNotAllowedError", (error) =>
 *       Effect.logError("fix the application's settings in Auth0", error.errorDescription).pipe(
 *         Effect.andThen(Effect.fail(error))
 *       ))
 *   )
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class ClientNotAllowedError extends Schema.TaggedError<ClientNotAllowedError>(
  "@effect-auth0/token-vault/ClientNotAllowedError"
)("ClientNotAllowedError", oauthAnswer) {
  override get message(): string {
    return `The application may not use the Token Vault exchange for connection "${shown(this.connection)}" ${
      answerOf(this)
    }; in Auth0, enable the Token Vault grant for the application and make it a first-party, confidential application`
  }
}

/**
 * Auth0 requires multi-factor authentication before it hands out the connection's token: it
 * answers `mfa_required`, usually with an `mfa_token`. That token is kept in `mfaToken`, wrapped in
 * `Redacted` (absent when Auth0 sent none): it appears in no message, `toString()`,
 * `JSON.stringify` or log. What to do: have the user complete MFA (Auth0's MFA API takes the
 * `mfaToken` to challenge and verify an authenticator), then call again with the Auth0 token that
 * comes out of it.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * declare const auth0AccessToken: string
 *
 * const outcome = TokenVault.getAccessTokenForConnection({ connection: "github", accessToken: auth0AccessToken })
 *   .pipe(
 *     Effect.map((tokenSet) => ({ _tag: "Token", tokenSet }) as const),
 *     Effect.catchTag("MfaRequiredError", (error) =>
 *       Effect.succeed({
 *         _tag: "CompleteMfa",
 *         mfaToken: error.mfaToken === undefined ? undefined : Redacted.value(error.mfaToken)
 *       } as const))
 *   )
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class MfaRequiredError extends Schema.TaggedError<MfaRequiredError>(
  "@effect-auth0/token-vault/MfaRequiredError"
)("MfaRequiredError", {
  ...oauthAnswer,
  mfaToken: Schema.optional(Schema.Redacted(Schema.String))
}) {
  override get message(): string {
    const mfa = this.mfaToken === undefined ? "" : " (the error's mfaToken continues Auth0's MFA flow)"
    return `Auth0 requires multi-factor authentication for the token exchange for connection "${
      shown(this.connection)
    }" ${answerOf(this)}; have the user complete MFA${mfa}, then call again`
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
  | AccountNotConnectedError
  | ReconnectRequiredError
  | InvalidSubjectTokenError
  | ClientNotAllowedError
  | MfaRequiredError
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
