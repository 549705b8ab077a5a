import { TokenVault } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Redacted, Scope } from "effect"
import { type Script, stubHttpClient } from "./utils/stubHttpClient.js"
import { github, settle } from "./utils/vault.js"

/** A vault in a scope of its own over a stub answering with `script`. */
const vaultIn = (scope: Scope.Scope, script: Script) =>
  Effect.gen(function*() {
    const stub = yield* stubHttpClient(script)
    const vault = yield* TokenVault.make({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientSecret: Redacted.make("secret")
    }).pipe(
      Effect.provide(stub.layer),
      Scope.provide(scope)
    )
    return { vault, stub }
  })

describe("the service's lifetime", () => {
  it.effect("closing its scope interrupts the exchange in flight, and later calls are interrupted", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { stub, vault } = yield* vaultIn(scope, () => Effect.never)
      const caller = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* settle
      yield* Scope.close(scope, Exit.void)
      expect(yield* stub.interrupted).toBe(1)
      expect(Exit.hasInterrupts(yield* Fiber.await(caller))).toBe(true)
      expect(Exit.hasInterrupts(yield* Effect.exit(vault.getAccessTokenForConnection(github)))).toBe(true)
      expect((yield* stub.seen).length).toBe(1)
    }))
})
