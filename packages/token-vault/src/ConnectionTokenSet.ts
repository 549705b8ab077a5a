/**
 * The result of an exchange: the federated access token and what is known about it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A connection's access token from Token Vault.
 *
 * - `accessToken`: the provider's access token, `Redacted` so that it never prints.
 * - `scope`: the granted scopes as Auth0 sent them, or `undefined` when it sent none.
 * - `expiresAt`: when the token expires, in seconds since the Unix epoch (now + `expires_in`).
 * - `connection`, `loginHint`: echo the call's options.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TokenVault } from "@effect-auth0/token-vault"
 *
 * const program = Effect.gen(function* () {
 *   const tokenSet = yield* TokenVault.getAccessTokenForConnection({
 *     connection: "google-oauth2",
 *     accessToken: "eyJ..."
 *   })
 *   const authorization = `Bearer ${Redacted.value(tokenSet.accessToken)}`
 *   return { authorization, expiresAt: tokenSet.expiresAt }
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class ConnectionTokenSet extends Schema.Class<ConnectionTokenSet>("ConnectionTokenSet")({
  accessToken: Schema.RedactedFromValue(Schema.String),
  scope: Schema.UndefinedOr(Schema.String),
  expiresAt: Schema.Number,
  connection: Schema.String,
  loginHint: Schema.UndefinedOr(Schema.String)
}) {}
