/**
 * The options of one exchange: which connection, which Auth0 token is the subject, and an
 * optional `loginHint`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import type * as Types from "effect/Types"
import { InvalidArgumentError } from "./TokenVaultError.js"
import { unreadableOptions } from "./internal/unreadable.js"

const tokenRule = "must be a non-empty string with no surrounding whitespace and no \"Bearer \" prefix"

const isWellFormedToken = (token: string) =>
  token.length > 0 && token.trim() === token && !/^bearer\s/i.test(token)

const isNonBlank = (value: string) => value.trim().length > 0

// The rule between the two subject tokens, on decoded (or being decoded) options.
const hasOneSubject = (options: { readonly accessToken?: unknown; readonly refreshToken?: unknown }) =>
  (options.accessToken === undefined) !== (options.refreshToken === undefined)

// The message of a field is the message of every way it can be wrong: a wrong type or a broken rule.
const SubjectToken = (name: string) => {
  const message = `${name} ${tokenRule}`
  return Schema.Union([
    Schema.RedactedFromValue(Schema.String.annotate({ message })),
    Schema.Redacted(Schema.String.annotate({ message }))
  ]).annotate({ message }).check(
    Schema.makeFilter((token) => isWellFormedToken(Redacted.value(token)), { message })
  )
}

const NonBlankString = (name: string, rule: string) => {
  const message = `${name} ${rule}`
  return Schema.String.annotate({ message }).check(Schema.makeFilter(isNonBlank, { message }))
}

const Fields = Schema.Struct({
  connection: NonBlankString("connection", "must be a non-empty string, the connection's name (e.g. \"google-oauth2\")"),
  accessToken: Schema.optional(SubjectToken("accessToken")),
  refreshToken: Schema.optional(SubjectToken("refreshToken")),
  loginHint: Schema.optional(NonBlankString("loginHint", "must be a non-empty string when given")),
  cache: Schema.optional(Schema.Boolean.annotate({ message: "cache must be a boolean when given" }))
})

const notAnObject = "options must be an object with a connection and an accessToken or a refreshToken"

/**
 * The Schema of the options of `TokenVault.getAccessTokenForConnection`: `connection`
 * (non-empty), exactly one of `accessToken` / `refreshToken` (non-empty strings or
 * `Redacted` strings, without a `Bearer ` prefix), an optional `loginHint`, and `cache: false`
 * to skip the token cache's lookup for this call (the fresh token set still replaces the cached
 * one).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { AccessTokenForConnectionOptions } from "@effect-auth0/token-vault"
 *
 * const decoded = Schema.decodeUnknownSync(AccessTokenForConnectionOptions.AccessTokenForConnectionOptions)({
 *   connection: "google-oauth2",
 *   refreshToken: "v1.MRrT..."
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AccessTokenForConnectionOptions = Fields.check(
  Schema.makeFilter((options) =>
    hasOneSubject(options) ? undefined : {
      path: [options.accessToken === undefined ? "accessToken" : "refreshToken"],
      issue: options.accessToken === undefined
        ? "Either a refresh or access token must be specified."
        : "Either a refresh or access token should be specified, but not both."
    }
  )
)

/**
 * What a caller passes to `TokenVault.getAccessTokenForConnection`. Tokens may be plain strings
 * (as they arrive in an `Authorization` header) or `Redacted` strings.
 *
 * @example
 * ```ts
 * import type { AccessTokenForConnectionOptions } from "@effect-auth0/token-vault"
 *
 * const options: AccessTokenForConnectionOptions.Input = {
 *   connection: "github",
 *   accessToken: "eyJhbGciOi...",
 *   loginHint: "octocat"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Input =
  & { readonly connection: string; readonly loginHint?: string | undefined; readonly cache?: boolean | undefined }
  & (
    | { readonly accessToken: string | Redacted.Redacted<string>; readonly refreshToken?: undefined }
    | { readonly refreshToken: string | Redacted.Redacted<string>; readonly accessToken?: undefined }
  )

/**
 * The decoded options of one exchange.
 *
 * @example
 * ```ts
 * import type { AccessTokenForConnectionOptions } from "@effect-auth0/token-vault"
 *
 * const hasHint = (options: AccessTokenForConnectionOptions.Decoded) => options.loginHint !== undefined
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Decoded = typeof AccessTokenForConnectionOptions.Type

const decodeOptions = Schema.decodeUnknownResult(AccessTokenForConnectionOptions)

/** The message annotation of an issue's own schema or filter, if any. */
const ownMessage = (issue: SchemaIssue.Issue): unknown => {
  if (issue._tag === "Filter") return issue.filter.annotations?.message
  if (issue._tag === "Pointer") return undefined
  const annotations = "annotations" in issue ? issue.annotations : undefined
  const ast = "ast" in issue ? (issue.ast as { readonly annotations?: { readonly message?: unknown } } | undefined) : undefined
  return annotations?.message ?? ast?.annotations?.message
}

/**
 * The first failure of an issue: the path to it, whether a key is missing, and the first message
 * a field's schema or filter gives on the way down (the schemas' own messages could describe
 * the input).
 */
const firstFailure = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey> = [],
  message: unknown = undefined
): { readonly path: ReadonlyArray<PropertyKey>; readonly missing: boolean; readonly message: unknown } => {
  const found = message ?? (path.length > 0 ? ownMessage(issue) : undefined)
  switch (issue._tag) {
    case "Pointer":
      return firstFailure(issue.issue, [...path, ...issue.path], found)
    case "Filter":
    case "Encoding":
      return firstFailure(issue.issue, path, found)
    case "Composite":
      return firstFailure(issue.issues[0], path, found)
    case "AnyOf":
      return issue.issues.length > 0 ? firstFailure(issue.issues[0]!, path, found) : { path, missing: false, message: found }
    default:
      return { path, missing: issue._tag === "MissingKey", message: found }
  }
}

const toInvalidArgument = (error: Schema.SchemaError) => {
  const failure = firstFailure(error.issue)
  const argument = failure.path[0]
  if (typeof argument !== "string") return new InvalidArgumentError({ argument: "options", message: notAnObject })
  const message = failure.missing
    ? `${argument} is required`
    : typeof failure.message === "string"
    ? failure.message
    : `${argument} is invalid`
  return new InvalidArgumentError({ argument, message })
}

// The Schema path: it yields the messages of every rule. A getter or a Proxy trap that throws
// (or a wiped `Redacted`) ends here as a typed error, never as an exception or a defect.
const decodeWithSchema = (input: unknown): Effect.Effect<Decoded, InvalidArgumentError> => {
  try {
    const result = decodeOptions(input)
    return Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(toInvalidArgument(result.failure))
  } catch {
    return Effect.fail(new InvalidArgumentError({ argument: "options", message: unreadableOptions }))
  }
}

const invalid: unique symbol = Symbol("invalid")

// What `SubjectToken` decodes `token` to: a fresh `Redacted` (the Schema re-wraps a `Redacted`
// input too), `undefined` kept as is, or `invalid`.
const decodeSubject = (token: unknown): Redacted.Redacted<string> | undefined | typeof invalid => {
  if (token === undefined) return undefined
  const value = Redacted.isRedacted(token) ? Redacted.value(token) : token
  return typeof value === "string" && isWellFormedToken(value) ? Redacted.make(value) : invalid
}

const hasOwn = (options: object, key: string) => Object.prototype.hasOwnProperty.call(options, key)

// The common, valid shape, checked by hand with the Schema's predicates: the result is what the
// Schema decodes (the keys it keeps, in its order, a key given as undefined kept, excess keys
// dropped), or `undefined` to leave the input, errors included, to the Schema. Each property is
// read once, in the Schema's order: an own property for the optional ones, any for `connection`.
const decodeValid = (input: unknown): Decoded | undefined => {
  if (typeof input !== "object" || input === null) return undefined
  const prototype: unknown = Object.getPrototypeOf(input)
  if (prototype !== Object.prototype && prototype !== null) return undefined
  const options = input as { readonly [key: string]: unknown }
  const connection = options.connection
  if (typeof connection !== "string" || !isNonBlank(connection)) return undefined
  const decoded: Types.Mutable<Decoded> = { connection }
  if (hasOwn(options, "accessToken")) {
    const accessToken = decodeSubject(options.accessToken)
    if (accessToken === invalid) return undefined
    decoded.accessToken = accessToken
  }
  if (hasOwn(options, "refreshToken")) {
    const refreshToken = decodeSubject(options.refreshToken)
    if (refreshToken === invalid) return undefined
    decoded.refreshToken = refreshToken
  }
  if (hasOwn(options, "loginHint")) {
    const loginHint = options.loginHint
    if (loginHint !== undefined && (typeof loginHint !== "string" || !isNonBlank(loginHint))) return undefined
    decoded.loginHint = loginHint
  }
  if (hasOwn(options, "cache")) {
    const cache = options.cache
    if (cache !== undefined && typeof cache !== "boolean") return undefined
    decoded.cache = cache
  }
  return hasOneSubject(decoded) ? decoded : undefined
}

/**
 * Decodes options that may come from plain JavaScript, failing with an `InvalidArgumentError`
 * that names the offending argument and never repeats its value.
 *
 * The result is the one of `Schema.decodeUnknown(AccessTokenForConnectionOptions)`; valid options
 * given as a plain object take a hand-written check instead of the Schema, since every call,
 * cached ones included, decodes its options. Options whose properties throw when read fail with
 * an `InvalidArgumentError` for `options`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { AccessTokenForConnectionOptions } from "@effect-auth0/token-vault"
 *
 * const failed = AccessTokenForConnectionOptions.decode({ connection: "" }).pipe(Effect.flip)
 * // InvalidArgumentError { argument: "connection", ... }
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (input: unknown): Effect.Effect<Decoded, InvalidArgumentError> => {
  try {
    const decoded = decodeValid(input)
    if (decoded !== undefined) return Effect.succeed(decoded)
  } catch {
    // A throwing getter or Proxy trap: the Schema path turns it into a typed error.
  }
  return decodeWithSchema(input)
}
