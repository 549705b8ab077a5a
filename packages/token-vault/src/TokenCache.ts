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

/** An entry of the in-memory store, in its recency list (most recently used first). */
interface Entry {
  readonly key: string
  tokenSet: ConnectionTokenSet
  staleAt: number
  newer: Entry | undefined
  older: Entry | undefined
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
  // A map for lookups and a linked list for recency: evicting the least recently used is O(1). (A
  // `Map` alone, re-inserting on use and evicting its first key, costs O(deleted entries) per
  // eviction in V8 once full: see docs/performance.md.)
  const entries = new Map<string, Entry>()
  let newest: Entry | undefined
  let oldest: Entry | undefined
  const unlink = (entry: Entry) => {
    if (entry.newer === undefined) newest = entry.older
    else entry.newer.older = entry.older
    if (entry.older === undefined) oldest = entry.newer
    else entry.older.newer = entry.newer
    entry.newer = entry.older = undefined
  }
  const pushNewest = (entry: Entry) => {
    entry.older = newest
    if (newest === undefined) oldest = entry
    else newest.newer = entry
    newest = entry
  }
  const remove = (entry: Entry) => {
    unlink(entry)
    entries.delete(entry.key)
  }
  return {
    get: (key) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const entry = entries.get(key)
        if (entry === undefined) return undefined
        if (entry.staleAt <= now) {
          remove(entry)
          return undefined
        }
        unlink(entry)
        pushNewest(entry)
        return entry.tokenSet
      }),
    set: (key, tokenSet, staleAt) =>
      Effect.sync(() => {
        const existing = entries.get(key)
        if (existing !== undefined) {
          existing.tokenSet = tokenSet
          existing.staleAt = staleAt
          unlink(existing)
          pushNewest(existing)
          return
        }
        const entry: Entry = { key, tokenSet, staleAt, newer: undefined, older: undefined }
        entries.set(key, entry)
        pushNewest(entry)
        if (entries.size > maxEntries) remove(oldest!)
      }),
    invalidate: (key) =>
      Effect.sync(() => {
        const entry = entries.get(key)
        if (entry !== undefined) remove(entry)
      })
  }
}
