import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { type Sha256 } from "./digest.js"
import type { SubjectTokenKind } from "./protocol.js"

/** What identifies one exchange's result: everything that changes Auth0's answer. */
export interface KeyParts {
  readonly connection: string
  readonly loginHint: string | undefined
  /** The requested scopes, space-delimited; the same set in any order makes the same key. */
  readonly scope: string | undefined
  readonly subjectTokenKind: SubjectTokenKind
  readonly subjectToken: Redacted.Redacted<string>
}

/** The scopes of a space-delimited list, sorted and without repeats, space-delimited. */
const scopeSet = (scope: string): string => [...new Set(scope.split(" ").filter((s) => s !== ""))].sort().join(" ")

/**
 * Makes the cache and coalescing keys of one client (its tenant and client id). The subject
 * token enters only as its SHA-256 digest, so a key never holds a token. `JSON.stringify` keeps
 * the parts unambiguous and makes one flat string: a key is kept as long as its cache entry, and
 * a concatenated one would keep the tree of its parts. With a synchronous digest the key is
 * ready at once, with no effect to run.
 */
export const makeCacheKey = (origin: string, clientId: string, sha256: Sha256) => {
  const assemble = (parts: KeyParts, digest: string) =>
    JSON.stringify([
      origin,
      clientId,
      parts.connection,
      parts.loginHint ?? null,
      parts.scope === undefined ? null : scopeSet(parts.scope),
      parts.subjectTokenKind,
      digest
    ])
  return sha256._tag === "Sync"
    ? (parts: KeyParts): Effect.Effect<string> | string =>
      assemble(parts, sha256.digest(Redacted.value(parts.subjectToken)))
    : (parts: KeyParts): Effect.Effect<string> | string =>
      Effect.map(sha256.digest(Redacted.value(parts.subjectToken)), (digest) => assemble(parts, digest))
}
