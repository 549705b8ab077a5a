/**
 * The keys of the signing drivers, made once per benchmark process: the RS256 key pair of the
 * `private_key_jwt` client (its public half goes to the emulator process) and the ES256 key of the
 * DPoP proofs (the emulator needs nothing of it: a proof carries its public key).
 */
import { generateKeyPairSync } from "node:crypto"

const pkcs8 = (pair: ReturnType<typeof generateKeyPairSync>) =>
  pair.privateKey.export({ format: "pem", type: "pkcs8" }) as string

let assertion: { readonly privateKeyPem: string; readonly publicKeyPem: string } | undefined
let dpop: string | undefined

/** The `private_key_jwt` client's key pair, as PEM texts. */
export const assertionKeyPair = () => {
  if (assertion === undefined) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 })
    assertion = {
      privateKeyPem: pkcs8(pair),
      publicKeyPem: pair.publicKey.export({ format: "pem", type: "spki" }) as string
    }
  }
  return assertion
}

/** The DPoP key, a P-256 private key as PKCS#8 PEM. */
export const dpopKeyPem = (): string => (dpop ??= pkcs8(generateKeyPairSync("ec", { namedCurve: "P-256" })))
