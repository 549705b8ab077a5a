import * as Result from "effect/Result"

const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"])
/** Whether `hostname` (as `URL` gives it) is a loopback host: `127.0.0.1`, `[::1]` or `localhost`. */
export const isLoopbackHost = (hostname: string): boolean => loopbackHosts.has(hostname)
const schemePattern = /^([a-z][a-z0-9+.-]*):\/\//i

/**
 * Turns the `domain` option into the origin of the tenant's token endpoint.
 *
 * Accepts `tenant.auth0.com`, `https://tenant.auth0.com`, either with a trailing slash, custom
 * domains and ports; `http` only for a loopback host. The reason on the left never repeats the
 * input, which may hold user-info.
 */
export const parseDomain = (input: string): Result.Result<string, string> => {
  if (input.length === 0) return Result.fail("domain must be a non-empty host name")
  if (/\s/.test(input)) return Result.fail("domain must not contain whitespace")
  const scheme = schemePattern.exec(input)?.[1]?.toLowerCase()
  if (scheme !== undefined && scheme !== "https" && scheme !== "http") {
    return Result.fail("domain must use https")
  }
  const rest = scheme === undefined ? input : input.slice(scheme.length + 3)
  const authority = rest.endsWith("/") ? rest.slice(0, -1) : rest
  if (authority.length === 0) return Result.fail("domain must name a host")
  if (authority.includes("@")) return Result.fail("domain must not contain user-info")
  if (/[/?#\\]/.test(authority)) return Result.fail("domain must be a host name only: no path, query or fragment")
  let url: URL
  try {
    url = new URL(`https://${authority}`)
  } catch {
    return Result.fail("domain is not a valid host name")
  }
  if (scheme === "http" && !loopbackHosts.has(url.hostname)) {
    return Result.fail("domain must use https (plain http is allowed only for 127.0.0.1, [::1] and localhost)")
  }
  return Result.succeed(`${scheme ?? "https"}://${url.host}`)
}

/**
 * Checks an absolute endpoint URL (the mTLS alias of the token endpoint): `https`, or `http` to a
 * loopback host; no user-info, query or fragment.
 */
export const parseEndpoint = (input: unknown): Result.Result<string, string> => {
  if (typeof input !== "string" || /\s/.test(input)) return Result.fail("must be an absolute URL without whitespace")
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return Result.fail("must be an absolute URL, e.g. https://mtls.tenant.auth0.com/oauth/token")
  }
  if (url.username !== "" || url.password !== "") return Result.fail("must not contain user-info")
  if (url.search !== "" || url.hash !== "" || input.includes("?") || input.includes("#")) {
    return Result.fail("must not have a query or fragment")
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && loopbackHosts.has(url.hostname))) {
    return Result.succeed(url.toString())
  }
  return Result.fail("must use https (plain http is allowed only for 127.0.0.1, [::1] and localhost)")
}
