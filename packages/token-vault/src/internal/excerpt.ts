const excerptLength = 160
const sensitiveKey = /token|secret|assertion|password|code|key/i
const redactedMark = "<redacted>"
/** Runs of token characters long enough to be a credential (JWTs, opaque provider tokens). */
const tokenLike = /[A-Za-z0-9._~+/=-]{16,}/g
const looksLikeToken = (run: string) => /[0-9]/.test(run) && /[A-Za-z]/.test(run)

const redactJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(redactJson)
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] = sensitiveKey.test(key) && inner !== null && typeof inner !== "object" ? redactedMark : redactJson(inner)
    }
    return out
  }
  return value
}

/**
 * `text` on one line, with every known secret of the request (subject token, client secret) cut
 * out wherever it appears, and any long run of letters and digits that could be a token, then
 * shortened to `maxLength` characters. For whatever a server sent that ends up in an error.
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>, maxLength: number = excerptLength): string => {
  let out = text
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join(redactedMark)
  }
  out = out.replace(tokenLike, (run) => (looksLikeToken(run) ? redactedMark : run)).replace(/\s+/g, " ").trim()
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out
}

/**
 * A short, single-line excerpt of a response body for an error message: values of JSON keys that
 * look like credentials are replaced, then the text is {@link scrub}bed.
 */
export const excerpt = (body: string, json: unknown, secrets: ReadonlyArray<string>): string =>
  scrub(json === undefined ? body : JSON.stringify(redactJson(json)), secrets)
