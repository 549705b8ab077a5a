/**
 * 1 000 concurrent identical calls (same subject token, same connection, a fresh client with its
 * default options): how many token requests reach the emulator process. Identical calls in flight
 * share one exchange, so the answer should be 1, through the Effect API and through the Promise
 * facade alike.
 */
import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { effectOptions } from "./drivers/index.js"
import type { EmulatorProcess } from "./emulator.js"
import { loadFacade } from "./installed.js"
import { integer, renderTable } from "./table.js"
import { type Target, target } from "./targets.js"
import { clientId, clientSecret, connection, subjectToken } from "./tenant.js"

export interface Coalesced {
  readonly name: string
  readonly calls: number
  readonly requests: number
  readonly wallMs: number
}

/** Runs `calls` identical calls at once through `run` and counts the token requests the emulator got. */
const count = async (emulator: EmulatorProcess, name: string, calls: number, run: () => Promise<unknown>) => {
  const before = await emulator.stats()
  const started = performance.now()
  await run()
  const wallMs = performance.now() - started
  const after = await emulator.stats()
  return { name, calls, requests: after.tokenRequests - before.tokenRequests, wallMs }
}

export const measureCoalescing = async (
  emulator: EmulatorProcess,
  calls: number
): Promise<ReadonlyArray<Coalesced>> => {
  const options = { connection, accessToken: subjectToken(0) }

  const runtime = ManagedRuntime.make(NodeTokenVault.layer(effectOptions(emulator.url)))
  const effect = await count(emulator, "Effect API, NodeTokenVault.layer", calls, () =>
    runtime.runPromise(
      Effect.all(Array.from({ length: calls }, () => TokenVault.getAccessTokenForConnection(options)), {
        concurrency: "unbounded",
        discard: true
      })
    )).finally(() => runtime.dispose())

  const { ApiClient } = await loadFacade()
  const client = new ApiClient({ domain: emulator.url, clientId, clientSecret })
  const facade = await count(
    emulator,
    "token-vault-promise ApiClient",
    calls,
    () => Promise.all(Array.from({ length: calls }, () => client.getAccessTokenForConnection(options)))
  ).finally(() => client.dispose())

  return [effect, facade]
}

export const renderCoalescing = (results: ReadonlyArray<Coalesced>): string =>
  renderTable(
    ["concurrent identical calls", "calls", "token requests", "wall ms"],
    results.map((result) => [result.name, integer(result.calls), integer(result.requests), integer(result.wallMs)])
  )

export const coalescingTargets = (results: ReadonlyArray<Coalesced>): ReadonlyArray<Target> =>
  results.map((result) =>
    target(
      `${integer(result.calls)} identical concurrent calls (${result.name})`,
      "1 request",
      `${integer(result.requests)} request(s)`,
      result.requests,
      "==",
      1
    )
  )
