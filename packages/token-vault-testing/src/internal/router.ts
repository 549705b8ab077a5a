/**
 * Routes a request to the emulated endpoints.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { ClientCertificate, EmulatorResponse } from "../TokenVaultEmulator.js"
import { discoveryDocument, jwksDocument } from "./discovery.js"
import * as Errors from "./errors.js"
import type { JoseServices } from "./jose.js"
import { DISCOVERY_PATH, JWKS_PATH, TOKEN_PATH } from "./protocol.js"
import { json } from "./responses.js"
import type { Tenant } from "./tenant.js"
import { handleTokenRequest, type TokenEndpointState } from "./tokenExchange.js"

/** A request with an upper-case method, lower-case header names and a parsed path. @internal */
export interface NormalizedRequest {
  readonly method: string
  readonly path: string
  /** The absolute URL the request was made to, when it can be told. */
  readonly url: URL | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The TLS client certificate of the connection, if any. */
  readonly certificate: ClientCertificate | undefined
}

/** State of the running emulator that answers depend on. @internal */
export interface RouteContext {
  readonly nowMillis: number
  /** The mTLS alias of the token endpoint to advertise, if any. */
  readonly mtlsTokenEndpoint: string | undefined
  readonly tokenEndpoint: TokenEndpointState
}

/** The methods each path answers (for 405s and CORS preflights); `undefined` for unknown paths. @internal */
export const methodsFor = (path: string): ReadonlyArray<string> | undefined => {
  switch (path) {
    case TOKEN_PATH:
      return ["POST"]
    case DISCOVERY_PATH:
    case JWKS_PATH:
      return ["GET", "HEAD"]
    default:
      return undefined
  }
}

const document = (method: string, body: Record<string, unknown>): EmulatorResponse => {
  const response = json(200, body, { "cache-control": "public, max-age=15" })
  return method === "HEAD" ? { ...response, body: "" } : response
}

/** @internal */
export const route = (
  tenant: Tenant,
  request: NormalizedRequest,
  context: RouteContext
): Effect.Effect<EmulatorResponse, never, JoseServices> => {
  switch (request.path) {
    case TOKEN_PATH:
      return request.method === "POST"
        ? handleTokenRequest(tenant, context.tokenEndpoint, {
          headers: request.headers,
          body: request.body,
          certificate: request.certificate,
          url: request.url,
          nowMillis: context.nowMillis
        })
        : Effect.succeed(Errors.methodNotAllowed(request.method, ["POST"]))
    case DISCOVERY_PATH:
      return Effect.succeed(
        request.method === "GET" || request.method === "HEAD"
          ? document(request.method, discoveryDocument(tenant, context.mtlsTokenEndpoint))
          : Errors.methodNotAllowed(request.method, ["GET", "HEAD"])
      )
    case JWKS_PATH:
      return Effect.succeed(
        request.method === "GET" || request.method === "HEAD"
          ? document(request.method, jwksDocument())
          : Errors.methodNotAllowed(request.method, ["GET", "HEAD"])
      )
    default:
      return Effect.succeed(Errors.notFound())
  }
}
