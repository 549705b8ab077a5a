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
const isTransient = (policy: RetryPolicy, error: TokenVaultError): boolean => {
  switch (error._tag) {
    case "TransportError":
      return !error.responseReceived
    case "UnexpectedResponseError":
    case "TokenExchangeError":
      return retriedStatuses.has(error.status)
    case "RateLimitError":
      return error.retryAfter === undefined ||
        Duration.isLessThanOrEqualTo(Duration.seconds(error.retryAfter), policy.maxRetryAfter)
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
 * capped at `maxDelay` and rounded to whole milliseconds, except after a 429 with `Retry-After`,
 * which waits exactly that long; at most `maxAttempts - 1` retries, of transient failures only;
 * and never a delay past the call's `deadline` (epoch milliseconds), after which it stops. A 429
 * whose `Retry-After` ends at or past the deadline stops it at once, so the call fails with that
 * `RateLimitError` rather than sleeping until the total limit; a backoff delay that crosses the
 * deadline is cut short to it instead. `onRetry` runs for each retry it decides on, with the
 * number of the attempt to come and the failure that led to it.
 */
export const retrySchedule = <E extends TokenVaultError>(
  policy: RetryPolicy,
  deadline: number,
  onRetry: (attempt: number, failure: E) => Effect.Effect<void>
): Schedule.Schedule<Duration.Duration, E> =>
  Schedule.exponential(policy.baseDelay).pipe(
    Schedule.jittered,
    Schedule.setInputType<E>(),
    // Whole milliseconds: a fractional sleep leaves a `TestClock` at a time `currentTimeNanos` can't convert.
    Schedule.modifyDelay(({ duration, input }) =>
      Effect.succeed(
        input._tag === "RateLimitError" && input.retryAfter !== undefined
          ? Duration.seconds(input.retryAfter)
          : Duration.millis(Math.round(Duration.toMillis(Duration.min(duration, policy.maxDelay))))
      )
    ),
    Schedule.while(({ attempt, input, now }) =>
      attempt < policy.maxAttempts && isTransient(policy, input) && now < deadline && !waitsPast(input, now, deadline)
    ),
    Schedule.modifyDelay(({ duration, now }) =>
      Effect.succeed(Duration.min(duration, Duration.millis(deadline - now)))
    ),
    Schedule.tap(({ attempt, input }) => onRetry(attempt + 1, input))
  )
