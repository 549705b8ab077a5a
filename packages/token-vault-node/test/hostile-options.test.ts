import type { TokenVaultError } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { CLIENT_ID, CLIENT_SECRET } from "./helpers.js"

const leak = "thrown-secret-text"
const base = { domain: "tenant.example.com", clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET) }

/** `values` with `key` read through a getter that throws. */
const throwingGetter = (key: string, values: object): object =>
  Object.defineProperty({ ...values }, key, {
    enumerable: true,
    get: () => {
      throw new Error(leak)
    }
  })

const builds: Record<
  "layer" | "layerHttpClient",
  (options: object) => Layer.Layer<never, TokenVaultError.InvalidConfigurationError>
> = {
  layer: (options: object) => NodeTokenVault.layer(options as NodeTokenVault.LayerOptions),
  layerHttpClient: (options: object) => NodeTokenVault.layerHttpClient(options as NodeTokenVault.HttpClientOptions)
}

const table: ReadonlyArray<readonly [keyof typeof builds, string]> = [
  ["layer", "tls"],
  ["layer", "connections"],
  ["layer", "proxy"],
  ["layer", "domain"],
  ["layerHttpClient", "tls"],
  ["layerHttpClient", "connections"]
]

describe("hostile Node options", () => {
  it.effect.each(table)("%s fails typed when the getter of %s throws", ([via, key]) =>
    Effect.gen(function*() {
      const options = throwingGetter(key, via === "layer" ? base : {})
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(builds[via](options))))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(false)
      const failure = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
      const error = Option.getOrThrow(failure)
      expect(error._tag).toBe("InvalidConfigurationError")
      expect(error.option).toBe("options")
      expect(error.message).toBe("options could not be read: reading one of its properties threw")
      expect(String(error)).not.toContain(leak)
    }))

  const wiped = (value: string) => {
    const redacted = Redacted.make(value)
    Redacted.wipeUnsafe(redacted)
    return redacted
  }
  it.effect.each(
    [
      ["a tls.cert whose getter throws", { tls: throwingGetter("cert", { key: Redacted.make("key") }) }],
      ["a wiped tls.key", { tls: { cert: "cert", key: wiped("key") } }],
      ["a wiped proxy URL", { proxy: wiped("http://user:pass@127.0.0.1:3128") }]
    ] as const
  )("layerHttpClient fails typed with %s", ([_, options]) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(builds.layerHttpClient(options))))
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(false)
      const error = Option.getOrThrow(Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none())
      expect(error).toMatchObject({ _tag: "InvalidConfigurationError", option: "options" })
      expect(String(error)).not.toContain(leak)
    }))
})
