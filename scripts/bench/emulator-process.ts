/**
 * The emulator process: serves the bench tenant on 127.0.0.1 (`EmulatorServer.serve`), prints its
 * URL on stdout, and answers `"stats"` messages on the IPC channel with how many token requests
 * it has answered and the CPU time it has used. Exits when its parent goes away.
 *
 *   node --import tsx scripts/bench/emulator-process.ts <tokenCount> [<SPKI PEM of the private_key_jwt client>]
 *   (spawned by run.ts)
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as Effect from "effect/Effect"
import type { EmulatorStats } from "./emulator.js"
import { countTokenRequests, tenantConfig } from "./tenant.js"

const tokenCount = Number(process.argv[2] ?? 256)
const assertionKey = process.argv[3]

const main = Effect.gen(function*() {
  const counting = countTokenRequests(yield* TokenVaultEmulator.make(tenantConfig(tokenCount, assertionKey)))
  const server = yield* EmulatorServer.serve(counting.emulator)
  process.on("message", (message) => {
    if (message !== "stats") return
    const cpu = process.cpuUsage()
    const stats: EmulatorStats = { tokenRequests: counting.tokenRequests(), cpuMicros: cpu.user + cpu.system }
    process.send?.(stats)
  })
  process.on("disconnect", () => process.exit(0))
  console.log(server.url)
  return yield* Effect.never
})

Effect.runPromise(Effect.scoped(main)).catch((error: unknown) => {
  console.error("emulator process failed:", error)
  process.exit(1)
})
