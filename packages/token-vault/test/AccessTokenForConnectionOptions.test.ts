import { AccessTokenForConnectionOptions, TokenVaultError } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Cause, Effect, Exit, Option, Redacted, Schema } from "effect"
import { toInvalidArgument } from "../src/internal/argumentError.js"
import * as FastCheck from "./utils/arbitraries.js"

const decode = AccessTokenForConnectionOptions.decode

const argumentOf = (input: unknown) =>
  Effect.map(Effect.flip(decode(input)), (error) => {
    expect(error).toBeInstanceOf(TokenVaultError.InvalidArgumentError)
    return error.argument
  })

describe("call options", () => {
  it.effect("decodes an access token subject, keeping the token redacted", () =>
    Effect.gen(function*() {
      const decoded = yield* decode({ connection: "google-oauth2", accessToken: "eyJ.subject", loginHint: "a@b.c" })
      expect(decoded.connection).toBe("google-oauth2")
      expect(decoded.refreshToken).toBeUndefined()
      expect(Redacted.isRedacted(decoded.accessToken)).toBe(true)
      expect(Redacted.value(decoded.accessToken!)).toBe("eyJ.subject")
      expect(decoded.loginHint).toBe("a@b.c")
    }))

  it.effect("accepts a Redacted refresh token and explicit undefined for the other subject", () =>
    Effect.gen(function*() {
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
    Effect.gen(function*() {
      expect(yield* argumentOf(input)).toBe(argument)
    }))

  it.effect("says which rule was broken for the subject tokens", () =>
    Effect.gen(function*() {
      const neither = yield* Effect.flip(decode({ connection: "github" }))
      expect(neither.message).toBe("Either a refresh or access token must be specified.")
      const both = yield* Effect.flip(decode({ connection: "github", accessToken: "a", refreshToken: "r" }))
      expect(both.message).toBe("Either a refresh or access token should be specified, but not both.")
      const bearer = yield* Effect.flip(decode({ connection: "github", accessToken: "Bearer abc" }))
      expect(bearer.message).toContain("Bearer")
    }))

  it.effect.each([
    [
      { connection: 7, accessToken: "t" },
      "connection must be a non-empty string, the connection's name (e.g. \"google-oauth2\")"
    ],
    [
      { connection: "github", accessToken: 12 },
      "accessToken must be a non-empty string with no surrounding whitespace and no \"Bearer \" prefix"
    ],
    [
      { connection: "github", refreshToken: null },
      "refreshToken must be a non-empty string with no surrounding whitespace and no \"Bearer \" prefix"
    ],
    [{ connection: "github", accessToken: "t", loginHint: 5 }, "loginHint must be a non-empty string when given"],
    [{ connection: "github", accessToken: "t", loginHint: "" }, "loginHint must be a non-empty string when given"],
    [{ connection: "github", accessToken: "t", cache: "yes" }, "cache must be a boolean when given"]
  ])("says the rule, not a generic message, for %j", ([input, message]) =>
    Effect.gen(function*() {
      // Effect 4's Schema formatter differs from Effect 3's: each option keeps its own message.
      expect((yield* Effect.flip(decode(input))).message).toBe(message)
    }))

  // Strings are fenced with ⟦ ⟧ so that finding one in a message means it was echoed.
  const fenced = FastCheck.string().pipe(Arbitrary.map((s) => `⟦${s}⟧`))
  const hostileValue = FastCheck.oneof(
    fenced,
    fenced.pipe(Arbitrary.map((s) => ` ${s}`)),
    fenced.pipe(Arbitrary.map((s) => `Bearer ${s}`)),
    FastCheck.constant(""),
    FastCheck.integer(),
    FastCheck.boolean(),
    FastCheck.constant(null),
    FastCheck.constant(undefined),
    FastCheck.object(),
    FastCheck.array(fenced),
    fenced.pipe(Arbitrary.map((s) => Redacted.make(s)))
  )
  const hostileOptions = FastCheck.oneof(
    FastCheck.record(
      {
        connection: hostileValue,
        accessToken: hostileValue,
        refreshToken: hostileValue,
        loginHint: hostileValue,
        cache: FastCheck.oneof(hostileValue, FastCheck.boolean())
      },
      { requiredKeys: [] }
    ),
    hostileValue
  )

  it.effect.prop("random options end in decoded options or an InvalidArgumentError that repeats no value", [
    hostileOptions
  ], ([input]) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(decode(input))
      if (Exit.isSuccess(exit)) {
        const { accessToken, cache, connection, refreshToken } = exit.value
        expect(connection.trim().length).toBeGreaterThan(0)
        expect((accessToken === undefined) !== (refreshToken === undefined)).toBe(true)
        expect([undefined, true, false]).toContain(cache)
        return
      }
      const failure = Cause.findErrorOption(exit.cause)
      expect(Option.isSome(failure)).toBe(true)
      const error = Option.getOrThrow(failure)
      expect(error._tag).toBe("InvalidArgumentError")
      const text = `${error.message} ${error.argument} ${JSON.stringify(error)} ${String(error)}`
      const values = typeof input === "object" && input !== null ? Object.values(input) : [input]
      for (const value of values) {
        const plain = Redacted.isRedacted(value) ? Redacted.value(value) : value
        // Only fenced strings: an unfenced one (from `FastCheck.object()`) may be in any message.
        if (typeof plain === "string" && plain.includes("⟦")) expect(text).not.toContain(plain.trim())
      }
    }))
})

/** Whether `cause` is one typed failure and nothing else. */
const isFailOnly = <E>(cause: Cause.Cause<E>) => cause.reasons.length === 1 && Cause.isFailReason(cause.reasons[0]!)

describe("decode's fast path", () => {
  // The reference: the Schema alone, its SchemaError mapped as `decode` maps it (the mapping's
  // messages have tests of their own above). A getter that throws makes it die, which
  // `Effect.suspend` keeps a defect.
  const decodeWithSchema = (input: unknown) =>
    Effect.mapError(
      Effect.suspend(() =>
        Schema.decodeUnknownEffect(AccessTokenForConnectionOptions.AccessTokenForConnectionOptions)(input)
      ),
      (error) => {
        const { argument, message } = toInvalidArgument(error)
        return { argument, message }
      }
    )

  // Own keys in order, values with Redacted ones revealed, so that outputs compare structurally.
  const revealed = (decoded: object) => ({
    prototype: Object.getPrototypeOf(decoded),
    entries: Reflect.ownKeys(decoded).map((key) => {
      const value: unknown = Reflect.get(decoded, key)
      return [key, Redacted.isRedacted(value) ? { redacted: Redacted.value(value) } : value]
    })
  })

  const unreadable = (error: TokenVaultError.InvalidArgumentError) => {
    expect(error).toBeInstanceOf(TokenVaultError.InvalidArgumentError)
    expect(error.argument).toBe("options")
    expect(error.message).toBe("options could not be read: reading one of its properties threw")
  }

  const wiped = () => {
    const redacted = Redacted.make("wiped")
    Redacted.wipeUnsafe(redacted)
    return redacted
  }

  const whitespace = FastCheck.constantFrom("", " ", "\t", "\n", "\u00a0", "\u2028", "\ufeff")
  const token = FastCheck.stringMatching(/^[\w.~+/-]{1,12}=*$/)
  const text = FastCheck.oneof(
    { weight: 3, arbitrary: token },
    { weight: 2, arbitrary: FastCheck.string() },
    { weight: 1, arbitrary: whitespace },
    {
      weight: 1,
      arbitrary: FastCheck.tuple(whitespace, token, whitespace).pipe(
        Arbitrary.map(([before, s, after]) => `${before}${s}${after}`)
      )
    },
    {
      weight: 1,
      arbitrary: FastCheck.tuple(
        FastCheck.constantFrom("Bearer ", "bearer\t", "BEARER\u00a0", "Bearer", "Bearer  "),
        token
      )
        .pipe(Arbitrary.map(([prefix, s]) => `${prefix}${s}`))
    }
  )
  const anyValue = FastCheck.oneof(
    { weight: 4, arbitrary: text },
    { weight: 2, arbitrary: text.pipe(Arbitrary.map((s) => Redacted.make(s))) },
    { weight: 2, arbitrary: FastCheck.constant(undefined) },
    {
      weight: 2,
      arbitrary: FastCheck.oneof(
        FastCheck.constant(null),
        FastCheck.integer(),
        FastCheck.boolean(),
        FastCheck.object(),
        FastCheck.array(text, { maxLength: 2 }),
        FastCheck.constant(Redacted.make(12)),
        token.pipe(Arbitrary.map((s) => Redacted.make(Redacted.make(s)))),
        token.pipe(Arbitrary.map((s) => new String(s))),
        FastCheck.constant(null).pipe(Arbitrary.map(wiped))
      )
    }
  )
  const often = <A>(arbitrary: FastCheck.Arbitrary<A>) =>
    FastCheck.oneof({ weight: 3, arbitrary }, { weight: 1, arbitrary: anyValue })
  const subject = often(FastCheck.oneof(token, token.pipe(Arbitrary.map((s) => Redacted.make(s)))))
  const loginHint = often(FastCheck.option(token, { nil: undefined }))
  const cache = often(FastCheck.option(FastCheck.boolean(), { nil: undefined }))
  const fields = FastCheck.oneof(
    FastCheck.record({ connection: often(token), accessToken: subject, refreshToken: subject, loginHint, cache }, {
      requiredKeys: []
    }),
    // Mostly valid: a connection and one subject, the other keys in any order.
    FastCheck.record({
      connection: token,
      name: FastCheck.constantFrom("accessToken", "refreshToken"),
      subject: FastCheck.oneof(token, token.pipe(Arbitrary.map((s) => Redacted.make(s)))),
      rest: FastCheck.record({
        accessToken: FastCheck.constant(undefined),
        refreshToken: FastCheck.constant(undefined),
        loginHint,
        cache
      }, { requiredKeys: [] })
    }).pipe(
      Arbitrary.map(({ connection, name, rest, subject }): Record<string, unknown> => ({
        ...rest,
        [name]: subject,
        connection
      }))
    )
  )
  const extras = FastCheck.dictionary(
    FastCheck.oneof(FastCheck.string(), FastCheck.constantFrom("connection", "accessToken", "__proto__")).pipe(
      Arbitrary.filter((key) => key !== "length")
    ),
    anyValue,
    { maxKeys: 2 }
  )

  class Options {}
  // Own data properties, whatever the target: a function or an array defines setters of its own.
  const assign = <A extends object>(target: A, props: Record<string, unknown>) => {
    for (const key of Object.keys(props)) {
      Object.defineProperty(target, key, { value: props[key], enumerable: true, writable: true, configurable: true })
    }
    return target
  }
  const fieldNames = ["connection", "accessToken", "refreshToken", "loginHint", "cache"] as const
  const shapes: Record<string, (props: Record<string, unknown>, key: string) => unknown> = {
    plain: (props) => props,
    nullPrototype: (props) => assign(Object.create(null), props),
    classInstance: (props) => assign(new Options(), props),
    inherited: (props) => Object.create(props),
    getters: (props) =>
      Object.defineProperties(
        {},
        Object.fromEntries(Object.entries(props).map(([key, value]) => [key, { get: () => value, enumerable: true }]))
      ),
    frozen: (props) => Object.freeze({ ...props }),
    nonEnumerable: (props, key) =>
      key in props ? Object.defineProperty({ ...props }, key, { value: props[key], enumerable: false }) : props,
    withSymbol: (props) => ({ ...props, [Symbol("extra")]: "⟦symbol⟧" }),
    proxy: (props) => new Proxy(props, {}),
    array: (props) => assign([], props),
    function: (props) => assign(() => undefined, props),
    date: (props) => assign(new Date(0), props),
    throwingGetter: (props, key) =>
      Object.defineProperty({ ...props }, key, {
        get: () => {
          throw new Error("⟦getter⟧")
        },
        enumerable: true
      }),
    throwingProxy: (props, key) =>
      new Proxy(props, {
        get: (target, name, receiver) => {
          if (name === key) throw new Error("⟦trap⟧")
          return Reflect.get(target, name, receiver)
        }
      }),
    revokedProxy: (props) => {
      const { proxy, revoke } = Proxy.revocable(props, {})
      revoke()
      return proxy
    }
  }
  // The input is built in the test, from its description: fast-check itself would trip over a
  // revoked Proxy or a throwing getter when it inspects or prints a generated value.
  const anyInput = FastCheck.oneof(
    {
      weight: 5,
      arbitrary: FastCheck.record({
        shape: FastCheck.constantFrom(...Object.keys(shapes)),
        key: FastCheck.constantFrom(...fieldNames),
        extra: extras,
        props: fields
      })
    },
    { weight: 1, arbitrary: FastCheck.record({ value: anyValue }) }
  )
  const build = (input: typeof anyInput extends FastCheck.Arbitrary<infer A> ? A : never): unknown =>
    "value" in input ? input.value : shapes[input.shape]!({ ...input.extra, ...input.props }, input.key)

  // Both paths are synchronous: `it.prop` with `runSyncExit` affords many more runs than
  // `it.effect.prop`, which builds a test runtime per run.
  it.prop("gives the Exit of the Schema path for any input", [anyInput], ([description]) => {
    const input = build(description)
    const expected = Effect.runSyncExit(decodeWithSchema(input))
    const actual = Effect.runSyncExit(decode(input))
    if (Exit.isSuccess(expected)) {
      expect(Exit.isSuccess(actual)).toBe(true)
      if (Exit.isSuccess(actual)) expect(revealed(actual.value)).toStrictEqual(revealed(expected.value))
      return
    }
    expect(Exit.isFailure(actual)).toBe(true)
    if (Exit.isSuccess(actual)) return
    // Never a defect: a throwing input is a typed error.
    expect(isFailOnly(actual.cause)).toBe(true)
    const error = Option.getOrThrow(Cause.findErrorOption(actual.cause))
    expect(error).toBeInstanceOf(TokenVaultError.InvalidArgumentError)
    if (Cause.hasDies(expected.cause)) return unreadable(error)
    const { argument, message } = Option.getOrThrow(Cause.findErrorOption(expected.cause))
    expect({ argument: error.argument, message: error.message }).toStrictEqual({ argument, message })
  }, { arbitrary: { runs: 3000 } })

  it.effect("keeps the Schema's keys: given undefined ones kept, excess ones dropped", () =>
    Effect.gen(function*() {
      const input = {
        extra: "x",
        cache: undefined,
        loginHint: undefined,
        refreshToken: undefined,
        accessToken: "at",
        connection: "github"
      }
      const decoded = yield* decode(input)
      expect(Reflect.ownKeys(decoded)).toStrictEqual([
        "connection",
        "accessToken",
        "refreshToken",
        "loginHint",
        "cache"
      ])
      expect(revealed(decoded)).toStrictEqual(revealed(yield* decodeWithSchema(input)))
    }))

  it.effect("turns a valid token into a Redacted that String and JSON never reveal", () =>
    Effect.gen(function*() {
      const given = Redacted.make("⟦refresh⟧")
      for (
        const input of [
          { connection: "github", accessToken: "⟦access⟧", loginHint: "octocat", cache: true },
          { connection: "github", refreshToken: given }
        ]
      ) {
        const decoded = yield* decode(input)
        const token = decoded.accessToken ?? decoded.refreshToken
        expect(Redacted.isRedacted(token)).toBe(true)
        expect(Redacted.value(token!)).toMatch(/^⟦(access|refresh)⟧$/)
        for (const text of [String(decoded), JSON.stringify(decoded), String(token), JSON.stringify(token)]) {
          expect(text).not.toContain("⟦")
        }
      }
      // As the Schema does, a given Redacted is re-wrapped: wiping it leaves the decoded one intact.
      const decoded = yield* decode({ connection: "github", refreshToken: given })
      Redacted.wipeUnsafe(given)
      expect(Redacted.value(decoded.refreshToken!)).toBe("⟦refresh⟧")
    }))

  it.effect("reads each option of a valid input once", () =>
    Effect.gen(function*() {
      const reads: Array<string> = []
      // A second read of refreshToken would find both tokens.
      const first: Record<string, string | undefined> = {
        connection: "github",
        accessToken: "at",
        refreshToken: undefined
      }
      const again: Record<string, string | undefined> = { ...first, refreshToken: "rt" }
      const input = Object.defineProperties(
        {},
        Object.fromEntries(
          Object.keys(first).map((key) => [key, {
            enumerable: true,
            get: () => {
              const value = reads.includes(key) ? again[key] : first[key]
              reads.push(key)
              return value
            }
          }])
        )
      )
      const decoded = yield* decode(input)
      expect(reads).toStrictEqual(["connection", "accessToken", "refreshToken"])
      expect(Redacted.value(decoded.accessToken!)).toBe("at")
      expect(decoded.refreshToken).toBeUndefined()
    }))

  it.effect("ends in an InvalidArgumentError, not a defect, when reading the options throws", () =>
    Effect.gen(function*() {
      const throwing = (key: string) =>
        Object.defineProperty({ connection: "github", accessToken: "at" }, key, {
          enumerable: true,
          get: () => {
            throw new Error("⟦getter⟧")
          }
        })
      const { proxy, revoke } = Proxy.revocable({ connection: "github", accessToken: "at" }, {})
      revoke()
      const trap = () => {
        throw new Error("⟦trap⟧")
      }
      for (
        const input of [
          throwing("connection"),
          throwing("accessToken"),
          throwing("cache"),
          // A Proxy whose every read throws, and that says it owns the options' keys (only own
          // properties are read: `has` alone is never asked).
          new Proxy({}, {
            ownKeys: () => [],
            has: () => true,
            getOwnPropertyDescriptor: () => ({
              value: undefined,
              writable: true,
              enumerable: true,
              configurable: true
            }),
            get: trap
          }),
          new Proxy({ connection: "github", accessToken: "at" }, { get: trap }),
          proxy,
          { connection: "github", refreshToken: wiped() }
        ]
      ) {
        const exit = yield* Effect.exit(decode(input))
        expect(Exit.isFailure(exit) && isFailOnly(exit.cause)).toBe(true)
        unreadable(yield* Effect.flip(decode(input)))
      }
      // A Proxy that lists no keys and says it has none: Effect 4's Schema asks before it reads
      // (Effect 3's read, and met the throwing trap), so the options read as empty.
      const keyless = new Proxy({}, { ownKeys: () => [], get: trap })
      const exit = yield* Effect.exit(decode(keyless))
      expect(Exit.isFailure(exit) && isFailOnly(exit.cause)).toBe(true)
      const error = yield* Effect.flip(decode(keyless))
      expect(error).toBeInstanceOf(TokenVaultError.InvalidArgumentError)
      expect({ argument: error.argument, message: error.message }).toEqual({
        argument: "connection",
        message: "connection is required"
      })
      expect(`${error.message} ${JSON.stringify(error)} ${String(error)}`).not.toContain("⟦trap⟧")
    }))
})
