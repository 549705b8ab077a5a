import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js"
import * as Redacted from "effect/Redacted"
import type { SubjectTokenKind } from "./protocol.js"

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
 * digest, so a key never holds a token. The digest is synchronous (`@noble/hashes`): it needs no
 * WebCrypto, which some runtimes lack outside secure contexts, and costs no round trip to a
 * thread pool. JSON keeps the parts unambiguous.
 */
export const cacheKey = (parts: KeyParts): string =>
  JSON.stringify([
    parts.origin,
    parts.clientId,
    parts.connection,
    parts.loginHint ?? null,
    parts.subjectTokenKind,
    bytesToHex(sha256(utf8ToBytes(Redacted.value(parts.subjectToken))))
  ])
