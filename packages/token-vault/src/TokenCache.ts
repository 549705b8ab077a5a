/**
 * Where a `TokenVault` keeps the token sets it got, so that the same user's token for the same
 * connection is fetched once per lifetime instead of once per call.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { ConnectionTokenSet } from "./ConnectionTokenSet.js"

/**
 * A store of token sets. Keys are opaque strings made of the tenant, client, connection,
 * `login_hint`, subject token type and a SHA-256 digest of the subject token: never the token.
 * A store serves an entry until `staleAt` (epoch milliseconds) and not after.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { ConnectionTokenSet, TokenCache } from "@effect-auth0/token-vault"
 *
 * // A store that keeps nothing.
 * const none: TokenCache.TokenCache = {
 *   get: () => Effect.succeed(undefined),
 *   set: () => Effect.void,
 *   invalidate: () => Effect.void
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenCache {
  readonly get: (key: string) => Effect.Effect<ConnectionTokenSet | undefined>
  readonly set: (key: string, tokenSet: ConnectionTokenSet, staleAt: number) => Effect.Effect<void>
  readonly invalidate: (key: string) => Effect.Effect<void>
}

interface Entry {
  readonly tokenSet: ConnectionTokenSet
  readonly staleAt: number
}

/**
 * An in-memory LRU store of at most `maxEntries` token sets (default 10 000). Time comes from
 * Effect's `Clock`, so `TestClock` drives expiry.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenCache } from "@effect-auth0/token-vault"
 *
 * const store = TokenCache.memory({ maxEntries: 1_000 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const memory = (options: { readonly maxEntries?: number | undefined } = {}): TokenCache => {
  const maxEntries = options.maxEntries ?? 10_000
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  const entries = new Map<string, Entry>()
  return {
    get: (key) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const entry = entries.get(key)
        if (entry === undefined) return undefined
        entries.delete(key)
        if (entry.staleAt <= now) return undefined
        entries.set(key, entry)
        return entry.tokenSet
      }),
    set: (key, tokenSet, staleAt) =>
      Effect.sync(() => {
        entries.delete(key)
        entries.set(key, { tokenSet, staleAt })
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
      }),
    invalidate: (key) => Effect.sync(() => void entries.delete(key))
  }
}
