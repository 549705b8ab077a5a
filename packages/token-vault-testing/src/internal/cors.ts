/**
 * CORS for the tenant's allowed web origins, as Auth0 answers browsers calling `/oauth/token`
 * (and the discovery documents) from an SPA's origin.
 *
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) to a known path is
 *   answered 204. From an allowed origin it carries `access-control-allow-origin: <origin>`, the
 *   path's methods, the request headers a token client sends (the requested ones echoed when all
 *   are acceptable, else the fixed list, which the browser then finds lacking) and a max age; from
 *   any other origin it carries no CORS header at all, so the browser blocks the request.
 * - Any other answer to an allowed origin carries `access-control-allow-origin` and exposes the
 *   rate-limit headers and `DPoP-Nonce`.
 * - With allowed origins configured, every answer carries `vary: origin`.
 *
 * Trace-context headers (`traceparent`, `tracestate`, `b3`, …) are not acceptable: a browser
 * client that propagates them fails its preflight, as it would against Auth0.
 *
 * @internal
 */
import type { EmulatorResponse } from "../TokenVaultEmulator.js"
import { DPOP_HEADER, DPOP_NONCE_HEADER, FORWARDED_FOR_HEADER } from "./protocol.js"
import type { NormalizedRequest } from "./router.js"
import { methodsFor } from "./router.js"
import type { Tenant } from "./tenant.js"

/** The request headers a browser token client needs beyond the CORS-safelisted ones. @internal */
export const ALLOWED_REQUEST_HEADERS: ReadonlyArray<string> = [
  "content-type",
  "auth0-client",
  "authorization",
  DPOP_HEADER,
  FORWARDED_FOR_HEADER
]

/** Also acceptable when a browser lists them (CORS-safelisted names, listed when their value is not). */
const ACCEPTABLE_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  ...ALLOWED_REQUEST_HEADERS,
  "accept",
  "accept-language",
  "content-language"
])

/** Seconds a browser may cache a preflight answer. @internal */
export const MAX_AGE_SECONDS = 86400

/** Response headers a browser script may read besides the safelisted ones. @internal */
export const EXPOSED_HEADERS: ReadonlyArray<string> = [
  "x-auth0-requestid",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  DPOP_NONCE_HEADER
]

/** @internal */
export const isPreflight = (request: NormalizedRequest): boolean =>
  request.method === "OPTIONS" &&
  request.headers["origin"] !== undefined &&
  request.headers["access-control-request-method"] !== undefined

const allowedOrigin = (tenant: Tenant, headers: Readonly<Record<string, string>>): string | undefined => {
  const origin = headers["origin"]
  return origin !== undefined && tenant.allowedWebOrigins.has(origin) ? origin : undefined
}

const withVary = (tenant: Tenant, headers: Record<string, string>): Record<string, string> => {
  if (tenant.allowedWebOrigins.size === 0) return headers
  const vary = headers["vary"]
  return { ...headers, vary: vary === undefined || vary === "" ? "origin" : `${vary}, origin` }
}

/** The request headers to allow: the requested ones when all are acceptable, else the fixed list. */
const allowHeaders = (requested: string | undefined): string => {
  if (requested === undefined) return ALLOWED_REQUEST_HEADERS.join(", ")
  const names = requested.split(",").map((name) => name.trim().toLowerCase()).filter((name) => name !== "")
  return names.length > 0 && names.every((name) => ACCEPTABLE_REQUEST_HEADERS.has(name))
    ? names.join(", ")
    : ALLOWED_REQUEST_HEADERS.join(", ")
}

/**
 * The answer to a CORS preflight, or `undefined` when the request is not one to a known path (it
 * is then routed like any request).
 *
 * @internal
 */
export const preflight = (tenant: Tenant, request: NormalizedRequest): EmulatorResponse | undefined => {
  if (!isPreflight(request)) return undefined
  const methods = methodsFor(request.path)
  if (methods === undefined) return undefined
  const origin = allowedOrigin(tenant, request.headers)
  const headers: Record<string, string> = origin === undefined
    ? {}
    : {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": methods.join(", "),
      "access-control-allow-headers": allowHeaders(request.headers["access-control-request-headers"]),
      "access-control-max-age": String(MAX_AGE_SECONDS)
    }
  return { status: 204, headers: withVary(tenant, headers), body: "" }
}

/** The headers of a (non-preflight) answer, with CORS headers for an allowed origin. @internal */
export const withCors = (
  tenant: Tenant,
  requestHeaders: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>>
): Readonly<Record<string, string>> => {
  const origin = allowedOrigin(tenant, requestHeaders)
  const cors = origin === undefined
    ? { ...headers }
    : {
      ...headers,
      "access-control-allow-origin": origin,
      "access-control-expose-headers": EXPOSED_HEADERS.join(", ")
    }
  return withVary(tenant, cors)
}
