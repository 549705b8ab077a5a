import { TokenVault } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Redacted, Scope } from "effect"
import { jsonAnswer, stubHttpClient } from "./utils/stubHttpClient.js"
import { github } from "./utils/vault.js"

const success = jsonAnswer(200, { access_token: "federated", expires_in: 3600 })

describe("after the service's scope closed", () => {
  it.effect("a call the cache could answer is interrupted, as an exchange is", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const stub = yield* stubHttpClient(success)
      const vault = yield* TokenVault.make({
        domain: "tenant.auth0.com",
        clientId: "client",
        clientSecret: Redacted.make("secret")
      }).pipe(Effect.provide(stub.layer), Scope.provide(scope))
      yield* vault.getAccessTokenForConnection(github)
      // Built before the close, run after it: the check is made when the call runs.
      const hit = vault.getAccessTokenForConnection(github)
      yield* Scope.close(scope, Exit.void)
      expect(Exit.hasInterrupts(yield* Effect.exit(hit))).toBe(true)
      expect(Exit.hasInterrupts(yield* Effect.exit(vault.getAccessTokenForConnection(github)))).toBe(true)
      expect(Exit.hasInterrupts(yield* Effect.exit(vault.getAccessTokenForConnection({ ...github, cache: false }))))
        .toBe(true)
      expect(
        Exit.hasInterrupts(yield* Effect.exit(vault.getAccessTokenForConnection({ ...github, connection: "slack" })))
      ).toBe(true)
      expect((yield* stub.seen).length).toBe(1)
    }))
})
