/**
 * Validation of the TLS options (client certificate, key, passphrase, trusted CAs). Each piece is
 * parsed when the layer is built, so a wrong passphrase or a key of another certificate fails
 * there with `InvalidConfigurationError` instead of at the first request. Messages name the
 * option and at most OpenSSL's error code, never a value.
 *
 * @internal
 */
import { TokenVaultError } from "@effect-auth0/token-vault"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Buffer } from "node:buffer"
import * as Crypto from "node:crypto"
import * as Tls from "node:tls"
import type { TlsOptions } from "../NodeTokenVault.js"
import { ownFields } from "./own.js"

const tlsOptionKeys = ["cert", "key", "passphrase", "ca"] as const satisfies ReadonlyArray<keyof TlsOptions>

/** What undici's connector receives: Node `tls.connect` options, secrets unwrapped. */
export interface TlsConnectOptions {
  readonly cert?: Buffer
  readonly key?: Buffer
  readonly passphrase?: string
  readonly ca?: Array<Buffer>
}

/** Validated TLS options; the secrets stay `Redacted` until a connector is built. */
export interface ResolvedTls {
  readonly cert: Buffer | undefined
  readonly key: Redacted.Redacted<Buffer> | undefined
  readonly passphrase: Redacted.Redacted<string> | undefined
  readonly ca: ReadonlyArray<Buffer> | undefined
  /** Whether a client certificate is configured (mTLS). */
  readonly clientCertificate: boolean
}

type InvalidConfigurationError = TokenVaultError.InvalidConfigurationError

const invalid = (option: string, message: string) => new TokenVaultError.InvalidConfigurationError({ option, message })

/** OpenSSL / Node error codes are safe to show (`ERR_OSSL_BAD_DECRYPT`); anything else is not. */
const codeOf = (error: unknown): string => {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === "string" && /^ERR_[A-Z0-9_]{1,80}$/.test(code) ? ` (${code})` : ""
}

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array

/** A PEM or DER value as a `Buffer`, or `undefined` when it is neither a string nor bytes. */
const toBuffer = (value: unknown): Buffer | undefined => {
  if (typeof value === "string") return value.trim().length > 0 ? Buffer.from(value, "utf8") : undefined
  if (isBytes(value)) {
    return value.byteLength > 0
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      : undefined
  }
  return undefined
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** Every certificate of a PEM bundle (or the single DER certificate) parses. */
const parseCertificates = (bytes: Buffer): ReadonlyArray<Crypto.X509Certificate> => {
  const blocks = bytes.toString("latin1").match(pemCertificate)
  if (blocks === null) return [new Crypto.X509Certificate(bytes)]
  return blocks.map((block) => new Crypto.X509Certificate(block))
}

const resolveCa = (ca: unknown): Effect.Effect<ReadonlyArray<Buffer> | undefined, InvalidConfigurationError> =>
  Effect.suspend(() => {
    if (ca === undefined) return Effect.succeed(undefined)
    const items: ReadonlyArray<unknown> = Array.isArray(ca) ? ca : [ca]
    const buffers: Array<Buffer> = []
    for (const item of items) {
      const buffer = toBuffer(item)
      if (buffer === undefined) {
        return Effect.fail(invalid("tls.ca", "tls.ca must be PEM text or bytes (or a list of them), not empty"))
      }
      try {
        parseCertificates(buffer)
      } catch (error) {
        return Effect.fail(invalid("tls.ca", `tls.ca is not a PEM or DER certificate${codeOf(error)}`))
      }
      buffers.push(buffer)
    }
    return buffers.length === 0
      ? Effect.fail(invalid("tls.ca", "tls.ca must hold at least one certificate"))
      : Effect.succeed(buffers)
  })

/**
 * Validates `tls`: types, that `cert` and `key` come together, that the key decrypts with the
 * passphrase and belongs to the certificate, and that every CA certificate parses.
 */
export const resolveTls = (
  tls: unknown
): Effect.Effect<ResolvedTls | undefined, InvalidConfigurationError> =>
  Effect.gen(function*() {
    if (tls === undefined) return undefined
    if (typeof tls !== "object" || tls === null) return yield* invalid("tls", "tls must be an object")
    const { ca, cert, key, passphrase } = ownFields(tls, tlsOptionKeys)

    if (key !== undefined && !Redacted.isRedacted(key)) {
      return yield* invalid("tls.key", "tls.key must be wrapped in Redacted (Redacted.make)")
    }
    if (passphrase !== undefined && !Redacted.isRedacted(passphrase)) {
      return yield* invalid("tls.passphrase", "tls.passphrase must be wrapped in Redacted (Redacted.make)")
    }
    if (cert === undefined && key !== undefined) return yield* invalid("tls.cert", "tls.key was given without tls.cert")
    if (cert !== undefined && key === undefined) return yield* invalid("tls.key", "tls.cert was given without tls.key")
    if (passphrase !== undefined && key === undefined) {
      return yield* invalid("tls.passphrase", "tls.passphrase was given without tls.key")
    }

    const resolvedCa = yield* resolveCa(ca)
    if (cert === undefined || key === undefined) {
      return { cert: undefined, key: undefined, passphrase: undefined, ca: resolvedCa, clientCertificate: false }
    }

    const certBuffer = toBuffer(cert)
    if (certBuffer === undefined) return yield* invalid("tls.cert", "tls.cert must be PEM text or bytes, not empty")
    const keyBuffer = toBuffer(Redacted.value(key as Redacted.Redacted<unknown>))
    if (keyBuffer === undefined) {
      return yield* invalid("tls.key", "tls.key must hold PEM text or bytes, not empty")
    }
    const passphraseValue = passphrase === undefined
      ? undefined
      : Redacted.value(passphrase as Redacted.Redacted<unknown>)
    if (passphraseValue !== undefined && typeof passphraseValue !== "string") {
      return yield* invalid("tls.passphrase", "tls.passphrase must hold a string")
    }

    let leaf: Crypto.X509Certificate
    try {
      const chain = parseCertificates(certBuffer)
      if (chain[0] === undefined) throw new Error("no certificate")
      leaf = chain[0]
    } catch (error) {
      return yield* invalid("tls.cert", `tls.cert is not a PEM or DER certificate${codeOf(error)}`)
    }

    let privateKey: Crypto.KeyObject
    try {
      privateKey = Crypto.createPrivateKey(
        passphraseValue === undefined ? { key: keyBuffer } : { key: keyBuffer, passphrase: passphraseValue }
      )
    } catch (error) {
      const code = codeOf(error)
      // Without a passphrase OpenSSL cancels the decryption of an encrypted key.
      const encrypted = /ENCRYPTED/.test(keyBuffer.toString("latin1", 0, 256))
      if (
        /BAD_DECRYPT|PASSPHRASE|INTERRUPTED_OR_CANCELLED/.test(code) || (encrypted && passphraseValue === undefined)
      ) {
        return yield* invalid(
          "tls.passphrase",
          `tls.key could not be decrypted: the passphrase is ${
            passphraseValue === undefined ? "missing" : "wrong"
          }${code}`
        )
      }
      return yield* invalid("tls.key", `tls.key is not a private key Node can read${code}`)
    }
    if (!leaf.checkPrivateKey(privateKey)) {
      return yield* invalid("tls.key", "tls.key is not the private key of tls.cert")
    }

    // Last guard: the exact options undici will hand to `tls.connect` build a secure context.
    try {
      Tls.createSecureContext({
        cert: certBuffer,
        key: keyBuffer,
        ...(passphraseValue === undefined ? {} : { passphrase: passphraseValue }),
        ...(resolvedCa === undefined ? {} : { ca: [...resolvedCa] })
      })
    } catch (error) {
      return yield* invalid("tls", `the TLS options do not make a usable TLS context${codeOf(error)}`)
    }

    return {
      cert: certBuffer,
      key: Redacted.make(keyBuffer),
      passphrase: passphraseValue === undefined ? undefined : Redacted.make(passphraseValue),
      ca: resolvedCa,
      clientCertificate: true
    }
  })

/** The `tls.connect` options for undici's connector: the only place the secrets are unwrapped. */
export const connectOptions = (tls: ResolvedTls | undefined): TlsConnectOptions => {
  if (tls === undefined) return {}
  return {
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: Redacted.value(tls.key) }),
    ...(tls.passphrase === undefined ? {} : { passphrase: Redacted.value(tls.passphrase) }),
    ...(tls.ca === undefined ? {} : { ca: [...tls.ca] })
  }
}
