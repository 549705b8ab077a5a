import { createHash, hash } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc, Layer, Option, Redacted } from "effect"
import { HttpClient } from "@effect/platform"
import { TokenVault } from "@effect-auth0/token-vault"
import { makeSha256, type Runtime } from "../src/internal/digest.js"

const expected = (text: string) => createHash("sha256").update(text).digest("base64url")

const run = (runtime: Runtime, text: string) =>
  Option.match(makeSha256(runtime), {
    onNone: () => Effect.die("no digest"),
    onSome: (sha256) =>
      sha256._tag === "Sync" ? Effect.sync(() => sha256.digest(text)) : Effect.promise(() => sha256.digest(text))
  })

describe("subject token digests", () => {
  it.effect("node:crypto and WebCrypto give the same SHA-256 text for any string", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.string({ unit: "binary" }), async (text) => {
          const viaNode = await Effect.runPromise(run(globalThis as Runtime, text))
          const viaWebCrypto = await Effect.runPromise(run({ crypto: globalThis.crypto }, text))
          expect(Option.map(makeSha256({ crypto: globalThis.crypto }), (sha256) => sha256._tag)).toEqual(Option.some("Async"))
          expect(viaNode).toBe(expected(text))
          expect(viaWebCrypto).toBe(viaNode)
        }),
        { numRuns: 200 }
      )
    ))

  it("finds node:crypto through process.getBuiltinModule, and nothing in a runtime without either", () => {
    let asked: string | undefined
    const runtime: Runtime = {
      process: {
        getBuiltinModule: (id) => {
          asked = id
          return { createHash, hash }
        }
      }
    }
    expect(Option.map(makeSha256(runtime), (sha256) => sha256._tag)).toEqual(Option.some("Sync"))
    expect(Effect.runSync(run(runtime, "token"))).toBe(expected("token"))
    expect(asked).toBe("node:crypto")
    // A runtime with createHash only (Node before 20.12) gets the same digest.
    const withoutHash: Runtime = { process: { getBuiltinModule: () => ({ createHash }) } }
    expect(Effect.runSync(run(withoutHash, "token"))).toBe(expected("token"))
    expect(Option.isNone(makeSha256({}))).toBe(true)
    expect(Option.isNone(makeSha256({ process: { getBuiltinModule: () => undefined } }))).toBe(true)
    expect(Option.isNone(makeSha256({ process: { getBuiltinModule: () => { throw new Error("no") } } }))).toBe(true)
  })
})

describe("a runtime without SHA-256", () => {
  /** Hides `process.getBuiltinModule` and `globalThis.crypto` for the scope's lifetime. */
  const withoutDigest = Effect.acquireRelease(
    Effect.sync(() => {
      const getBuiltinModule = Object.getOwnPropertyDescriptor(process, "getBuiltinModule")
      const crypto = Object.getOwnPropertyDescriptor(globalThis, "crypto")
      Object.defineProperty(process, "getBuiltinModule", { value: undefined, configurable: true, writable: true })
      Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true, writable: true })
      return { getBuiltinModule, crypto }
    }),
    ({ crypto, getBuiltinModule }) =>
      Effect.sync(() => {
        if (getBuiltinModule !== undefined) Object.defineProperty(process, "getBuiltinModule", getBuiltinModule)
        if (crypto !== undefined) Object.defineProperty(globalThis, "crypto", crypto)
      })
  )

  it.scoped("fails TokenVault.make with an InvalidConfigurationError before any request", () =>
    Effect.gen(function* () {
      let requests = 0
      const http = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make(() => Effect.sync(() => requests++).pipe(Effect.zipRight(Effect.die("no request expected"))))
      )
      yield* withoutDigest
      const error = yield* Effect.flip(
        TokenVault.make({ domain: "tenant.auth0.com", clientId: "client", clientSecret: Redacted.make("secret") }).pipe(
          Effect.provide(http)
        )
      )
      expect(error._tag).toBe("InvalidConfigurationError")
      expect(error.message).toContain("secure contexts")
      expect(requests).toBe(0)
    }))
})
