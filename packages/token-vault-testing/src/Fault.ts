/**
 * Faults: answers the emulator gives instead of the normal one, to test how a client copes with
 * a misbehaving token endpoint. Set one with `TokenVaultEmulator.setFault`; it applies to every
 * request (still recorded; CORS preflights excepted) until cleared with `setFault(undefined)`, or
 * to the next `times` requests with `setFault(fault, { times })`.
 *
 * Two kinds:
 *
 * - HTTP answers: `Html`, `NonJson`, `WrongTypes`, `EmptyBody`, `ServerError` (500/502/503/504…),
 *   `RateLimited`, `Custom`.
 * - Transport faults: `Latency`, `ResetBeforeHeaders`, `ResetAfterHeaders`, `TruncatedJson`,
 *   `StalledBody`, `EndlessBody`, `OversizedBody`, and `Random` (seeded injection of the others).
 *   The transports receive them as non-`Respond` `TokenVaultEmulator.EmulatorOutcome`s: the
 *   loopback server acts on the socket, the in-memory client fails the request or the body stream
 *   the way a real client would see it.
 *
 * No fault body echoes the request. `ResetAfterHeaders`, `TruncatedJson` and `StalledBody` send
 * (part of) the normal answer, whose bodies never contain a subject token or a client secret.
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
  /** Auth0's 429 with its `x-ratelimit-*` headers (defaults for those not given), and `retry-after` when given. */
  RateLimited: {
    readonly retryAfter?: number
    readonly limit?: number
    readonly remaining?: number
    readonly reset?: number
  }
  /** Any status, headers and body. */
  Custom: { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body: string }
  /** Waits `millis` (Effect's `Clock`, so `TestClock` drives it), then answers normally or with `then`. */
  Latency: { readonly millis: number; readonly then?: Fault }
  /** The connection is reset before any response byte. */
  ResetBeforeHeaders: Record<never, never>
  /** The normal answer's headers and half its body, then the connection is reset. */
  ResetAfterHeaders: Record<never, never>
  /** The normal answer's headers (with the full `content-length`), half its body, then the connection ends. */
  TruncatedJson: Record<never, never>
  /** The normal answer's headers, then no body at all, until the client gives up or the server closes. */
  StalledBody: Record<never, never>
  /** A 200 JSON head, then a body trickled one byte every `intervalMillis` that never ends. */
  EndlessBody: { readonly intervalMillis: number }
  /** A 200 token-shaped JSON body of exactly `bytes` bytes, streamed in chunks. */
  OversizedBody: { readonly bytes: number; readonly contentLength: boolean }
  /** With probability `rate`, one of `faults` (chosen by a PRNG seeded with `seed`); else the normal answer. */
  Random: { readonly rate: number; readonly seed: number; readonly faults: ReadonlyArray<Fault> }
}>

const constructors = Data.taggedEnum<Fault>()

/**
 * The `Html` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.Html = Fault.Html()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Html = Data.TaggedEnum.Value<Fault, "Html">

/**
 * The `NonJson` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.NonJson = Fault.NonJson()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type NonJson = Data.TaggedEnum.Value<Fault, "NonJson">

/**
 * The `WrongTypes` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.WrongTypes = Fault.WrongTypes()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type WrongTypes = Data.TaggedEnum.Value<Fault, "WrongTypes">

/**
 * The `EmptyBody` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.EmptyBody = Fault.EmptyBody()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EmptyBody = Data.TaggedEnum.Value<Fault, "EmptyBody">

/**
 * The `ServerError` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.ServerError = Fault.ServerError({ status: 503 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ServerError = Data.TaggedEnum.Value<Fault, "ServerError">

/**
 * The `RateLimited` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.RateLimited = Fault.RateLimited()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RateLimited = Data.TaggedEnum.Value<Fault, "RateLimited">

/**
 * The `Custom` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.Custom = Fault.Custom({ status: 418, body: "teapot" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Custom = Data.TaggedEnum.Value<Fault, "Custom">

/**
 * The `Latency` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.Latency = Fault.Latency({ millis: 100 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Latency = Data.TaggedEnum.Value<Fault, "Latency">

/**
 * The `ResetBeforeHeaders` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.ResetBeforeHeaders = Fault.ResetBeforeHeaders()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ResetBeforeHeaders = Data.TaggedEnum.Value<Fault, "ResetBeforeHeaders">

/**
 * The `ResetAfterHeaders` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.ResetAfterHeaders = Fault.ResetAfterHeaders()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ResetAfterHeaders = Data.TaggedEnum.Value<Fault, "ResetAfterHeaders">

/**
 * The `TruncatedJson` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.TruncatedJson = Fault.TruncatedJson()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TruncatedJson = Data.TaggedEnum.Value<Fault, "TruncatedJson">

/**
 * The `StalledBody` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.StalledBody = Fault.StalledBody()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type StalledBody = Data.TaggedEnum.Value<Fault, "StalledBody">

/**
 * The `EndlessBody` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.EndlessBody = Fault.EndlessBody()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EndlessBody = Data.TaggedEnum.Value<Fault, "EndlessBody">

/**
 * The `OversizedBody` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.OversizedBody = Fault.OversizedBody()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type OversizedBody = Data.TaggedEnum.Value<Fault, "OversizedBody">

/**
 * The `Random` variant of {@link Fault}.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault: Fault.Random = Fault.Random({ rate: 0.1, seed: 1, faults: [Fault.ServerError()] })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Random = Data.TaggedEnum.Value<Fault, "Random">

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
 * A server error with a short, non-JSON (HTML) body naming the status, as a load balancer or
 * gateway in front of the tenant answers: 500 by default, 502, 503, 504 (or any status) when given.
 * This is the "status fault" for retry tests; combine it with `setFault(fault, { times })` for
 * "503 once, then success".
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
 * `{"error":"too_many_requests","error_description":"Global limit has been reached"}` with the
 * headers Auth0 documents, `x-ratelimit-limit` (default 10), `x-ratelimit-remaining` (default 0)
 * and `x-ratelimit-reset` (UNIX seconds when the bucket refills; default: `retryAfter` seconds, or
 * one second, after the emulator's `Clock`, so `TestClock` drives it), and `retry-after` only when
 * `retryAfter` is given (Auth0 does not document it).
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * // x-ratelimit-* only, the reset one second ahead: a client should wait until then.
 * const auth0 = Fault.RateLimited()
 * // All four headers, as given.
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
 * Waits `millis` before answering, normally or with `then`. The wait uses `Effect.sleep` on the
 * caller's runtime, so under `TestClock` it passes only when the test adjusts the clock (in memory
 * and on loopback alike); the request is recorded when it arrives, before the wait.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const slow = Fault.Latency({ millis: 2_000 })
 * const slowThenBroken = Fault.Latency({ millis: 500, then: Fault.ServerError({ status: 504 }) })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Latency = (options: { readonly millis: number; readonly then?: Fault | undefined }): Latency =>
  constructors.Latency({ millis: options.millis, ...(options.then === undefined ? {} : { then: options.then }) })

/**
 * The connection is reset before any response byte is sent. On loopback the socket is destroyed
 * (with a TCP RST where Node allows it); in memory the request fails with
 * an `HttpClientError` whose `reason` is a `TransportError` (`ECONNRESET`).
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.ResetBeforeHeaders()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const ResetBeforeHeaders = (): ResetBeforeHeaders => constructors.ResetBeforeHeaders()

/**
 * The status and headers of the normal answer (with the `content-length` of its full body) and
 * the first half of its body, then the connection is reset. In memory the response arrives and
 * reading its body fails (`HttpClientError` with a `DecodeError` reason).
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.ResetAfterHeaders()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const ResetAfterHeaders = (): ResetAfterHeaders => constructors.ResetAfterHeaders()

/**
 * The normal answer's status and headers, including the `content-length` of the full body, then
 * the body cut in the middle of its JSON, then the connection ends (a clean close, not a reset).
 * A client that honours `content-length` fails reading the body; in memory reading the body fails
 * with an `HttpClientError` whose `reason` is a `DecodeError`.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.TruncatedJson()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const TruncatedJson = (): TruncatedJson => constructors.TruncatedJson()

/**
 * The normal answer's status and headers are sent at once, then the body never comes. The
 * connection stays open until the client gives up (aborts, times out) or the server's scope
 * closes; in memory the body stream waits until the reader is interrupted.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.StalledBody()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const StalledBody = (): StalledBody => constructors.StalledBody()

/**
 * A 200 `application/json` head without `content-length`, then a body that starts like a token
 * answer and trickles one more byte every `intervalMillis` (default 100), forever: only a client
 * deadline on the whole exchange ends it (an idle timeout never fires). It stops when the client
 * goes away or the server's scope closes. The trickle uses `Effect.sleep`, so `TestClock` drives it.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const fault = Fault.EndlessBody({ intervalMillis: 20 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const EndlessBody = (options: { readonly intervalMillis?: number } = {}): EndlessBody =>
  constructors.EndlessBody({ intervalMillis: options.intervalMillis ?? 100 })

/**
 * A 200 answer whose body is a valid, token-shaped JSON object padded to exactly `bytes` bytes
 * (default 1 MiB), streamed in 64 KiB chunks and never held in memory whole. With
 * `contentLength: true` (the default) the size is announced in `content-length`; with `false` it
 * is not, so only counting streamed bytes can catch it. Below about 200 bytes the JSON is cut to
 * `bytes`.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const mebibyte = Fault.OversizedBody()
 * const unannounced = Fault.OversizedBody({ bytes: 8 * 1024 * 1024, contentLength: false })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const OversizedBody = (
  options: { readonly bytes?: number; readonly contentLength?: boolean } = {}
): OversizedBody =>
  constructors.OversizedBody({ bytes: options.bytes ?? 1024 * 1024, contentLength: options.contentLength ?? true })

/**
 * Seeded random injection: for each request, with probability `rate` (0..1) one of `faults`
 * (chosen uniformly) answers it, otherwise the normal answer does. The choices come from a
 * mulberry32 PRNG seeded with `seed` when the fault is set, so the same seed and the same
 * sequence of requests give the same faults. The fault chosen for a request is recorded in its
 * `RecordedRequest.fault`.
 *
 * @example
 * ```ts
 * import { Fault } from "@effect-auth0/token-vault-testing"
 *
 * const flaky = Fault.Random({
 *   rate: 0.3,
 *   seed: 42,
 *   faults: [Fault.ServerError({ status: 503 }), Fault.ResetBeforeHeaders(), Fault.Latency({ millis: 200 })]
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Random = (options: {
  readonly rate: number
  readonly seed: number
  readonly faults: ReadonlyArray<Fault>
}): Random => constructors.Random({ rate: options.rate, seed: options.seed, faults: options.faults })

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
 *   Custom: (fault) => `custom ${fault.status}`,
 *   Latency: (fault) => `slow ${fault.millis}ms`,
 *   ResetBeforeHeaders: () => "reset",
 *   ResetAfterHeaders: () => "reset mid-body",
 *   TruncatedJson: () => "truncated",
 *   StalledBody: () => "stalled",
 *   EndlessBody: () => "endless",
 *   OversizedBody: (fault) => `${fault.bytes} bytes`,
 *   Random: (fault) => `random ${fault.rate}`
 * })
 * ```
 *
 * @since 0.1.0
 * @category pattern matching
 */
export const $match = constructors.$match
