/**
 * Tuning a `TokenVault`: the token cache, retries, time limits and the response size limit for
 * one client, a call that skips the cache, and the metrics the client updates.
 *
 * Every option below is optional; the values shown differ from the defaults (cache of 10 000
 * entries with a 60 s skew, 8 attempts from 100 ms up to 2 s apart, at most 10 s of
 * `Retry-After`, 10 s per attempt, 30 s per call, 64 KiB per response).
 *
 * Run as a program it reads AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and the user's
 * AUTH0_SUBJECT_TOKEN from the environment, asks twice for the scopes and prints the counters:
 *
 *   pnpm example client-options        (against the emulator)
 */
import { TokenVault, TokenVaultMetrics, TokenVaultOptions } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { Config, Effect, Metric } from "effect"
import { fileURLToPath } from "node:url"

/** AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET from the environment, the rest in code. */
export const TokenVaultLive = NodeTokenVault.layerConfig(
  Config.map(TokenVaultOptions.config, (options): NodeTokenVault.LayerOptions => ({
    ...options,
    cache: { maxEntries: 50_000, skew: "2 minutes" },
    retry: { maxAttempts: 4, maxDelay: "1 second", maxRetryAfter: "5 seconds" },
    timeout: { attempt: "3 seconds", total: "10 seconds" },
    maxResponseBytes: 16 * 1024,
    connections: 16 // an option of the Node adapter's undici pool, next to the core's
  }))
)

/** A settings page that shows the scopes granted right now: this call skips the cache lookup. */
export const currentGoogleScopes = (auth0AccessToken: string) =>
  Effect.map(
    TokenVault.getAccessTokenForConnection({
      connection: "google-oauth2",
      accessToken: auth0AccessToken,
      cache: false
    }),
    (tokenSet) => tokenSet.scope?.split(" ") ?? []
  )

/** A snapshot of the counters, e.g. for a health endpoint. */
export const tokenVaultStats = Effect.gen(function*() {
  const count = (counter: Metric.Counter<number>) => Effect.map(Metric.value(counter), (state) => state.count)
  return {
    calls: yield* count(TokenVaultMetrics.calls),
    cacheHits: yield* count(TokenVaultMetrics.cacheHits),
    cacheMisses: yield* count(TokenVaultMetrics.cacheMisses),
    coalesced: yield* count(TokenVaultMetrics.coalesced),
    exchanges: yield* count(TokenVaultMetrics.exchanges),
    retries: yield* count(TokenVaultMetrics.retries),
    rateLimited: yield* count(Metric.withAttributes(TokenVaultMetrics.failures, { error: "RateLimitError" })),
    exchangesTimed: (yield* Metric.value(TokenVaultMetrics.latency)).count
  }
})

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const auth0AccessToken = process.env["AUTH0_SUBJECT_TOKEN"] ?? ""
  const program = Effect.gen(function*() {
    const scopes = yield* currentGoogleScopes(auth0AccessToken)
    yield* currentGoogleScopes(auth0AccessToken) // cache: false, so a second exchange
    return { scopes, stats: yield* tokenVaultStats }
  })
  console.log(JSON.stringify(await Effect.runPromise(Effect.provide(program, TokenVaultLive))))
}
