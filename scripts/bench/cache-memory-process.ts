/**
 * The memory of a full token cache, in a process of its own started with `--expose-gc`: fills a
 * `TokenVault` (`cache: { maxEntries: N }`) through the public API with distinct subject tokens
 * against the in-memory emulator (no sockets), and prints the heap used after full collections,
 * before and at checkpoints while filling, as one JSON line (`CacheMemory` of `cache-memory.ts`).
 *
 * An exchange costs milliseconds of CPU on a slow machine, so the fill stops at N entries or
 * when `budgetMs` has passed, whichever comes first; the caller projects the rest from the slope.
 * Code paths are warmed first on another client (then closed), so that JIT code and feedback
 * allocated while warming do not count as cache memory.
 *
 *   node --expose-gc --import tsx scripts/bench/cache-memory-process.ts <N> <budgetMs>   (spawned by run.ts)
 */
import { TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { CacheMemory } from "./cache-memory.js"
import { clientId, clientSecret, connection, countTokenRequests, domain, subjectToken, tenantConfig } from "./tenant.js"

process.setSourceMapsEnabled(false)
const entries = Number(process.argv[2] ?? 100_000)
const budgetMs = Number(process.argv[3] ?? 60_000)
const warmupCalls = 1_000
const chunk = 1_000
const readBackSample = 1_000

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

/** Heap used after full collections (several: weak references and finalizers settle). */
const heapUsed = () => {
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

const options = (cache: { readonly maxEntries: number }): TokenVaultOptions.TokenVaultOptions => ({
  domain,
  clientId,
  clientSecret: Redacted.make(clientSecret),
  cache
})

type Vault = Effect.Success<ReturnType<typeof TokenVault.make>>

const main = Effect.gen(function*() {
  // Tokens past `entries` are for the warm-up client.
  const counting = countTokenRequests(yield* TokenVaultEmulator.make(tenantConfig(entries + warmupCalls)))
  const http = EmulatorHttpClient.layer(counting.emulator)
  const exchange = (vault: Vault) => (i: number) =>
    vault.getAccessTokenForConnection({ connection, accessToken: subjectToken(i) })
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k)

  yield* Effect.scoped(Effect.gen(function*() {
    const warm = yield* TokenVault.make(options({ maxEntries: warmupCalls }))
    yield* Effect.forEach(range(entries, entries + warmupCalls), exchange(warm), { concurrency: 16, discard: true })
  })).pipe(Effect.provide(http))

  const vault = yield* TokenVault.make(options({ maxEntries: entries })).pipe(Effect.provide(http))
  const requestsBefore = counting.tokenRequests()
  const heapBeforeBytes = heapUsed()

  const checkpoints: Array<{ readonly entries: number; readonly heapBytes: number }> = []
  const started = performance.now()
  let filled = 0
  let fillMs = 0
  while (filled < entries && performance.now() - started < budgetMs) {
    const next = Math.min(entries, filled + chunk)
    yield* Effect.forEach(range(filled, next), exchange(vault), { concurrency: 16, discard: true })
    filled = next
    fillMs = performance.now() - started
    checkpoints.push({ entries: filled, heapBytes: heapUsed() })
  }
  const fillRequests = counting.tokenRequests() - requestsBefore

  const step = Math.max(1, Math.floor(filled / readBackSample))
  const sample = range(0, Math.min(readBackSample, filled)).map((k) => k * step)
  yield* Effect.forEach(sample, exchange(vault), { discard: true })
  const readBackRequests = counting.tokenRequests() - requestsBefore - fillRequests

  const result: CacheMemory = {
    target: entries,
    filled,
    heapBeforeBytes,
    checkpoints,
    fillMs,
    fillRequests,
    readBackRequests,
    readBackSample: sample.length
  }
  console.log(JSON.stringify(result))
})

Effect.runPromise(Effect.scoped(main)).catch((error: unknown) => {
  console.error("cache memory process failed:", error)
  process.exit(1)
})
