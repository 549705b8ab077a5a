/**
 * The options of one exchange: which connection, which Auth0 token is the subject, and an
 * optional `loginHint`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { InvalidArgumentError } from "./TokenVaultError.js"

const withMessage = (message: string) => ({ message: () => ({ message, override: true }) })

const tokenRule = "must be a non-empty string with no surrounding whitespace and no \"Bearer \" prefix"

const isWellFormedToken = (token: string) =>
  token.length > 0 && token.trim() === token && !/^bearer\s/i.test(token)

const SubjectToken = (name: string) =>
  Schema.Union(Schema.Redacted(Schema.String), Schema.RedactedFromSelf(Schema.String)).pipe(
    Schema.filter((token) => isWellFormedToken(Redacted.value(token))),
    Schema.annotations(withMessage(`${name} ${tokenRule}`))
  )

const NonBlankString = (name: string, rule: string) =>
  Schema.String.pipe(
    Schema.filter((value) => value.trim().length > 0),
    Schema.annotations(withMessage(`${name} ${rule}`))
  )

const Fields = Schema.Struct({
  connection: NonBlankString("connection", "must be a non-empty string, the connection's name (e.g. \"google-oauth2\")"),
  accessToken: Schema.optional(SubjectToken("accessToken")),
  refreshToken: Schema.optional(SubjectToken("refreshToken")),
  loginHint: Schema.optional(NonBlankString("loginHint", "must be a non-empty string when given")),
  cache: Schema.optional(Schema.Boolean.annotations(withMessage("cache must be a boolean when given")))
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
export const AccessTokenForConnectionOptions = Fields.pipe(
  Schema.filter((options) =>
    (options.accessToken === undefined) === (options.refreshToken === undefined)
      ? {
        path: [options.accessToken === undefined ? "accessToken" : "refreshToken"],
        message: options.accessToken === undefined
          ? "Either a refresh or access token must be specified."
          : "Either a refresh or access token should be specified, but not both."
      }
      : undefined
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

const decodeOptions = Schema.decodeUnknown(AccessTokenForConnectionOptions)

/**
 * Decodes options that may come from plain JavaScript, failing with an `InvalidArgumentError`
 * that names the offending argument and never repeats its value.
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
export const decode = (input: unknown): Effect.Effect<Decoded, InvalidArgumentError> =>
  Effect.mapError(decodeOptions(input), (error) => {
    // Field schemas carry their own messages; the struct's default one would quote the input.
    const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
    const argument = issue?.path[0]
    if (typeof argument !== "string") return new InvalidArgumentError({ argument: "options", message: notAnObject })
    const message = issue!._tag === "Missing" ? `${argument} is required` : issue!.message
    return new InvalidArgumentError({ argument, message })
  })
