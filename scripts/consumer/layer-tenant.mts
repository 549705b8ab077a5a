// The core's TokenVault.layer over the emulator's in-memory HttpClient (EmulatorHttpClient.layerTenant).
import { TokenVault } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { Effect, Layer } from "effect"
import { clientOptions, exchanges, tenant } from "./tenant.mjs"

const program = Effect.gen(function*() {
  const result = yield* exchanges
  const requests = yield* TokenVaultEmulator.requests
  return { ...result, requests: requests.length }
}).pipe(
  Effect.provide(
    TokenVault.layer({ domain: tenant.domain, ...clientOptions }).pipe(
      Layer.provideMerge(EmulatorHttpClient.layerTenant(tenant))
    )
  )
)

console.log(JSON.stringify(await Effect.runPromise(program)))
