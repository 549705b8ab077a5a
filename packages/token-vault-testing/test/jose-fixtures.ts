/**
 * Keys and hand-built JWTs (client assertions, DPoP proofs) for the emulator's tests, signed with
 * `effect/jose`. Keys are generated once per test file (RSA generation is slow).
 */
import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as Digest from "effect/crypto/Digest"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as Signature from "effect/crypto/Signature"
import * as Effect from "effect/Effect"
import * as Jwk from "effect/jose/Jwk"
import * as Jws from "effect/jose/Jws"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"

export const ALGORITHMS: ReadonlyArray<TokenVaultEmulator.SigningAlgorithm> = [
  "RS256",
  "RS384",
  "PS256",
  "PS384",
  "ES256",
  "ES384"
]

export const joseLayer = Layer.mergeAll(Signature.layerWebCrypto, Digest.layerWebCrypto).pipe(
  Layer.provideMerge(SecureRandom.layerWebCrypto)
)

export interface TestKey {
  readonly algorithm: TokenVaultEmulator.SigningAlgorithm
  readonly publicJwk: Jwk.PublicJwk
  readonly privateJwk: Redacted.Redacted<Jwk.PrivateJwk>
  readonly privateKey: Jwk.PrivateKey
  /** SPKI PEM of the public key. */
  readonly spkiPem: string
  /** PKCS#8 PEM of the private key. */
  readonly pkcs8Pem: Redacted.Redacted<string>
  /** RFC 7638 SHA-256 thumbprint. */
  readonly thumbprint: string
}

export const generateKey = (algorithm: TokenVaultEmulator.SigningAlgorithm): Promise<TestKey> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const pair = yield* Jwk.generateKeyPair({ algorithm })
      const publicKey = yield* Jwk.importPublic(pair.publicKey, algorithm)
      const privateKey = yield* Jwk.importPrivate(pair.privateKey, algorithm)
      return {
        algorithm,
        publicJwk: pair.publicKey,
        privateJwk: pair.privateKey,
        privateKey,
        spkiPem: yield* Jwk.exportSpki(publicKey, { format: "pem" }),
        pkcs8Pem: yield* Jwk.exportPkcs8(privateKey, { format: "pem" }),
        thumbprint: yield* Jwk.thumbprint(pair.publicKey)
      }
    }).pipe(Effect.provide(joseLayer))
  )

/** Signs `claims` as a compact JWS with extra header parameters. */
export const signJwt = (
  claims: Record<string, unknown>,
  key: TestKey,
  header: Record<string, Schema.Json> = {}
): Effect.Effect<string> =>
  Jws.sign(new TextEncoder().encode(JSON.stringify(claims)), key.privateKey, header).pipe(
    Effect.map(Redacted.value),
    Effect.provide(joseLayer),
    Effect.orDie
  )

let counter = 0
/** A fresh `jti`. */
export const freshJti = (): string => `jti-${++counter}-${Math.random().toString(36).slice(2)}`

/** Claims of a client assertion as `@auth0/auth0-auth-js` sends them, at `now` (epoch seconds). */
export const assertionClaims = (clientId: string, audience: string, now: number): Record<string, unknown> => ({
  jti: freshJti(),
  aud: audience,
  exp: now + 60,
  iat: now,
  nbf: now,
  iss: clientId,
  sub: clientId
})

/** A DPoP proof (header `typ`, `jwk`) for `POST htu` at `now`. */
export const dpopProof = (
  key: TestKey,
  htu: string,
  now: number,
  overrides: Record<string, unknown> = {},
  header: Record<string, Schema.Json> = {}
): Effect.Effect<string> =>
  signJwt(
    { jti: freshJti(), htm: "POST", htu, iat: now, ...overrides },
    key,
    { typ: "dpop+jwt", jwk: key.publicJwk as unknown as Schema.Json, ...header }
  )
