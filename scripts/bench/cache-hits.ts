/**
 * Cache hits per second on one core: the same call repeated after one miss, through the Effect
 * API (inside one fiber, as an Effect program calls it; the in-memory emulator) and through the
 * Promise facade package (one `await` per call; its miss goes to the emulator on loopback), both
 * with their default options. The emulator's count of token requests confirms that only the
 * first call was an exchange.
 */
import { TokenVault } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { runJsonScript } from "./child.js"
import { loadFacade } from "./installed.js"
import { collectGarbage, cpuMicrosSince } from "./stats.js"
import { fixed, integer, renderTable } from "./table.js"
import { type Target, target } from "./targets.js"
import { clientId, clientSecret, connection, countTokenRequests, domain, subjectToken, tenantConfig } from "./tenant.js"

export interface HitRate {
  readonly name: string
  readonly hits: number
  readonly wallMs: number
  readonly cpuMicros: number
}

const options = { connection, accessToken: subjectToken(0) }

/** Calls `lookups` with batches of 1 000 until `durationMs` has passed. */
const timed = async (name: string, durationMs: number, lookups: (count: number) => Promise<void>): Promise<HitRate> => {
  await lookups(1_000) // warm-up
  collectGarbage()
  let hits = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  while (performance.now() - started < durationMs) {
    await lookups(1_000)
    hits += 1_000
  }
  return { name, hits, wallMs: performance.now() - started, cpuMicros: cpuMicrosSince(cpu) }
}

/** Fails unless exactly one token request (the miss) reached the emulator. */
const checkOneMiss = (name: string, requests: number) => {
  if (requests !== 1) {
    throw new Error(`${name}: ${requests} token requests instead of 1: the lookups were not cache hits`)
  }
}

export const measureHits = async (durationMs: number): Promise<ReadonlyArray<HitRate>> => {
  const effectEmulator = countTokenRequests(await Effect.runPromise(TokenVaultEmulator.make(tenantConfig(1))))
  const effect = await Effect.runPromise(Effect.scoped(
    Effect.gen(function*() {
      const vault = yield* TokenVault.make({ domain, clientId, clientSecret: Redacted.make(clientSecret) })
      yield* vault.getAccessTokenForConnection(options) // the one miss
      const lookups = (count: number) =>
        Effect.runPromise(Effect.gen(function*() {
          for (let i = 0; i < count; i++) yield* vault.getAccessTokenForConnection(options)
        }))
      return yield* Effect.promise(() =>
        timed("Effect API (TokenVault getAccessTokenForConnection in a fiber)", durationMs, lookups)
      )
    }).pipe(Effect.provide(EmulatorHttpClient.layer(effectEmulator.emulator)))
  ))
  checkOneMiss(effect.name, effectEmulator.tokenRequests())

  const { ApiClient } = await loadFacade()
  const facade = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const counting = countTokenRequests(yield* TokenVaultEmulator.make(tenantConfig(1)))
    const server = yield* EmulatorServer.serve(counting.emulator)
    const client = new ApiClient({ domain: server.url, clientId, clientSecret })
    yield* Effect.addFinalizer(() => Effect.promise(() => client.dispose()))
    yield* Effect.promise(() => client.getAccessTokenForConnection(options)) // the one miss
    const rate = yield* Effect.promise(() =>
      timed("token-vault-promise ApiClient (await per call)", durationMs, async (count) => {
        for (let i = 0; i < count; i++) await client.getAccessTokenForConnection(options)
      })
    )
    checkOneMiss(rate.name, counting.tokenRequests())
    return rate
  })))
  return [effect, facade]
}

/**
 * `measureHits` in a child process (`cache-hits-process.ts`): lookups are allocation-bound, and in
 * the benchmark's own process their rate depends on the heap the exchange section left behind
 * (81 000/s after it, 129 000/s in one run with another GC schedule, 95 000 to 131 000/s alone).
 */
export const measureHitsInChild = (durationMs: number): Promise<ReadonlyArray<HitRate>> =>
  runJsonScript<ReadonlyArray<HitRate>>("cache-hits-process.ts", {
    nodeFlags: ["--expose-gc"],
    args: [String(durationMs)],
    timeoutMs: 2 * durationMs + 60_000,
    what: "the cache hits process"
  })

const hitsPerSecond = (rate: HitRate) => (rate.hits * 1000) / rate.wallMs

export const renderHits = (hits: ReadonlyArray<HitRate>): string =>
  renderTable(
    ["cache hits, same call after one miss", "hits/s", "CPU µs/hit"],
    hits.map((rate) => [rate.name, integer(hitsPerSecond(rate)), fixed(rate.cpuMicros / rate.hits, 2)])
  )

export const hitTargets = (hits: ReadonlyArray<HitRate>): ReadonlyArray<Target> =>
  hits.slice(0, 1).map((effect) => {
    const rate = hitsPerSecond(effect)
    return target("cache hits/s, Effect API, one core", "≥ 100 000/s", integer(rate), rate, ">=", 100_000)
  })
