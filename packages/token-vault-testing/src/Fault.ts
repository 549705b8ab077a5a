/**
 * Faults: answers the emulator gives instead of the normal one, to test how a client copes with
 * a misbehaving token endpoint. Set one with `TokenVaultEmulator.setFault`; it applies to every
 * request (still recorded) until cleared with `setFault(undefined)`.
 *
 * Every fault here is an HTTP answer. The union is meant to grow with transport-level faults
 * (latency, connection resets, stalled or oversized bodies, random injection by seed), which the
 * transports receive as non-`Respond` `TokenVaultEmulator.EmulatorOutcome`s. No fault reads the
 * request, so no fault body can echo a secret from it.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/**
 * A fault the emulator answers with.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.gen(function* () {
 *   yield* TokenVaultEmulator.setFault(Fault.RateLimited({ retryAfter: 2 }))
 *   // ... exercise the client, then
 *   yield* TokenVaultEmulator.setFault(undefined)
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = Data.TaggedEnum<{
  /** An HTML error page (`text/html`), 200 unless told otherwise. */
  Html: { readonly status: number; readonly body?: string }
  /** A plain-text body (`text/plain`), 200 unless told otherwise. */
  NonJson: { readonly status: number; readonly body?: string }
  /** JSON with mistyped fields: `access_token` a number, `expires_in` a string. */
  WrongTypes: { readonly status: number }
  /** An empty body that claims to be JSON. */
  EmptyBody: { readonly status: number }
  /** A 5xx with a short HTML body. */
  ServerError: { readonly status: number; readonly body?: string }
  /** Auth0's 429 with its rate-limit headers, each sent only when given. */
  RateLimited: {
    readonly retryAfter?: number
    readonly limit?: number
    readonly remaining?: number
    readonly reset?: number
  }
  /** Any status, headers and body. */
  Custom: { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body: string }
}>

const constructors = Data.taggedEnum<Fault>()

/**
 * @since 0.1.0
 * @category models
 */
export type Html = Data.TaggedEnum.Value<Fault, "Html">

/**
 * @since 0.1.0
 * @category models
 */
export type NonJson = Data.TaggedEnum.Value<Fault, "NonJson">

/**
 * @since 0.1.0
 * @category models
 */
export type WrongTypes = Data.TaggedEnum.Value<Fault, "WrongTypes">

/**
 * @since 0.1.0
 * @category models
 */
export type EmptyBody = Data.TaggedEnum.Value<Fault, "EmptyBody">

/**
 * @since 0.1.0
 * @category models
 */
export type ServerError = Data.TaggedEnum.Value<Fault, "ServerError">

/**
 * @since 0.1.0
 * @category models
 */
export type RateLimited = Data.TaggedEnum.Value<Fault, "RateLimited">

/**
 * @since 0.1.0
 * @category models
 */
export type Custom = Data.TaggedEnum.Value<Fault, "Custom">

const withBody = (body: string | undefined): { readonly body?: string } => (body === undefined ? {} : { body })

/**
 * An HTML error page (`text/html`), as a proxy or a misrouted request would answer. Status 200
 * by default, which is the nasty case for a client that trusts the status.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const page = Fault.Html()
 * const gateway = Fault.Html({ status: 502, body: "<h1>Bad Gateway</h1>" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Html = (options: { readonly status?: number; readonly body?: string } = {}): Html =>
  constructors.Html({ status: options.status ?? 200, ...withBody(options.body) })

/**
 * A plain-text body (`text/plain`). Status 200 by default.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.NonJson({ body: "OK" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const NonJson = (options: { readonly status?: number; readonly body?: string } = {}): NonJson =>
  constructors.NonJson({ status: options.status ?? 200, ...withBody(options.body) })

/**
 * A JSON success body with mistyped fields: `access_token` is a number and `expires_in` a
 * string. Status 200 by default.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.WrongTypes()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const WrongTypes = (options: { readonly status?: number } = {}): WrongTypes =>
  constructors.WrongTypes({ status: options.status ?? 200 })

/**
 * An empty body with `content-type: application/json`. Status 200 by default.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.EmptyBody()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const EmptyBody = (options: { readonly status?: number } = {}): EmptyBody =>
  constructors.EmptyBody({ status: options.status ?? 200 })

/**
 * A server error with a short HTML body. Status 500 by default (502, 503, ... when given).
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.ServerError({ status: 503 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const ServerError = (options: { readonly status?: number; readonly body?: string } = {}): ServerError =>
  constructors.ServerError({ status: options.status ?? 500, ...withBody(options.body) })

/**
 * Auth0's rate-limit answer: 429
 * `{"error":"too_many_requests","error_description":"Global limit has been reached"}` with
 * `retry-after`, `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` headers,
 * each only when given.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.RateLimited({ retryAfter: 3, limit: 30, remaining: 0, reset: 1_700_000_000 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const RateLimited = (
  options: {
    readonly retryAfter?: number
    readonly limit?: number
    readonly remaining?: number
    readonly reset?: number
  } = {}
): RateLimited =>
  constructors.RateLimited({
    ...(options.retryAfter === undefined ? {} : { retryAfter: options.retryAfter }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.remaining === undefined ? {} : { remaining: options.remaining }),
    ...(options.reset === undefined ? {} : { reset: options.reset })
  })

/**
 * Any answer: status, headers (lower-case names) and body, sent as given.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.Custom({
 *   status: 503,
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ error: "temporarily_unavailable", error_description: "Try later" })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Custom = (options: {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body: string
}): Custom =>
  constructors.Custom({
    status: options.status,
    body: options.body,
    ...(options.headers === undefined ? {} : { headers: options.headers })
  })

/**
 * Refines a fault to one variant.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const isRateLimited = Fault.$is("RateLimited")
 * isRateLimited(Fault.RateLimited()) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const $is = constructors.$is

/**
 * Matches on the variants of a fault.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const describe = Fault.$match({
 *   Html: () => "html",
 *   NonJson: () => "text",
 *   WrongTypes: () => "mistyped json",
 *   EmptyBody: () => "empty",
 *   ServerError: (fault) => `server error ${fault.status}`,
 *   RateLimited: () => "429",
 *   Custom: (fault) => `custom ${fault.status}`
 * })
 * ```
 *
 * @since 0.1.0
 * @category pattern matching
 */
export const $match = constructors.$match
