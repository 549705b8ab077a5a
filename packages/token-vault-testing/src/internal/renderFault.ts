/**
 * How each HTTP-answer {@link Fault} answers. Nothing here reads the request, so no fault can
 * echo a secret from it.
 *
 * @internal
 */
import type { Fault } from "../Fault.js"
import type { EmulatorResponse } from "../TokenVaultEmulator.js"
import { REQUESTED_TOKEN_TYPE } from "./protocol.js"
import { json, oauthError, text } from "./responses.js"

/** @internal */
export const DEFAULT_HTML_BODY = "<!DOCTYPE html><html><head><title>Auth0</title></head><body>" +
  "<h1>Oops!, something went wrong</h1>" +
  "<p>There could be a misconfiguration in the system or a service outage.</p></body></html>"

/** @internal */
export const DEFAULT_TEXT_BODY = "upstream connect error or disconnect/reset before headers"

const REASONS: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** A short HTML page naming the status, as a gateway in front of the tenant sends. @internal */
export const serverErrorBody = (status: number): string => {
  const title = `${status} ${REASONS[status] ?? "Error"}`
  return `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`
}

/** The faults {@link renderFault} answers: those that are plain HTTP answers. @internal */
export type HttpFault = Extract<
  Fault,
  { readonly _tag: "Html" | "NonJson" | "WrongTypes" | "EmptyBody" | "ServerError" | "RateLimited" | "Custom" }
>

const numberHeaders = (entries: ReadonlyArray<readonly [string, number | undefined]>): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of entries) {
    if (value !== undefined) headers[name] = String(value)
  }
  return headers
}

/** What `RateLimited` sends for a limit when none is given, as Auth0's 429s do. @internal */
export const DEFAULT_RATE_LIMIT = 10

/**
 * The answer of `fault` at `nowMillis` (the emulator's `Clock`): a `RateLimited` without `reset`
 * names the next whole second past `retryAfter` (or one second) from then.
 *
 * @internal
 */
export const renderFault = (fault: HttpFault, nowMillis: number): EmulatorResponse => {
  switch (fault._tag) {
    case "Html":
      return text(fault.status, "text/html; charset=utf-8", fault.body ?? DEFAULT_HTML_BODY)
    case "NonJson":
      return text(fault.status, "text/plain; charset=utf-8", fault.body ?? DEFAULT_TEXT_BODY)
    case "WrongTypes":
      return json(fault.status, {
        access_token: 1234567890,
        expires_in: "3600",
        token_type: "Bearer",
        issued_token_type: REQUESTED_TOKEN_TYPE
      })
    case "EmptyBody":
      return { status: fault.status, headers: { "content-type": "application/json; charset=utf-8" }, body: "" }
    case "ServerError":
      return text(fault.status, "text/html; charset=utf-8", fault.body ?? serverErrorBody(fault.status))
    case "RateLimited":
      return oauthError(
        429,
        "too_many_requests",
        "Global limit has been reached",
        numberHeaders([
          ["retry-after", fault.retryAfter],
          ["x-ratelimit-limit", fault.limit ?? DEFAULT_RATE_LIMIT],
          ["x-ratelimit-remaining", fault.remaining ?? 0],
          ["x-ratelimit-reset", fault.reset ?? Math.floor(nowMillis / 1000) + (fault.retryAfter ?? 1)]
        ])
      )
    case "Custom":
      return { status: fault.status, headers: { ...fault.headers }, body: fault.body }
  }
}
