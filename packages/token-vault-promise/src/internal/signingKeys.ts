/**
 * The facade's signing keys as the core takes them: `clientAssertionSigningKey` and
 * `clientAssertionSigningAlg` with Auth0's meaning, and the plain `dpop` option. Values are
 * passed on unchecked: the core validates them when the client is built, and a bad one rejects
 * the calls with its `InvalidConfigurationError`.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import { ownField } from "../../../token-vault/src/internal/ownProperties.js"
import type { Settings } from "./settings.js"

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null

/**
 * A private key as the core takes it: a PEM text or a JWK object in `Redacted` (so that the
 * options the core holds never print key material), a `CryptoKey` as it is. (The core reads a PEM
 * text as leniently as Auth0's SDK: indented lines, `\r\n` or escaped `\n` line breaks.)
 */
const privateKey = (value: unknown): unknown => {
  if (typeof value === "string") return Redacted.make(value)
  if (
    isObject(value) && !Redacted.isRedacted(value) && typeof ownField(value as { kty?: unknown }, "kty") === "string"
  ) {
    return Redacted.make(value)
  }
  return value
}

const hashBits = (algorithm: { readonly hash?: unknown }): string | undefined => {
  const hash = algorithm.hash
  const name = typeof hash === "string" ? hash : isObject(hash) ? (hash as { name?: unknown }).name : undefined
  return name === "SHA-256" ? "256" : name === "SHA-384" ? "384" : undefined
}

/**
 * The JWS algorithm of a WebCrypto key, as Auth0's SDK derives it (through `oauth4webapi`) when it
 * signs with a `CryptoKey`: RSASSA-PKCS1-v1_5 → RS, RSA-PSS → PS with the key's hash, ECDSA → ES
 * with its curve. `undefined` for anything else (the core's default then applies, and the core
 * names the misfit).
 */
const cryptoKeyAlgorithm = (key: unknown): string | undefined => {
  if (!isObject(key) || Redacted.isRedacted(key) || typeof ownField(key as { kty?: unknown }, "kty") === "string") {
    return undefined
  }
  const algorithm: unknown = (key as { algorithm?: unknown }).algorithm
  if (!isObject(algorithm)) return undefined
  const { name, namedCurve } = algorithm as { readonly name?: unknown; readonly namedCurve?: unknown }
  switch (name) {
    case "RSASSA-PKCS1-v1_5":
    case "RSA-PSS": {
      const bits = hashBits(algorithm)
      return bits === undefined ? undefined : `${name === "RSA-PSS" ? "PS" : "RS"}${bits}`
    }
    case "ECDSA":
      return namedCurve === "P-256" ? "ES256" : namedCurve === "P-384" ? "ES384" : undefined
    default:
      return undefined
  }
}

/**
 * `clientAssertionSigningKey` and `clientAssertionSigningAlg` as the core's options. An empty key
 * counts as none, as in Auth0's SDK (which tests the option's truthiness); the algorithm of a
 * `CryptoKey` is the key's own unless one is given.
 */
const clientAssertionOptions = (key: unknown, algorithm: unknown) => {
  if (key === undefined || key === null || key === "") return {}
  return {
    clientAssertionSigningKey: privateKey(key),
    clientAssertionSigningAlg: algorithm ?? cryptoKeyAlgorithm(key)
  }
}

/**
 * The `dpop` option as the core's: the private key as {@link privateKey} makes it, the public key
 * as given, the algorithm as given or that of a `CryptoKey`. Own properties only. A value that is
 * not an object is passed on, for the core to refuse.
 */
const dpopOptions = (dpop: unknown): unknown => {
  if (!isObject(dpop) || Array.isArray(dpop)) return dpop
  const options = dpop as { readonly privateKey?: unknown; readonly publicKey?: unknown; readonly algorithm?: unknown }
  const key = ownField(options, "privateKey")
  const publicKey = ownField(options, "publicKey")
  const algorithm = ownField(options, "algorithm") ?? cryptoKeyAlgorithm(key)
  return {
    privateKey: privateKey(key),
    ...(publicKey === undefined ? {} : { publicKey }),
    ...(algorithm === undefined ? {} : { algorithm })
  }
}

/**
 * The core's options for client assertions and DPoP, from the facade's settings: only those that
 * were given (reading them may throw, as any option's getter may).
 */
export const signingOptions = (
  settings: Pick<Settings, "clientAssertionSigningKey" | "clientAssertionSigningAlg" | "dpop">
): Readonly<Record<string, unknown>> => ({
  ...clientAssertionOptions(settings.clientAssertionSigningKey, settings.clientAssertionSigningAlg),
  ...(settings.dpop === undefined ? {} : { dpop: dpopOptions(settings.dpop) })
})
