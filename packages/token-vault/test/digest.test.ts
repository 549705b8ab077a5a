import { TokenVault } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { WebCrypto } from "effect/crypto"
import { HttpClient } from "effect/http"
import { createHash, hash } from "node:crypto"
import { makeSha256, type Runtime } from "../src/internal/digest.js"
import * as fc from "./utils/arbitraries.js"

const expected = (text: string) => createHash("sha256").update(text).digest("hex")

/** The digest of `text` in `runtime`, and which kind of digest that runtime has. */
const run = (runtime: Runtime, text: string) =>
  Effect.flatMap(
    makeSha256(runtime),
    Option.match({
      onNone: () => Effect.die("no digest"),
      onSome: (sha256) =>
        Effect.map(sha256._tag === "Sync" ? Effect.sync(() => sha256.digest(text)) : sha256.digest(text), (digest) => ({
          kind: sha256._tag,
          digest
        }))
    })
  )

/** A runtime without `node:crypto`: only WebCrypto (Effect's `WebCrypto` reference) is left. */
const webCryptoOnly: Runtime = {}

describe("subject token digests", () => {
  it.effect.prop(
    "node:crypto and WebCrypto give the same SHA-256 text for any string",
    [fc.binaryString()],
    ([text]) =>
      Effect.gen(function*() {
        const viaNode = yield* run(globalThis as Runtime, text)
        const viaWebCrypto = yield* run(webCryptoOnly, text)
        expect(viaNode.kind).toBe("Sync")
        expect(viaWebCrypto.kind).toBe("Async")
        expect(viaNode.digest).toBe(expected(text))
        expect(viaWebCrypto.digest).toBe(viaNode.digest)
      }),
    { arbitrary: { runs: 200 } }
  )

  it.effect("finds node:crypto through process.getBuiltinModule, and nothing in a runtime without either", () =>
    Effect.gen(function*() {
      let asked: string | undefined
      const runtime: Runtime = {
        process: {
          getBuiltinModule: (id) => {
            asked = id
            return { createHash, hash }
          }
        }
      }
      expect(yield* run(runtime, "token")).toEqual({ kind: "Sync", digest: expected("token") })
      expect(asked).toBe("node:crypto")
      // A runtime with createHash only (Node before 20.12) gets the same digest.
      const withoutHash: Runtime = { process: { getBuiltinModule: () => ({ createHash }) } }
      expect(yield* run(withoutHash, "token")).toEqual({ kind: "Sync", digest: expected("token") })
      // No node:crypto, and a WebCrypto without `subtle` (a browser page that is not a secure context).
      const none = (runtime: Runtime) =>
        makeSha256(runtime).pipe(Effect.map(Option.isNone), Effect.provideService(WebCrypto.WebCrypto, {} as Crypto))
      expect(yield* none({})).toBe(true)
      expect(yield* none({ process: { getBuiltinModule: () => undefined } })).toBe(true)
      expect(
        yield* none({
          process: {
            getBuiltinModule: () => {
              throw new Error("no")
            }
          }
        })
      ).toBe(true)
    }))
})

describe("a runtime without SHA-256", () => {
  /**
   * Hides `process.getBuiltinModule` and `globalThis.crypto` for the scope's lifetime. Effect reads
   * WebCrypto through its `WebCrypto` reference, whose default it takes once per process: the
   * tests below also provide it as a page that is not a secure context has it (no `subtle`).
   */
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

  it.effect("fails TokenVault.make with an InvalidConfigurationError before any request", () =>
    Effect.gen(function*() {
      let requests = 0
      const http = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make(() => Effect.sync(() => requests++).pipe(Effect.andThen(Effect.die("no request expected"))))
      )
      yield* withoutDigest
      const error = yield* Effect.flip(
        TokenVault.make({ domain: "tenant.auth0.com", clientId: "client", clientSecret: Redacted.make("secret") }).pipe(
          Effect.provide(http),
          Effect.provideService(WebCrypto.WebCrypto, {} as Crypto)
        )
      )
      expect(error._tag).toBe("InvalidConfigurationError")
      expect(error.message).toContain("secure contexts")
      expect(requests).toBe(0)
    }))
})
