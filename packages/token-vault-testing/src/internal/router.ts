/**
 * Routes a request to the emulated endpoints.
 *
 * @internal
 */
import type { EmulatorResponse } from "../TokenVaultEmulator.js"
import { discoveryDocument, jwksDocument } from "./discovery.js"
import * as Errors from "./errors.js"
import { DISCOVERY_PATH, JWKS_PATH, TOKEN_PATH } from "./protocol.js"
import { json } from "./responses.js"
import type { Tenant } from "./tenant.js"
import { handleTokenRequest } from "./tokenExchange.js"

/** A request with an upper-case method, lower-case header names and a parsed path. @internal */
export interface NormalizedRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const document = (method: string, body: Record<string, unknown>): EmulatorResponse => {
  const response = json(200, body, { "cache-control": "public, max-age=15" })
  return method === "HEAD" ? { ...response, body: "" } : response
}

/** @internal */
export const route = (tenant: Tenant, request: NormalizedRequest, nowMillis: number): EmulatorResponse => {
  switch (request.path) {
    case TOKEN_PATH:
      return request.method === "POST"
        ? handleTokenRequest(tenant, request.headers, request.body, nowMillis)
        : Errors.methodNotAllowed(request.method, ["POST"])
    case DISCOVERY_PATH:
      return request.method === "GET" || request.method === "HEAD"
        ? document(request.method, discoveryDocument(tenant))
        : Errors.methodNotAllowed(request.method, ["GET", "HEAD"])
    case JWKS_PATH:
      return request.method === "GET" || request.method === "HEAD"
        ? document(request.method, jwksDocument())
        : Errors.methodNotAllowed(request.method, ["GET", "HEAD"])
    default:
      return Errors.notFound()
  }
}
