import * as Option from "effect/Option"

/** The part of `node:crypto` this module uses: `hash` (Node 20.12+, one call) or `createHash`. */
interface NodeCrypto {
  readonly hash?: (algorithm: "sha256", data: string, encoding: "base64url") => string
  readonly createHash: (algorithm: "sha256") => {
    update(data: string): { digest(encoding: "base64url"): string }
  }
}

/**
 * Node's own hashing, found at run time through `process.getBuiltinModule` (Node 20.16+, Bun,
 * Deno) without importing a runtime module: a synchronous digest costs about a microsecond,
 * WebCrypto's asynchronous one several times more.
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

/** The globals this module looks for. */
export interface Runtime {
  readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } | undefined
  readonly crypto?: { readonly subtle?: SubtleCrypto | undefined } | undefined
}

const encoder = new TextEncoder()

/** Base64url of bytes, without padding: the same text `node:crypto` gives. */
const base64url = (bytes: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

/**
 * A SHA-256 digest of a text, base64url-encoded: synchronous with `node:crypto`, asynchronous
 * with WebCrypto.
 */
export type Sha256 =
  | { readonly _tag: "Sync"; readonly digest: (text: string) => string }
  | { readonly _tag: "Async"; readonly digest: (text: string) => Promise<string> }

/**
 * The runtime's SHA-256: `node:crypto` where the runtime has it, otherwise WebCrypto. `None`
 * when it has neither (WebCrypto is missing from browser pages that are not a secure context).
 */
export const makeSha256 = (runtime: Runtime = globalThis as Runtime): Option.Option<Sha256> => {
  const node = nodeCrypto(runtime)
  if (node !== undefined) {
    // Called as methods of the module: a runtime's implementation may rely on `this`.
    return Option.some({
      _tag: "Sync",
      digest: typeof node.hash === "function"
        ? (text) => node.hash!("sha256", text, "base64url")
        : (text) => node.createHash("sha256").update(text).digest("base64url")
    })
  }
  const subtle = runtime.crypto?.subtle
  if (subtle === undefined) return Option.none()
  return Option.some({
    _tag: "Async",
    digest: (text) => subtle.digest("SHA-256", encoder.encode(text)).then(base64url)
  })
}
