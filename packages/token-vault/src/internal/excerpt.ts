import { formEncode } from "./formEncode.js"

const excerptLength = 160
const sensitiveKey = /token|secret|assertion|password|code|key/i
const redactedMark = "<redacted>"
/** Runs of token characters long enough to be a credential (JWTs, opaque provider tokens). */
const tokenLike = /[A-Za-z0-9._~+/=-]{16,}/g
const looksLikeToken = (run: string) => /[0-9]/.test(run) && /[A-Za-z]/.test(run)

/** JSON nested deeper than this is cut: an excerpt shows 160 characters, and recursion has a limit. */
const maxDepth = 32

/** A secret as a server may echo it: as sent, form-encoded or percent-encoded, or escaped in JSON. */
const echoesOf = (secret: string): ReadonlyArray<string> => {
  let percentEncoded = secret
  try {
    percentEncoded = encodeURIComponent(secret)
  } catch {
    // A lone surrogate: the form encoding below covers what was sent.
  }
  // Longest first: an encoded copy may contain the raw one.
  return [...new Set([secret, formEncode(secret), percentEncoded, JSON.stringify(secret).slice(1, -1)])]
    .sort((a, b) => b.length - a.length)
}

/** `text` with every echo of every secret replaced. */
const cutSecrets = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
  for (const secret of secrets) {
    if (secret.length === 0) continue
    for (const echo of echoesOf(secret)) out = out.split(echo).join(redactedMark)
  }
  return out
}

/** A JSON value with credential-looking keys' values and the secrets in its strings replaced. */
const redactJson = (value: unknown, secrets: ReadonlyArray<string>, depth = 0): unknown => {
  if (typeof value === "string") return cutSecrets(value, secrets)
  if (typeof value !== "object" || value === null) return value
  if (depth >= maxDepth) return "…"
  if (Array.isArray(value)) return value.map((inner) => redactJson(inner, secrets, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    out[cutSecrets(key, secrets)] = sensitiveKey.test(key) && inner !== null && typeof inner !== "object"
      ? redactedMark
      : redactJson(inner, secrets, depth + 1)
  }
  return out
}

/**
 * `text` on one line, with every known secret of the request (subject token, client secret) cut
 * out wherever it appears (as sent, encoded or escaped), and any long run of letters and digits that could be a token, then
 * shortened to `maxLength` characters. For whatever a server sent that ends up in an error.
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>, maxLength: number = excerptLength): string => {
  const out = cutSecrets(text, secrets)
    .replace(tokenLike, (run) => (looksLikeToken(run) ? redactedMark : run)).replace(/\s+/g, " ").trim()
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out
}

/**
 * A short, single-line excerpt of a response body for an error message: values of JSON keys that
 * look like credentials are replaced, then the text is {@link scrub}bed.
 */
export const excerpt = (body: string, json: unknown, secrets: ReadonlyArray<string>): string =>
  scrub(json === undefined ? body : JSON.stringify(redactJson(json, secrets)), secrets)
