import type { TokenVaultOptions } from "@effect-auth0/token-vault"
import type { Jwk } from "effect/jose"
import { generateKeyPairSync, type KeyObject } from "node:crypto"

type Algorithm = TokenVaultOptions.SigningAlgorithm

/** Every algorithm a client assertion or a DPoP proof can be signed with. */
export const algorithms: ReadonlyArray<Algorithm> = ["RS256", "RS384", "PS256", "PS384", "ES256", "ES384"]

/** A key pair for `algorithm`: RSA for RS* and PS* (as JOSE keys are), EC for ES*. */
export const keyPair = (algorithm: Algorithm): { privateKey: KeyObject; publicKey: KeyObject } =>
  algorithm.startsWith("ES")
    ? generateKeyPairSync("ec", { namedCurve: algorithm === "ES256" ? "P-256" : "P-384" })
    : generateKeyPairSync("rsa", { modulusLength: 2048 })

/** A new key pair for `algorithm`, its private key as PKCS#8 PEM and as a JWK, and its public JWK. */
export const keyForms = (algorithm: Algorithm) => {
  const pair = keyPair(algorithm)
  return {
    pair,
    pem: pair.privateKey.export({ format: "pem", type: "pkcs8" }) as string,
    jwk: pair.privateKey.export({ format: "jwk" }) as Jwk.PrivateJwk,
    publicJwk: pair.publicKey.export({ format: "jwk" }) as Jwk.PublicJwk
  }
}

/** The WebCrypto parameters of a key for `algorithm`, e.g. for `KeyObject.toCryptoKey`. */
export const webCryptoAlgorithm = (algorithm: Algorithm) =>
  algorithm.startsWith("ES")
    ? { name: "ECDSA", namedCurve: algorithm === "ES256" ? "P-256" : "P-384" }
    : { name: algorithm.startsWith("PS") ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: `SHA-${algorithm.slice(2)}` }
