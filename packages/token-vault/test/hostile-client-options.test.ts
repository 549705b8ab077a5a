import { TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { ApiClient, type ApiClientOptions, InvalidConfigurationError } from "@effect-auth0/token-vault-promise"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Option, Redacted } from "effect"
import { stubHttpClient } from "./utils/stubHttpClient.js"

const success = { status: 200, body: JSON.stringify({ access_token: "federated", expires_in: 60 }) }
const leak = "thrown-secret-text"
const base = { domain: "tenant.auth0.com", clientId: "client", clientSecret: Redacted.make("client-secret-value") }

/** `base` with `key` read through a getter that throws. */
const throwingGetter = (key: string, values: object = base): object =>
  Object.defineProperty({ ...values }, key, {
    enumerable: true,
    get: () => {
      throw new Error(leak)
    }
  })

/** `base` behind a Proxy whose `traps` throw. */
const throwingProxy = (...traps: ReadonlyArray<keyof ProxyHandler<object>>): object => {
  const fail = () => {
    throw new Error(leak)
  }
  return new Proxy({ ...base }, Object.fromEntries(traps.map((trap) => [trap, fail])))
}

const wipedSecret = () => {
  const clientSecret = Redacted.make("client-secret-value")
  Redacted.wipeUnsafe(clientSecret)
  return { ...base, clientSecret }
}

const unreadable = "options could not be read: reading one of its properties threw"

type Build = (
  options: TokenVaultOptions.TokenVaultOptions
) => Effect.Effect<unknown, TokenVaultError.InvalidConfigurationError>

const builds: ReadonlyArray<readonly [string, Build]> = [
  ["make", (options) =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(success)
      return yield* TokenVault.make(options).pipe(Effect.provide(stub.layer))
    }).pipe(Effect.scoped)],
  ["layer", (options) =>
    Effect.gen(function*() {
      const stub = yield* stubHttpClient(success)
      return yield* Layer.build(TokenVault.layer(options).pipe(Layer.provide(stub.layer)))
    }).pipe(Effect.scoped)]
]

const hostile: ReadonlyArray<readonly [string, () => object, string, string]> = [
  ["a throwing getter on domain", () => throwingGetter("domain"), "options", unreadable],
  ["a throwing getter on cache", () => throwingGetter("cache"), "options", unreadable],
  ["a throwing getter on retry", () => throwingGetter("retry"), "options", unreadable],
  ["a throwing getter on timeout", () => throwingGetter("timeout"), "options", unreadable],
  [
    "a throwing getter on cache.maxEntries",
    () => ({ ...base, cache: throwingGetter("maxEntries", {}) }),
    "options",
    unreadable
  ],
  ["a Proxy throwing on get", () => throwingProxy("get"), "options", unreadable],
  [
    "a Proxy throwing on every trap",
    () => throwingProxy("get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf"),
    "options",
    unreadable
  ],
  [
    "a wiped Redacted clientSecret",
    wipedSecret,
    "clientSecret",
    "clientSecret could not be read: the Redacted was wiped"
  ]
]

const table = builds.flatMap(([via, build]) =>
  hostile.map(([name, options, option, message]) => [via, name, build, options, option, message] as const)
)

describe("hostile client options", () => {
  it.effect.each(table)("%s fails typed on %s", ([, , build, options, option, message]) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(build(options() as TokenVaultOptions.TokenVaultOptions))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(false)
      const failure = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
      expect(Option.isSome(failure)).toBe(true)
      const error = Option.getOrThrow(failure)
      expect(error._tag).toBe("InvalidConfigurationError")
      expect(error.option).toBe(option)
      expect(error.message).toContain(message)
      expect(JSON.stringify(error) + String(error)).not.toContain(leak)
      expect(JSON.stringify(error) + String(error)).not.toContain("client-secret-value")
    }))
})

describe("hostile ApiClient options", () => {
  const customFetch: typeof fetch = () => Promise.resolve(new Response(success.body, { status: 200 }))
  const facadeBase = {
    domain: "tenant.auth0.com",
    clientId: "client",
    clientSecret: "client-secret-value",
    customFetch
  }

  it.each(
    [
      ["clientSecret", () => throwingGetter("clientSecret", facadeBase)],
      ["customFetch", () => throwingGetter("customFetch", facadeBase)],
      ["domain", () => throwingGetter("domain", facadeBase)],
      ["retry.maxAttempts", () => ({ ...facadeBase, retry: throwingGetter("maxAttempts", {}) })]
    ] as const
  )("a throwing getter on %s ends in InvalidConfigurationError", async (_, options) => {
    const outcome = await (async () => {
      const apiClient = new ApiClient(options() as ApiClientOptions)
      try {
        await apiClient.getAccessTokenForConnection({ connection: "github", accessToken: "subject" })
      } finally {
        await apiClient.dispose()
      }
    })().then(() => undefined, (error: unknown) => error)
    expect(outcome).toBeInstanceOf(InvalidConfigurationError)
    expect((outcome as Error).message).toContain(unreadable)
    expect((outcome as Error).message).not.toContain(leak)
  })
})
