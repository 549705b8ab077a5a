import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { RateLimitError, TokenVaultError } from "../TokenVaultError.js"
import type { RetryPolicy } from "./client.js"
import { isUnresolvedHost } from "./outcome.js"

const retriedStatuses = new Set([502, 503, 504])

/**
 * The wait a 429 asks for, in milliseconds from `now` (epoch milliseconds): its `Retry-After`;
 * without one, the time until its `x-ratelimit-reset` (UNIX seconds, when Auth0's bucket refills).
 * `undefined` when it asks for none, or its reset has passed: the usual backoff applies then.
 */
const rateLimitWait = (error: RateLimitError, now: number): number | undefined => {
  if (error.retryAfter !== undefined) return error.retryAfter * 1000
  if (error.reset === undefined) return undefined
  const untilReset = Math.ceil(error.reset * 1000 - now)
  return untilReset > 0 ? untilReset : undefined
}

/**
 * Whether a failed attempt is worth another: no response arrived (but a host name that did not
 * resolve stays unresolved), a gateway status, or a 429 whose wait is within the cap. OAuth
 * errors and everything else are final.
 */
const isTransient = (policy: RetryPolicy, error: TokenVaultError, now: number): boolean => {
  switch (error._tag) {
    case "TransportError":
      return !error.responseReceived && !isUnresolvedHost(error)
    case "UnexpectedResponseError":
    case "TokenExchangeError":
      return retriedStatuses.has(error.status)
    case "RateLimitError": {
      const wait = rateLimitWait(error, now)
      return wait === undefined || wait <= Duration.toMillis(policy.maxRetryAfter)
    }
    default:
      return false
  }
}

/**
 * Whether `error` is a 429 whose wait, counted from `now`, ends at or past `deadline` (epoch
 * milliseconds): a retry then could only time out, so the `RateLimitError` is the answer.
 */
const waitsPast = (error: TokenVaultError, now: number, deadline: number): boolean => {
  if (error._tag !== "RateLimitError") return false
  const wait = rateLimitWait(error, now)
  return wait !== undefined && now + wait >= deadline
}

/**
 * The retry schedule of one call: exponential backoff with jitter from `baseDelay`, each delay
 * capped at `maxDelay` and rounded to whole milliseconds, except after a 429 that names its wait
 * (`Retry-After`, else `x-ratelimit-reset`), which waits exactly that long; at most
 * `maxAttempts - 1` retries, of transient failures only; and never a delay past the call's
 * `deadline` (epoch milliseconds), after which it stops. A 429 whose wait is over `maxRetryAfter`
 * or ends at or past the deadline stops it at once, so the call fails with that `RateLimitError`
 * rather than sleeping until the total limit; a backoff delay that crosses the deadline is cut
 * short to it instead. A host name that did not resolve is not retried. `onRetry` runs for each
 * retry it decides on, with the number of the attempt to come and the failure that led to it.
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
    Schedule.modifyDelay(({ duration, input, now }) => {
      const wait = input._tag === "RateLimitError" ? rateLimitWait(input, now) : undefined
      return Effect.succeed(
        wait !== undefined
          ? Duration.millis(wait)
          : Duration.millis(Math.round(Duration.toMillis(Duration.min(duration, policy.maxDelay))))
      )
    }),
    Schedule.while(({ attempt, input, now }) =>
      attempt < policy.maxAttempts && isTransient(policy, input, now) && now < deadline &&
      !waitsPast(input, now, deadline)
    ),
    Schedule.modifyDelay(({ duration, now }) =>
      Effect.succeed(Duration.min(duration, Duration.millis(deadline - now)))
    ),
    Schedule.tap(({ attempt, input }) => onRetry(attempt + 1, input))
  )
