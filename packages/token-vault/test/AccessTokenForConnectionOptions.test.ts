import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, FastCheck, Option, Redacted } from "effect"
import { AccessTokenForConnectionOptions, TokenVaultError } from "@effect-auth0/token-vault"

const decode = AccessTokenForConnectionOptions.decode

const argumentOf = (input: unknown) =>
  Effect.map(Effect.flip(decode(input)), (error) => {
    expect(error).toBeInstanceOf(TokenVaultError.InvalidArgumentError)
    return error.argument
  })

describe("call options", () => {
  it.effect("decodes an access token subject, keeping the token redacted", () =>
    Effect.gen(function* () {
      const decoded = yield* decode({ connection: "google-oauth2", accessToken: "eyJ.subject", loginHint: "a@b.c" })
      expect(decoded.connection).toBe("google-oauth2")
      expect(decoded.refreshToken).toBeUndefined()
      expect(Redacted.isRedacted(decoded.accessToken)).toBe(true)
      expect(Redacted.value(decoded.accessToken!)).toBe("eyJ.subject")
      expect(decoded.loginHint).toBe("a@b.c")
    }))

  it.effect("accepts a Redacted refresh token and explicit undefined for the other subject", () =>
    Effect.gen(function* () {
      const decoded = yield* decode({ connection: "github", refreshToken: Redacted.make("rt"), accessToken: undefined })
      expect(Redacted.value(decoded.refreshToken!)).toBe("rt")
      expect(decoded.accessToken).toBeUndefined()
    }))

  it.effect.each([
    [{ accessToken: "t" }, "connection"],
    [{ connection: "", accessToken: "t" }, "connection"],
    [{ connection: "   ", accessToken: "t" }, "connection"],
    [{ connection: 7, accessToken: "t" }, "connection"],
    [{ connection: "github" }, "accessToken"],
    [{ connection: "github", accessToken: "a", refreshToken: "r" }, "refreshToken"],
    [{ connection: "github", accessToken: "" }, "accessToken"],
    [{ connection: "github", accessToken: " padded " }, "accessToken"],
    [{ connection: "github", accessToken: "Bearer eyJ" }, "accessToken"],
    [{ connection: "github", accessToken: 12 }, "accessToken"],
    [{ connection: "github", refreshToken: Redacted.make("") }, "refreshToken"],
    [{ connection: "github", refreshToken: null }, "refreshToken"],
    [{ connection: "github", accessToken: "t", loginHint: "" }, "loginHint"],
    [{ connection: "github", accessToken: "t", loginHint: 5 }, "loginHint"],
    [null, "options"],
    ["github", "options"],
    [[], "options"]
  ])("rejects %j naming %s", ([input, argument]) =>
    Effect.gen(function* () {
      expect(yield* argumentOf(input)).toBe(argument)
    }))

  it.effect("says which rule was broken for the subject tokens", () =>
    Effect.gen(function* () {
      const neither = yield* Effect.flip(decode({ connection: "github" }))
      expect(neither.message).toBe("Either a refresh or access token must be specified.")
      const both = yield* Effect.flip(decode({ connection: "github", accessToken: "a", refreshToken: "r" }))
      expect(both.message).toBe("Either a refresh or access token should be specified, but not both.")
      const bearer = yield* Effect.flip(decode({ connection: "github", accessToken: "Bearer abc" }))
      expect(bearer.message).toContain("Bearer")
    }))

  // Strings are fenced with ⟦ ⟧ so that finding one in a message means it was echoed.
  const fenced = FastCheck.string().map((s) => `⟦${s}⟧`)
  const hostileValue = FastCheck.oneof(
    fenced,
    fenced.map((s) => ` ${s}`),
    fenced.map((s) => `Bearer ${s}`),
    FastCheck.constant(""),
    FastCheck.integer(),
    FastCheck.boolean(),
    FastCheck.constant(null),
    FastCheck.constant(undefined),
    FastCheck.object(),
    FastCheck.array(fenced),
    fenced.map((s) => Redacted.make(s))
  )
  const hostileOptions = FastCheck.oneof(
    FastCheck.record(
      {
        connection: hostileValue,
        accessToken: hostileValue,
        refreshToken: hostileValue,
        loginHint: hostileValue
      },
      { requiredKeys: [] }
    ),
    hostileValue
  )

  it.effect.prop("random options end in decoded options or an InvalidArgumentError that repeats no value", [hostileOptions], ([input]) =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(decode(input))
      if (Exit.isSuccess(exit)) {
        const { accessToken, connection, refreshToken } = exit.value
        expect(connection.trim().length).toBeGreaterThan(0)
        expect((accessToken === undefined) !== (refreshToken === undefined)).toBe(true)
        return
      }
      const failure = Cause.failureOption(exit.cause)
      expect(Option.isSome(failure)).toBe(true)
      const error = Option.getOrThrow(failure)
      expect(error._tag).toBe("InvalidArgumentError")
      const text = `${error.message} ${error.argument} ${JSON.stringify(error)} ${String(error)}`
      const values = typeof input === "object" && input !== null ? Object.values(input) : [input]
      for (const value of values) {
        const plain = Redacted.isRedacted(value) ? Redacted.value(value) : value
        if (typeof plain === "string" && plain !== "") expect(text).not.toContain(plain.trim())
      }
    }))
})
