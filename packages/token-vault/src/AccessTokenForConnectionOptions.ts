/**
 * The options of one exchange: which connection, which Auth0 token is the subject, and the
 * optional `loginHint`, `scope` and `forwardedFor`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"
import type * as Types from "effect/Types"
import { rules, toInvalidArgument } from "./internal/argumentError.js"
import { ownField, ownProperties } from "./internal/ownProperties.js"
import { unreadableOptions } from "./internal/unreadable.js"
import { InvalidArgumentError } from "./TokenVaultError.js"

const isWellFormedToken = (token: string) => token.length > 0 && token.trim() === token && !/^bearer\s/i.test(token)

const isNonBlank = (value: string) => value.trim().length > 0

// The options' fields, read as own properties only: a polluted `Object.prototype.loginHint` or
// `.cache` must never reach a call.
const shape = {
  connection: true,
  accessToken: true,
  refreshToken: true,
  loginHint: true,
  scope: true,
  forwardedFor: true,
  cache: true
} as const

// The rule between the two subject tokens, on decoded (or being decoded) options.
const hasOneSubject = (options: { readonly accessToken?: unknown; readonly refreshToken?: unknown }) =>
  (ownField(options, "accessToken") === undefined) !== (ownField(options, "refreshToken") === undefined)

const SubjectToken = (message: string) =>
  Schema.Union([
    Schema.RedactedFromValue(Schema.String.annotate({ message })),
    Schema.Redacted(Schema.String.annotate({ message }))
  ]).annotate({ message }).check(
    Schema.makeFilter((token) => isWellFormedToken(Redacted.value(token)), { message })
  )

/** Scopes are visible ASCII without `"` and `\\` (RFC 6749 §3.3), separated by spaces. */
const isScopeList = (scope: string) => /^ *[\x21\x23-\x5B\x5D-\x7E]+(?: +[\x21\x23-\x5B\x5D-\x7E]+)* *$/.test(scope)

const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** An IPv4 address in dotted-quad form, or an IPv6 address (as the URL parser reads one). */
const isIpAddress = (address: string) => {
  if (ipv4.test(address)) return true
  if (!/^[\d.:a-fA-F]+$/.test(address) || !address.includes(":")) return false
  return URL.canParse(`http://[${address}]/`)
}

/** A string that `predicate` accepts, with one message for every way it can be wrong. */
const Checked = (message: string, predicate: (value: string) => boolean) =>
  Schema.String.annotate({ message }).check(Schema.makeFilter(predicate, { message }))

const Fields = Schema.Struct({
  connection: Checked(rules.connection, isNonBlank),
  accessToken: Schema.optional(SubjectToken(rules.accessToken)),
  refreshToken: Schema.optional(SubjectToken(rules.refreshToken)),
  loginHint: Schema.optional(Checked(rules.loginHint, isNonBlank)),
  scope: Schema.optional(Checked(rules.scope, isScopeList)),
  forwardedFor: Schema.optional(Checked(rules.forwardedFor, isIpAddress)),
  cache: Schema.optional(Schema.Boolean.annotate({ message: rules.cache }))
})

/**
 * The Schema of the options of `TokenVault.getAccessTokenForConnection`: `connection`
 * (non-empty), exactly one of `accessToken` / `refreshToken` (non-empty strings or
 * `Redacted` strings, without a `Bearer ` prefix), an optional `loginHint`, an optional `scope`
 * (space-delimited: Auth0 down-scopes the federated token to these scopes, a subset of those the
 * user granted; part of the cache key), an optional `forwardedFor` (the end user's IP address,
 * sent as `auth0-forwarded-for` so that Auth0's suspicious-IP throttling sees the user rather
 * than the server; not part of the cache key), and `cache: false` to skip the token cache's
 * lookup for this call (the fresh token set still replaces the cached one). Only the input's own properties are read: a value inherited from a polluted
 * `Object.prototype` counts as absent.
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
export const AccessTokenForConnectionOptions = Schema.Unknown.pipe(
  Schema.decodeTo(
    Fields.check(
      Schema.makeFilter((options) =>
        hasOneSubject(options) ? undefined : {
          path: [ownField(options, "accessToken") === undefined ? "accessToken" : "refreshToken"],
          issue: ownField(options, "accessToken") === undefined
            ? "Either a refresh or access token must be specified."
            : "Either a refresh or access token should be specified, but not both."
        }
      )
    ),
    // The copy is only what the Struct then checks (a value that is not an object stays as is).
    SchemaTransformation.transform<typeof Fields.Encoded, unknown>({
      decode: (input) => ownProperties(input, shape) as typeof Fields.Encoded,
      encode: (options) => options
    })
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
  & {
    readonly connection: string
    readonly loginHint?: string | undefined
    readonly scope?: string | undefined
    readonly forwardedFor?: string | undefined
    readonly cache?: boolean | undefined
  }
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
// read once, in the Schema's order, and only as an own property.
const decodeValid = (input: unknown): Decoded | undefined => {
  if (typeof input !== "object" || input === null) return undefined
  const prototype: unknown = Object.getPrototypeOf(input)
  if (prototype !== Object.prototype && prototype !== null) return undefined
  const options = input as { readonly [key: string]: unknown }
  const connection = hasOwn(options, "connection") ? options.connection : undefined
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
  if (hasOwn(options, "scope")) {
    const scope = options.scope
    if (scope !== undefined && (typeof scope !== "string" || !isScopeList(scope))) return undefined
    decoded.scope = scope
  }
  if (hasOwn(options, "forwardedFor")) {
    const forwardedFor = options.forwardedFor
    if (forwardedFor !== undefined && (typeof forwardedFor !== "string" || !isIpAddress(forwardedFor))) return undefined
    decoded.forwardedFor = forwardedFor
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
