const maxLength = 160
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
 * A short, single-line excerpt of a response body for an error message. Values of JSON keys that
 * look like credentials are replaced, every known secret of the request (subject token, client
 * secret) is cut out wherever it appears, so is any long run of letters and digits that could be
 * a token, and the result is shortened.
 */
export const excerpt = (body: string, json: unknown, secrets: ReadonlyArray<string>): string => {
  let text = json === undefined ? body : JSON.stringify(redactJson(json))
  for (const secret of secrets) {
    if (secret.length > 0) text = text.split(secret).join(redactedMark)
  }
  text = text.replace(tokenLike, (run) => (looksLikeToken(run) ? redactedMark : run)).replace(/\s+/g, " ").trim()
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text
}
