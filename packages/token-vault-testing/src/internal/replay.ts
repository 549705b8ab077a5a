/**
 * One-time identifiers (`jti` of client assertions and DPoP proofs), remembered until they expire.
 *
 * @internal
 */

/** @internal */
export interface ReplayGuard {
  /**
   * `true` the first time `id` is seen, which is then remembered until `expiresAt` (epoch seconds);
   * `false` for an `id` seen before and not yet expired at `now`.
   */
  readonly firstUse: (id: string, expiresAt: number, now: number) => boolean
}

/** Expired entries are dropped when the store has doubled since the last sweep (at least this many). */
const MIN_SWEEP_SIZE = 1024

/**
 * A replay guard whose memory holds only identifiers that have not expired (swept as it grows).
 * Each emulator owns its own.
 *
 * @internal
 */
export const makeReplayGuard = (): ReplayGuard => {
  const seen = new Map<string, number>()
  let sweepAt = MIN_SWEEP_SIZE
  const sweep = (now: number): void => {
    for (const [id, expiresAt] of seen) {
      if (expiresAt < now) seen.delete(id)
    }
    sweepAt = Math.max(MIN_SWEEP_SIZE, seen.size * 2)
  }
  return {
    firstUse: (id, expiresAt, now) => {
      if (seen.size >= sweepAt) sweep(now)
      const until = seen.get(id)
      if (until !== undefined && until >= now) return false
      seen.set(id, expiresAt)
      return true
    }
  }
}
