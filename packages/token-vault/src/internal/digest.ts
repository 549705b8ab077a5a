import * as Digest from "effect/crypto/Digest"
import * as WebCrypto from "effect/crypto/WebCrypto"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** The part of `node:crypto` this module uses: `hash` (Node 20.12+, one call) or `createHash`. */
interface NodeCrypto {
  readonly hash?: (algorithm: "sha256", data: string, encoding: "hex") => string
  readonly createHash: (algorithm: "sha256") => {
    update(data: string): { digest(encoding: "hex"): string }
  }
}

/** The globals this module looks for, besides Effect's `WebCrypto` reference. */
export interface Runtime {
  readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } | undefined
}

/**
 * Node's own hashing, found at run time through `process.getBuiltinModule` (Node 22, Bun, Deno)
 * without importing a runtime module.
 */
const nodeCrypto = (runtime: Runtime): NodeCrypto | undefined => {
  const process = runtime.process
  if (typeof process?.getBuiltinModule !== "function") return undefined
  try {
    const module = process.getBuiltinModule("node:crypto") as Partial<NodeCrypto> | undefined
    return typeof module?.createHash === "function" ? module as NodeCrypto : undefined
  } catch {
    return undefined
  }
}

/**
 * A SHA-256 digest of a text, as lowercase hex: synchronous with `node:crypto`, an effect with
 * WebCrypto.
 */
export type Sha256 =
  | { readonly _tag: "Sync"; readonly digest: (text: string) => string }
  | { readonly _tag: "Async"; readonly digest: (text: string) => Effect.Effect<string> }

const encoder = new TextEncoder()

/**
 * The runtime's SHA-256: `node:crypto` where the runtime has it (a synchronous digest costs
 * about 1.5 µs, WebCrypto's about 30 µs: see docs/performance.md), otherwise Effect's `Digest`
 * over the `WebCrypto` reference (`globalThis.crypto` unless provided). `None` when there is
 * neither (WebCrypto is missing from browser pages that are not a secure context).
 */
export const makeSha256 = (runtime: Runtime = globalThis as Runtime): Effect.Effect<Option.Option<Sha256>> => {
  const node = nodeCrypto(runtime)
  if (node !== undefined) {
    // Called as methods of the module: a runtime's implementation may rely on `this`.
    return Effect.succeed(Option.some({
      _tag: "Sync",
      digest: typeof node.hash === "function"
        ? (text) => node.hash!("sha256", text, "hex")
        : (text) => node.createHash("sha256").update(text).digest("hex")
    }))
  }
  return Effect.flatMap(WebCrypto.WebCrypto, (crypto) =>
    crypto?.subtle === undefined
      ? Effect.succeedNone
      : Effect.map(
        Effect.provide(Digest.Digest, Digest.layerWebCrypto),
        (digest): Option.Option<Sha256> =>
          Option.some({ _tag: "Async", digest: (text) => digest.digestHex(Digest.sha256, encoder.encode(text)) })
      ))
}
