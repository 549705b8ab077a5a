import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { SubjectTokenKind } from "./protocol.js"

const encoder = new TextEncoder()

const toHex = (buffer: ArrayBuffer) => {
  const bytes = new Uint8Array(buffer)
  let hex = ""
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, "0")
  return hex
}

/** What identifies one exchange's result: everything that changes Auth0's answer. */
export interface KeyParts {
  readonly origin: string
  readonly clientId: string
  readonly connection: string
  readonly loginHint: string | undefined
  readonly subjectTokenKind: SubjectTokenKind
  readonly subjectToken: Redacted.Redacted<string>
}

/**
 * The cache and coalescing key of an exchange. The subject token enters only as its SHA-256
 * digest (WebCrypto), so a key never holds a token. JSON keeps the parts unambiguous.
 */
export const cacheKey = (parts: KeyParts): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() => crypto.subtle.digest("SHA-256", encoder.encode(Redacted.value(parts.subjectToken)))),
    (digest) =>
      JSON.stringify([parts.origin, parts.clientId, parts.connection, parts.loginHint ?? null, parts.subjectTokenKind, toHex(digest)])
  )
