/**
 * DPoP proofs (RFC 9449 §4.3) at the token endpoint: one proof, `typ` `dpop+jwt`, an accepted
 * asymmetric `alg`, a public `jwk` in the header that verifies the signature, `htm` POST, `htu` the
 * URL the request was made to, `iat` within {@link IAT_WINDOW} seconds, a `jti` not used before,
 * and the server's nonce when the tenant requires one.
 *
 * @internal
 */
import type * as Digest from "effect/crypto/Digest"
import type * as SecureRandom from "effect/crypto/SecureRandom"
import type * as Signature from "effect/crypto/Signature"
import * as Effect from "effect/Effect"
import * as Jwk from "effect/jose/Jwk"
import * as Jws from "effect/jose/Jws"
import * as Schema from "effect/Schema"
import type { DpopConfig, EmulatorResponse } from "../TokenVaultEmulator.js"
import * as Errors from "./errors.js"
import { randomToken, readUnverified } from "./jose.js"
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from "./protocol.js"
import { makeReplayGuard } from "./replay.js"

/** How far a proof's `iat` may be from the emulator's clock, in seconds. @internal */
export const IAT_WINDOW = 60

/** Bytes of randomness in a nonce. */
const NONCE_BYTES = 16

/** The outcome of checking a request's `DPoP` header. @internal */
export type DpopCheck =
  | { readonly _tag: "NoProof" }
  /** A valid proof, with the RFC 7638 thumbprint of its key. */
  | { readonly _tag: "Valid"; readonly jkt: string }
  | { readonly _tag: "Rejected"; readonly response: EmulatorResponse }

/** @internal */
export interface DpopVerifier {
  /** The nonce proofs must carry, when the tenant requires one (sent in `DPoP-Nonce` on every answer). */
  readonly nonce: string | undefined
  /** Checks the `DPoP` header (if any) of a token request made to `requestUrl`, at `now` (epoch seconds). */
  readonly check: (
    header: string | undefined,
    requestUrl: URL | undefined,
    now: number
  ) => Effect.Effect<DpopCheck, never, Signature.Signature | Digest.Digest>
}

const isPublicJwk = Schema.is(Jwk.PublicJwk)

const PRIVATE_MEMBERS: ReadonlyArray<string> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

const rejected = (check: string): DpopCheck => ({ _tag: "Rejected", response: Errors.invalidDpopProof(check) })

/** Whether `htu` names the URL of the request: same scheme, host and path (query and fragment ignored). */
const sameEndpoint = (htu: unknown, requestUrl: URL | undefined): boolean => {
  if (typeof htu !== "string" || requestUrl === undefined || !URL.canParse(htu)) return false
  const url = new URL(htu)
  return url.protocol === requestUrl.protocol && url.host === requestUrl.host && url.pathname === requestUrl.pathname
}

/**
 * A DPoP verifier with its own nonce and memory of used `jti`s, for one emulator.
 *
 * @internal
 */
export const makeDpopVerifier = (
  config: DpopConfig | undefined
): Effect.Effect<DpopVerifier, never, SecureRandom.SecureRandom> =>
  Effect.map(randomToken(NONCE_BYTES), (randomNonce) => {
    const nonce = config?.requireNonce === true ? randomNonce : undefined
    const replay = makeReplayGuard()

    const check = Effect.fnUntraced(function*(
      header: string | undefined,
      requestUrl: URL | undefined,
      now: number
    ): Effect.fn.Return<DpopCheck, never, Signature.Signature | Digest.Digest> {
      if (header === undefined) return { _tag: "NoProof" }
      if (header.includes(",")) return rejected("exactly one DPoP header is allowed")
      const proof = header.trim()
      const unverified = yield* readUnverified(proof)
      if (unverified === undefined) return rejected("it is not a signed JWT (compact JWS with a JSON object payload)")
      const { claims, protectedHeader } = unverified
      if (protectedHeader.typ !== "dpop+jwt") return rejected("typ must be dpop+jwt")
      const alg = protectedHeader.alg
      if (!isSigningAlgorithm(alg)) {
        return rejected(`alg ${alg} is not supported (use ${SIGNING_ALGORITHMS.join(", ")})`)
      }
      const jwk = protectedHeader["jwk"]
      if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return rejected("the header has no jwk")
      if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) {
        return rejected("the jwk contains private key members")
      }
      if (!isPublicJwk(jwk)) return rejected("the jwk is not a public JWK")
      const key = yield* Effect.result(Jwk.importPublic(jwk, alg))
      if (key._tag === "Failure") return rejected(`the jwk is not a public key for ${alg}`)
      if (!(yield* Effect.isSuccess(Jws.verify(proof, key.success)))) {
        return rejected("the signature does not verify with the jwk")
      }
      // The claims are authentic from here on.
      const { htm, htu, iat, jti } = claims
      if (typeof jti !== "string" || jti === "") return rejected("jti is missing")
      if (htm !== "POST") return rejected("htm must be POST")
      if (!sameEndpoint(htu, requestUrl)) {
        return rejected(
          `htu must be the URL the request was made to${
            requestUrl === undefined ? "" : ` (${requestUrl.origin}${requestUrl.pathname})`
          }`
        )
      }
      if (typeof iat !== "number" || Math.abs(iat - now) > IAT_WINDOW) {
        return rejected(`iat must be within ${IAT_WINDOW} seconds of the server's time`)
      }
      if (nonce !== undefined && claims["nonce"] !== nonce) return { _tag: "Rejected", response: Errors.useDpopNonce() }
      const thumbprint = yield* Effect.result(Jwk.thumbprint(key.success))
      if (thumbprint._tag === "Failure") return rejected("the jwk has no RFC 7638 thumbprint")
      const jkt = thumbprint.success
      if (!replay.firstUse(JSON.stringify([jkt, jti]), iat + IAT_WINDOW, now)) {
        return rejected("jti has already been used (replayed proof)")
      }
      return { _tag: "Valid", jkt }
    })

    return { nonce, check }
  })
