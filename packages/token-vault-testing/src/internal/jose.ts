/**
 * The `effect/crypto` services the emulator verifies JWTs with (WebCrypto), built once per
 * emulator, and reading a compact JWT before its signature is checked.
 *
 * @internal
 */
import type * as Context from "effect/Context"
import * as Digest from "effect/crypto/Digest"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as Signature from "effect/crypto/Signature"
import * as Effect from "effect/Effect"
import * as Base64Url from "effect/encoding/Base64Url"
import * as Jwt from "effect/jose/Jwt"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import { MAX_JWT_LENGTH } from "./protocol.js"

/** @internal */
export type JoseServices = Signature.Signature | Digest.Digest | SecureRandom.SecureRandom

const joseLayer: Layer.Layer<JoseServices> = Layer.mergeAll(Signature.layerWebCrypto, Digest.layerWebCrypto).pipe(
  Layer.provideMerge(SecureRandom.layerWebCrypto)
)

/** The services, built once (they hold no resources) for an emulator to provide to each request. @internal */
export const makeJoseServices: Effect.Effect<Context.Context<JoseServices>> = Effect.context<JoseServices>().pipe(
  Effect.provide(joseLayer)
)

/** A random base64url string of `bytes` random bytes (nonces, mfa tokens). @internal */
export const randomToken = (bytes: number): Effect.Effect<string, never, SecureRandom.SecureRandom> =>
  Effect.map(SecureRandom.SecureRandom.use((random) => random.randomBytes(bytes)), Base64Url.encode)

/**
 * The header and claims of a compact JWS with a JSON object payload, not verified yet (used only to
 * choose how to verify it); `undefined` when it is not one, or longer than {@link MAX_JWT_LENGTH}.
 *
 * @internal
 */
export const readUnverified = (token: string): Effect.Effect<Jwt.Unverified | undefined> =>
  token.length > MAX_JWT_LENGTH
    ? Effect.succeed(undefined)
    : Effect.map(
      Effect.result(Jwt.decodeUnverified(token)),
      (result) => Result.isSuccess(result) ? result.success : undefined
    )
