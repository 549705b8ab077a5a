import { TokenVault } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { expectTypeOf } from "vitest"
import { jsonAnswer } from "./utils/stubHttpClient.js"
import { github, vaultOver } from "./utils/vault.js"

const tagOf = (error: { readonly _tag: string }) => Effect.succeed(error._tag)

/** One handler per error a call can fail with: InvalidConfigurationError is deliberately absent. */
const everyCase = {
  InvalidArgumentError: tagOf,
  AccountNotConnectedError: tagOf,
  ReconnectRequiredError: tagOf,
  InvalidSubjectTokenError: tagOf,
  ClientNotAllowedError: tagOf,
  MfaRequiredError: tagOf,
  TokenExchangeError: tagOf,
  RateLimitError: tagOf,
  TransportError: tagOf,
  UnexpectedResponseError: tagOf
}

describe("the error type of a call", () => {
  it.effect("excludes InvalidConfigurationError: an exhaustive catchTags names the ten real cases", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver(jsonAnswer(403, { error: "access_denied" }))
      const viaService = vault.getAccessTokenForConnection(github).pipe(Effect.catchTags(everyCase))
      expectTypeOf<Effect.Error<typeof viaService>>().toEqualTypeOf<never>()
      expect(yield* viaService).toBe("ClientNotAllowedError")

      const viaAccessor = TokenVault.getAccessTokenForConnection(github).pipe(Effect.catchTags(everyCase))
      expectTypeOf<Effect.Error<typeof viaAccessor>>().toEqualTypeOf<never>()
      expect(yield* Effect.provideService(viaAccessor, TokenVault.TokenVault, vault)).toBe("ClientNotAllowedError")
      expectTypeOf<Effect.Error<ReturnType<TokenVault.Service["getAccessTokenForConnection"]>>>()
        .exclude<{ readonly _tag: "InvalidConfigurationError" }>()
        .toEqualTypeOf<Effect.Error<ReturnType<TokenVault.Service["getAccessTokenForConnection"]>>>()
    }))
})
