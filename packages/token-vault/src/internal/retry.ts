import * as Duration from "effect/Duration"
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
 * The retry schedule: exponential backoff with jitter from `baseDelay`, each delay capped at
 * `maxDelay`, except after a 429 with `Retry-After`, which waits exactly that long; at most
 * `maxAttempts - 1` retries, of transient failures only.
 */
export const retrySchedule = (policy: RetryPolicy): Schedule.Schedule<unknown, TokenVaultError> =>
  Schedule.exponential(policy.baseDelay).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((delay) => Duration.min(delay, policy.maxDelay)),
    Schedule.zipRight(Schedule.identity<TokenVaultError>()),
    Schedule.modifyDelay((error, delay) =>
      error._tag === "RateLimitError" && error.retryAfter !== undefined ? Duration.seconds(error.retryAfter) : delay
    ),
    Schedule.intersect(Schedule.recurs(policy.maxAttempts - 1)),
    Schedule.whileInput(isTransient(policy))
  )
