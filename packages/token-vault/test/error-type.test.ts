import { TokenVault } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { expectTypeOf } from "vitest"
import { jsonAnswer } from "./utils/stubHttpClient.js"
import { github, vaultOver } from "./utils/vault.js"

describe("the error type of a call", () => {
  it.effect("excludes InvalidConfigurationError: an exhaustive catchTags names the five real cases", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver(jsonAnswer(403, { error: "access_denied" }))
      const viaService = vault.getAccessTokenForConnection(github).pipe(
        Effect.catchTags({
          InvalidArgumentError: (error) => Effect.succeed(error._tag),
          TokenExchangeError: (error) => Effect.succeed(error._tag),
          RateLimitError: (error) => Effect.succeed(error._tag),
          TransportError: (error) => Effect.succeed(error._tag),
          UnexpectedResponseError: (error) => Effect.succeed(error._tag)
        })
      )
      expectTypeOf<Effect.Error<typeof viaService>>().toEqualTypeOf<never>()
      expect(yield* viaService).toBe("TokenExchangeError")

      const viaAccessor = TokenVault.getAccessTokenForConnection(github).pipe(
        Effect.catchTags({
          InvalidArgumentError: (error) => Effect.succeed(error._tag),
          TokenExchangeError: (error) => Effect.succeed(error._tag),
          RateLimitError: (error) => Effect.succeed(error._tag),
          TransportError: (error) => Effect.succeed(error._tag),
          UnexpectedResponseError: (error) => Effect.succeed(error._tag)
        })
      )
      expectTypeOf<Effect.Error<typeof viaAccessor>>().toEqualTypeOf<never>()
      expect(yield* Effect.provideService(viaAccessor, TokenVault.TokenVault, vault)).toBe("TokenExchangeError")
      expectTypeOf<Effect.Error<ReturnType<TokenVault.Service["getAccessTokenForConnection"]>>>()
        .exclude<{ readonly _tag: "InvalidConfigurationError" }>()
        .toEqualTypeOf<Effect.Error<ReturnType<TokenVault.Service["getAccessTokenForConnection"]>>>()
    }))
})
