/**
 * Client assertions (`private_key_jwt`) and DPoP proofs (RFC 9449): the signed parts of a token
 * request, made fresh for every request with Effect's JOSE modules. `TokenVault.make` loads this
 * module with a dynamic `import()` only for a client that uses either, so that JOSE costs nothing
 * to the others (in a bundle it is a chunk of its own).
 */
import * as Clock from "effect/Clock"
import * as Digest from "effect/crypto/Digest"
import * as KeyFormat from "effect/crypto/KeyFormat"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as Signature from "effect/crypto/Signature"
import type * as WebCrypto from "effect/crypto/WebCrypto"
import * as Effect from "effect/Effect"
import * as Base64Url from "effect/encoding/Base64Url"
import type * as JoseError from "effect/jose/JoseError"
import * as Jwk from "effect/jose/Jwk"
import * as Jws from "effect/jose/Jws"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { InvalidConfigurationError, TransportError } from "../TokenVaultError.js"
import type { SigningAlgorithm, SigningKey } from "../TokenVaultOptions.js"
import type { SigningSettings } from "./client.js"
import { formEncode } from "./formEncode.js"

/** What signing adds to one request: form fields, headers, and the signed values to keep out of errors. */
export interface SignedParts {
  /** `&client_assertion_type=...&client_assertion=...`, or `""`. */
  readonly fields: string
  /** `{ dpop: proof }`, or `undefined`. */
  readonly headers: Readonly<Record<string, string>> | undefined
  readonly secrets: ReadonlyArray<string>
}

/** Signs the requests of one client. */
export interface Signer {
  /** The signed parts of a request to `url`, with the nonce last remembered for its origin. */
  readonly sign: (url: string) => Effect.Effect<SignedParts, TransportError>
  /**
   * Remembers the `DPoP-Nonce` of a response from `url` for later requests to its origin, when the
   * client sends DPoP proofs and the header holds a nonce (RFC 9449 §8: 1 to 1024 of `NQCHAR`
   * here); whether it did. A server cannot make the client carry anything else in its proofs.
   */
  readonly takeNonce: (url: string, header: (name: string) => string | undefined) => boolean
}

const assertionType = formEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")

/** How long a client assertion is valid, as Auth0's SDKs make them. */
const assertionLifetimeSeconds = 60

const signatureAlgorithms: Record<SigningAlgorithm, Signature.Algorithm> = {
  RS256: Signature.rsaPkcs1v15({ hash: Digest.sha256, modulusLength: 2048 }),
  RS384: Signature.rsaPkcs1v15({ hash: Digest.sha384, modulusLength: 2048 }),
  PS256: Signature.rsaPss({ hash: Digest.sha256, modulusLength: 2048 }),
  PS384: Signature.rsaPss({ hash: Digest.sha384, modulusLength: 2048 }),
  ES256: Signature.ecdsaP256,
  ES384: Signature.ecdsaP384
}

const isCryptoKey = (value: object): value is WebCrypto.CryptoKey => "usages" in value && "type" in value

/** The reason of a JOSE failure, when it is one of the library's own descriptions (never key material). */
const reasonOf = (error: JoseError.JoseError): string =>
  error.reason._tag === "InvalidKey" || error.reason._tag === "InvalidArgument" ? `: ${error.reason.description}` : ""

/**
 * A PEM text as configuration often holds it: line breaks written as `\n` (an `.env` file, a
 * dashboard's one-line field) made real, and each line's indentation dropped.
 */
const pemText = (text: string): string =>
  (text.includes("\n") ? text : text.replaceAll("\\n", "\n")).split("\n").map((line) => line.trim()).join("\n")

/** Imports a private key for `algorithm`, once; a key that does not fit names the option and the algorithm. */
const importPrivateKey = (
  input: SigningKey,
  algorithm: SigningAlgorithm,
  option: string,
  algorithmOption: string
): Effect.Effect<Jwk.PrivateKey, InvalidConfigurationError> => {
  const refused = (detail: string) =>
    new InvalidConfigurationError({
      option,
      message: `${option} is not a private key usable with ${algorithm} (${algorithmOption})${detail}`
    })
  return Effect.suspend((): Effect.Effect<Jwk.PrivateKey, InvalidConfigurationError | JoseError.JoseError> => {
    if (Redacted.isRedacted(input)) {
      const value: unknown = Redacted.value(input as Redacted.Redacted<unknown>)
      return typeof value === "string"
        ? Jwk.importPkcs8(Redacted.make(pemText(value)), algorithm)
        : Jwk.importPrivate(Redacted.make(value as Jwk.PrivateJwk), algorithm)
    }
    if (isCryptoKey(input)) {
      return Effect.map(
        Effect.mapError(
          Signature.privateKeyFromCryptoKey(signatureAlgorithms[algorithm], input),
          () => refused(": the CryptoKey must be a private key of that algorithm with the sign usage")
        ),
        (key): Jwk.PrivateKey => ({ _tag: "PrivateKey", algorithm, kid: undefined, key })
      )
    }
    return Jwk.importPrivate(Redacted.make(input), algorithm)
  }).pipe(
    Effect.mapError((error) => error._tag === "JoseError" ? refused(reasonOf(error)) : error),
    // A wiped `Redacted`, a getter that throws: what was thrown may quote the key.
    Effect.catchDefect(() => Effect.fail(refused(": it could not be read")))
  )
}

/** The public members of a JWK (RFC 7638 §3.2), for the `jwk` header of a DPoP proof. */
const publicMembers = (jwk: Record<string, unknown>): Jwk.PublicJwk => {
  const names = jwk["kty"] === "RSA" ? ["e", "kty", "n"] : ["crv", "kty", "x", "y"]
  return Object.fromEntries(
    names.flatMap((name) => typeof jwk[name] === "string" ? [[name, jwk[name]]] : [])
  ) as unknown as Jwk.PublicJwk
}

/** The public JWK of a DPoP key: from `publicKey` when given, else computed from the private key. */
const dpopPublicJwk = (
  privateKey: Jwk.PrivateKey,
  publicKey: WebCrypto.CryptoKey | Jwk.PublicJwk | undefined,
  algorithm: SigningAlgorithm
): Effect.Effect<Jwk.PublicJwk, InvalidConfigurationError, Signature.Signature> => {
  const refused = (why: string) =>
    new InvalidConfigurationError({ option: "dpop.publicKey", message: `dpop.publicKey ${why}` })
  const key: Effect.Effect<Signature.PublicKey, InvalidConfigurationError, Signature.Signature> =
    publicKey === undefined
      ? Signature.Signature.use((signature) =>
        Effect.mapError(
          signature.publicKeyOf(privateKey.key),
          () => refused("is needed: the public key of this dpop.privateKey cannot be read from it")
        )
      )
      : isCryptoKey(publicKey)
      ? Effect.mapError(
        Signature.publicKeyFromCryptoKey(signatureAlgorithms[algorithm], publicKey),
        () => refused(`must be a public ${algorithm} CryptoKey with the verify usage`)
      )
      : Effect.mapError(
        Effect.map(Jwk.importPublic(publicKey, algorithm), (imported) => imported.key),
        () => refused(`must be a public JWK usable with ${algorithm}`)
      )
  return Effect.flatMap(
    key,
    (publicKey) =>
      Effect.mapBoth(KeyFormat.encode(KeyFormat.jwk, publicKey as KeyFormat.Key), {
        onFailure: () => refused("could not be read (a non-extractable public CryptoKey?)"),
        onSuccess: (jwk) => publicMembers(jwk as Record<string, unknown>)
      })
  )
}

const encoder = new TextEncoder()

/**
 * Whether `publicJwk` verifies what `privateKey` signs: a `dpop.publicKey` of another key would
 * make every proof invalid, so it fails the client instead.
 */
const checkPair = (privateKey: Jwk.PrivateKey, publicJwk: Jwk.PublicJwk, algorithm: SigningAlgorithm) =>
  Effect.gen(function*() {
    const publicKey = yield* Jwk.importPublic(publicJwk, algorithm)
    yield* Jws.verify(yield* Jws.sign(encoder.encode("{}"), privateKey), publicKey)
  }).pipe(
    Effect.mapError(() =>
      new InvalidConfigurationError({
        option: "dpop.publicKey",
        message: "dpop.publicKey is not the public key of dpop.privateKey"
      })
    )
  )

/** A fresh, unguessable JWT id: 16 random bytes, base64url. */
const makeJti = Effect.map(SecureRandom.SecureRandom.use((random) => random.randomBytes(16)), Base64Url.encode)

/** A DPoP nonce (RFC 9449 §8: `NQCHAR`, visible ASCII without `"` and `\\`), at most 1 KiB. */
const isNonce = (value: string): boolean => /^[\x21\x23-\x5B\x5D-\x7E]{1,1024}$/.test(value)

/** The origin of a URL, the key of its remembered DPoP nonce. */
const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/** The URL of a DPoP proof's `htu`: the request URL without query and fragment (RFC 9449 §4.2). */
const htuOf = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return url
  }
}

const services = Signature.layerWebCrypto.pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))

/**
 * Builds the signer of a client: imports its keys once, and signs one assertion and one proof at
 * once, so that a key that cannot sign (a `CryptoKey` without the `sign` usage) fails here, with
 * `InvalidConfigurationError`, and not on a user's call.
 */
export const makeSigner = (settings: SigningSettings): Effect.Effect<Signer, InvalidConfigurationError> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<Signature.Signature | SecureRandom.SecureRandom>()
    const assertionKey = settings.assertion === undefined ? undefined : yield* importPrivateKey(
      settings.assertion.key,
      settings.assertion.algorithm,
      "clientAssertionSigningKey",
      "clientAssertionSigningAlg"
    )
    const dpopAlgorithm = settings.dpop?.algorithm ?? "ES256"
    const dpopKey = settings.dpop === undefined
      ? undefined
      : yield* importPrivateKey(settings.dpop.privateKey, dpopAlgorithm, "dpop.privateKey", "dpop.algorithm")
    const dpopJwk = dpopKey === undefined
      ? undefined
      : yield* dpopPublicJwk(dpopKey, settings.dpop?.publicKey, dpopAlgorithm)
    if (dpopKey !== undefined && dpopJwk !== undefined) yield* checkPair(dpopKey, dpopJwk, dpopAlgorithm)
    const nonces = new Map<string, string>()

    const signJson = (key: Jwk.PrivateKey, payload: object, header?: Record<string, unknown>) =>
      Effect.map(
        Jws.sign(encoder.encode(JSON.stringify(payload)), key, header as Jws.Header),
        Redacted.value
      )

    const assertion = (key: Jwk.PrivateKey, now: number) =>
      Effect.flatMap(makeJti, (jti) =>
        signJson(key, {
          iss: settings.clientId,
          sub: settings.clientId,
          aud: settings.audience,
          jti,
          iat: now,
          nbf: now,
          exp: now + assertionLifetimeSeconds
        }))

    const proof = (key: Jwk.PrivateKey, jwk: Jwk.PublicJwk, url: string, now: number) =>
      Effect.flatMap(makeJti, (jti) => {
        const nonce = nonces.get(originOf(url))
        return signJson(
          key,
          { jti, htm: "POST", htu: htuOf(url), iat: now, ...(nonce === undefined ? {} : { nonce }) },
          { typ: "dpop+jwt", jwk }
        )
      })

    const signOnce = (url: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (millis) => {
        const now = Math.floor(millis / 1000)
        return Effect.all([
          assertionKey === undefined ? Effect.succeed(undefined) : assertion(assertionKey, now),
          dpopKey === undefined || dpopJwk === undefined ? Effect.succeed(undefined) : proof(dpopKey, dpopJwk, url, now)
        ])
      }).pipe(
        Effect.map(([clientAssertion, dpopProof]): SignedParts => ({
          fields: clientAssertion === undefined
            ? ""
            : `&client_assertion_type=${assertionType}&client_assertion=${clientAssertion}`,
          headers: dpopProof === undefined ? undefined : { dpop: dpopProof },
          secrets: [clientAssertion, dpopProof].filter((value) => value !== undefined)
        })),
        Effect.provideContext(context)
      )

    // The keys sign once here: a key that cannot sign fails the client, not a call.
    yield* Effect.mapError(signOnce(settings.audience), (error) =>
      new InvalidConfigurationError({
        option: assertionKey === undefined ? "dpop.privateKey" : "clientAssertionSigningKey",
        message: `the signing key could not sign with its algorithm (${error._tag})`
      }))

    return {
      sign: (url: string) =>
        Effect.mapError(signOnce(url), () =>
          new TransportError({
            url,
            description: "the client assertion or the DPoP proof could not be signed",
            responseReceived: false
          })),
      takeNonce: (url, header) => {
        const nonce = dpopKey === undefined ? undefined : header("dpop-nonce")
        if (nonce === undefined || !isNonce(nonce)) return false
        nonces.set(originOf(url), nonce)
        return true
      }
    } satisfies Signer
  }).pipe(Effect.provide(services))
