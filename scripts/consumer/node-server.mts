// NodeTokenVault.layer (undici) and BrowserTokenVault.layer (fetch) against the emulator's loopback server.
import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { Effect } from "effect"
import { clientOptions, exchanges, tenant } from "./tenant.mjs"

const program = Effect.gen(function*() {
  const emulator = yield* TokenVaultEmulator.make(tenant)
  const server = yield* EmulatorServer.serve(emulator)
  const node = yield* exchanges.pipe(Effect.provide(NodeTokenVault.layer({ domain: server.url, ...clientOptions })))
  const browser = yield* exchanges.pipe(
    Effect.provide(BrowserTokenVault.layer({ domain: server.url, ...clientOptions }))
  )
  return { node, browser, requests: (yield* emulator.requests).length }
})

console.log(JSON.stringify(await Effect.runPromise(Effect.scoped(program))))
