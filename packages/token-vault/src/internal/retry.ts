import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { TokenVaultError } from "../TokenVaultError.js"
import type { RetryPolicy } from "./client.js"

const retriedStatuses = new Set([502, 503, 504])

/**
 * Whether a failed attempt is worth another: no response arrived, a gateway status, or a 429
 * whose wait is within the cap. OAuth errors and everything else are final.
 */
const isTransient = (policy: RetryPolicy) => (error: TokenVaultError): boolean => {
  switch (error._tag) {
    case "TransportError":
      return !error.responseReceived
    case "UnexpectedResponseError":
    case "TokenExchangeError":
      return retriedStatuses.has(error.status)
    case "RateLimitError":
      return error.retryAfter === undefined || Duration.lessThanOrEqualTo(Duration.seconds(error.retryAfter), policy.maxRetryAfter)
    default:
      return false
  }
}

/**
 * Whether `error` is a 429 whose `Retry-After`, counted from `now`, ends at or past `deadline`
 * (epoch milliseconds): a retry then could only time out, so the `RateLimitError` is the answer.
 */
const waitsPast = (error: TokenVaultError, now: number, deadline: number): boolean =>
  error._tag === "RateLimitError" && error.retryAfter !== undefined && now + error.retryAfter * 1000 >= deadline

/**
 * The retry schedule of one call: exponential backoff with jitter from `baseDelay`, each delay
 * capped at `maxDelay` and rounded to whole milliseconds, except after a 429 with `Retry-After`, which waits exactly that long; at
 * most `maxAttempts - 1` retries, of transient failures only; and never a delay past the call's
 * `deadline` (epoch milliseconds), after which it stops. A 429 whose `Retry-After` ends at or past
 * the deadline stops it at once, so the call fails with that `RateLimitError` rather than sleeping
 * until the total limit; a backoff delay that crosses the deadline is cut short to it instead.
 */
export const retrySchedule = (policy: RetryPolicy, deadline: number): Schedule.Schedule<unknown, TokenVaultError> =>
  Schedule.exponential(policy.baseDelay).pipe(
    Schedule.jittered,
    // Whole milliseconds: a fractional sleep leaves a `TestClock` at a time `currentTimeNanos` can't convert.
    Schedule.modifyDelay((_, delay) => Duration.millis(Math.round(Duration.toMillis(Duration.min(delay, policy.maxDelay))))),
    Schedule.zipRight(Schedule.identity<TokenVaultError>()),
    Schedule.modifyDelay((error, delay) =>
      error._tag === "RateLimitError" && error.retryAfter !== undefined ? Duration.seconds(error.retryAfter) : delay
    ),
    Schedule.intersect(Schedule.recurs(policy.maxAttempts - 1)),
    Schedule.whileInput(isTransient(policy)),
    Schedule.checkEffect((error, _) => Effect.map(Clock.currentTimeMillis, (now) => now < deadline && !waitsPast(error, now, deadline))),
    Schedule.modifyDelayEffect((_, delay) =>
      Effect.map(Clock.currentTimeMillis, (now) => Duration.min(delay, Duration.millis(Math.max(0, deadline - now))))
    )
  )
