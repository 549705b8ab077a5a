/**
 * The `exp` claim of a JWT subject token, in epoch milliseconds, read without verifying the
 * token (Auth0 verifies it; this only bounds how long a cached answer may outlive it). Opaque
 * tokens, refresh tokens among them, have no readable expiry: `undefined`.
 */
export const subjectTokenExpiry = (token: string): number | undefined => {
  const parts = token.split(".")
  if (parts.length !== 3) return undefined
  try {
    const base64 = parts[1]!.replace(/-/g, "+").replace(/_/g, "/")
    const payload: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")))
    const exp = typeof payload === "object" && payload !== null ? (payload as { exp?: unknown }).exp : undefined
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined
  } catch {
    return undefined
  }
}
