/**
 * The library makes one request per call and never retries. When a retry makes sense for your
 * application, write it with Effect's own tools: here a rate-limited exchange waits for the
 * `Retry-After` Auth0 sent (capped), and a transport failure is retried twice with backoff.
 */
import { Duration, Effect, Schedule } from "effect"
import { TokenVault, type AccessTokenForConnectionOptions } from "@effect-auth0/token-vault"

const maxWait = Duration.seconds(10)

/** One exchange that honours a single `Retry-After` before giving up. */
const exchangeHonouringRetryAfter = (options: AccessTokenForConnectionOptions.Input) =>
  TokenVault.getAccessTokenForConnection(options).pipe(
    Effect.catchTag("RateLimitError", (error) =>
      Effect.sleep(Duration.min(Duration.seconds(error.retryAfter ?? 1), maxWait)).pipe(
        Effect.zipRight(TokenVault.getAccessTokenForConnection(options))
      ))
  )

/** Transport failures (connection refused or reset, DNS, TLS) get two more tries. */
export const exchangeWithRetries = (options: AccessTokenForConnectionOptions.Input) =>
  exchangeHonouringRetryAfter(options).pipe(
    Effect.retry({
      schedule: Schedule.exponential("200 millis"),
      times: 2,
      while: (error) => error._tag === "TransportError"
    })
  )
