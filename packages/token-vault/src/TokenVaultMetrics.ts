/**
 * The Effect `Metric`s a `TokenVault` updates. Export them with any Effect metrics exporter
 * (e.g. `@effect/opentelemetry`) or read them with `Metric.value`.
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"

/**
 * Calls of `getAccessTokenForConnection`, whatever their outcome.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const calls = Effect.map(Metric.value(TokenVaultMetrics.calls), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const calls = Metric.counter("token_vault_calls_total", {
  description: "Calls of getAccessTokenForConnection",
  incremental: true
})

/**
 * Exchanges sent to Auth0's token endpoint: one per attempt, retries included.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const sent = Effect.map(Metric.value(TokenVaultMetrics.exchanges), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const exchanges = Metric.counter("token_vault_exchanges_total", {
  description: "Requests sent to the token endpoint, retries included",
  incremental: true
})

/**
 * Calls answered from the token cache.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const hits = Effect.map(Metric.value(TokenVaultMetrics.cacheHits), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const cacheHits = Metric.counter("token_vault_cache_hits_total", {
  description: "Calls answered from the token cache",
  incremental: true
})

/**
 * Calls that looked in the token cache and found nothing fresh.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const misses = Effect.map(Metric.value(TokenVaultMetrics.cacheMisses), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const cacheMisses = Metric.counter("token_vault_cache_misses_total", {
  description: "Cache lookups that found no fresh entry",
  incremental: true
})

/**
 * Calls that joined an identical exchange already in flight instead of starting their own.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const joined = Effect.map(Metric.value(TokenVaultMetrics.coalesced), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const coalesced = Metric.counter("token_vault_coalesced_total", {
  description: "Calls that joined an identical exchange in flight",
  incremental: true
})

/**
 * Retries of transient failures.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const retried = Effect.map(Metric.value(TokenVaultMetrics.retries), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter("token_vault_retries_total", {
  description: "Retries of transient failures",
  incremental: true
})

/**
 * Failed calls, tagged `error` with the error's tag (`TokenExchangeError`, `RateLimitError`, ...).
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const rateLimited = Metric.value(Metric.withAttributes(TokenVaultMetrics.failures, { error: "RateLimitError" }))
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const failures = Metric.counter("token_vault_failures_total", {
  description: "Failed calls by error tag",
  incremental: true
})

/**
 * How long calls that reached the network took, in milliseconds, retries included.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { TokenVaultMetrics } from "@effect-auth0/token-vault"
 *
 * const histogram = Metric.value(TokenVaultMetrics.latency)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const latency = Metric.timer("token_vault_exchange_duration_ms", {
  description: "Duration of calls that reached the token endpoint, in milliseconds",
  boundaries: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000]
})
