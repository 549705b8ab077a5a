/**
 * The messages of the options of one exchange, and the mapping of their Schema's errors to an
 * `InvalidArgumentError` that names the argument and never repeats its value.
 */
import type * as Schema from "effect/Schema"
import { InvalidArgumentError } from "../TokenVaultError.js"
import { firstFailure } from "./issue.js"

const tokenRule = "must be a non-empty string with no surrounding whitespace and no \"Bearer \" prefix"

/** The rule of each field: its message for every way it can be wrong. */
export const rules = {
  connection: "connection must be a non-empty string, the connection's name (e.g. \"google-oauth2\")",
  accessToken: `accessToken ${tokenRule}`,
  refreshToken: `refreshToken ${tokenRule}`,
  loginHint: "loginHint must be a non-empty string when given",
  cache: "cache must be a boolean when given",
  scope: "scope must be a non-empty, space-delimited list of scopes when given (e.g. \"openid calendar.readonly\")",
  forwardedFor: "forwardedFor must be the end user's IP address (IPv4 or IPv6) when given"
} as const

const notAnObject = "options must be an object with a connection and an accessToken or a refreshToken"

/** The `InvalidArgumentError` of a failed decode of the options. */
export const toInvalidArgument = (error: Schema.SchemaError) => {
  const failure = firstFailure(error.issue)
  const argument = failure.path[0]
  if (typeof argument !== "string") return new InvalidArgumentError({ argument: "options", message: notAnObject })
  const message = failure.missing
    ? `${argument} is required`
    : typeof failure.message === "string"
    ? failure.message
    : Object.prototype.hasOwnProperty.call(rules, argument)
    ? rules[argument as keyof typeof rules]
    : `${argument} is invalid`
  return new InvalidArgumentError({ argument, message })
}
