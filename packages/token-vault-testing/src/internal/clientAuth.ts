/**
 * Client authentication at the token endpoint: `client_secret_post` and `client_secret_basic`.
 *
 * @internal
 */
import type { ClientAuthMethod, ClientConfig, EmulatorResponse } from "../TokenVaultEmulator.js"
import * as Errors from "./errors.js"
import { param } from "./params.js"
import type { Tenant } from "./tenant.js"

/** @internal */
export type ClientAuthentication =
  | { readonly _tag: "Authenticated"; readonly client: ClientConfig; readonly method: ClientAuthMethod }
  | { readonly _tag: "Rejected"; readonly response: EmulatorResponse }

/** @internal */
export const DEFAULT_AUTH_METHODS: ReadonlyArray<ClientAuthMethod> = ["client_secret_post", "client_secret_basic"]

type BasicCredentials =
  | { readonly _tag: "None" }
  | { readonly _tag: "Malformed" }
  | { readonly _tag: "Basic"; readonly clientId: string; readonly clientSecret: string }

/** `application/x-www-form-urlencoded` decoding, as RFC 6749 §2.3.1 requires for Basic credentials. */
const formDecode = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "))
  } catch {
    return undefined
  }
}

const base64Decode = (value: string): string | undefined => {
  try {
    const binary = atob(value)
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

const basicCredentials = (authorization: string | undefined): BasicCredentials => {
  if (authorization === undefined) return { _tag: "None" }
  const match = /^basic\s+(.*)$/i.exec(authorization.trim())
  // Other schemes (e.g. Bearer) are not client authentication at the token endpoint.
  if (match === null) return { _tag: "None" }
  const decoded = base64Decode((match[1] ?? "").trim())
  if (decoded === undefined) return { _tag: "Malformed" }
  const colon = decoded.indexOf(":")
  if (colon < 0) return { _tag: "Malformed" }
  const clientId = formDecode(decoded.slice(0, colon))
  const clientSecret = formDecode(decoded.slice(colon + 1))
  if (clientId === undefined || clientSecret === undefined || clientId === "") return { _tag: "Malformed" }
  return { _tag: "Basic", clientId, clientSecret }
}

const verify = (
  tenant: Tenant,
  clientId: string,
  clientSecret: string,
  method: ClientAuthMethod
): ClientAuthentication => {
  const client = tenant.clients.get(clientId)
  if (client === undefined) return { _tag: "Rejected", response: Errors.unauthorizedClientCredentials() }
  const allowed = client.authMethods ?? DEFAULT_AUTH_METHODS
  if (!allowed.includes(method)) return { _tag: "Rejected", response: Errors.authMethodNotAllowed(method) }
  if (client.clientSecret !== clientSecret) {
    return { _tag: "Rejected", response: Errors.unauthorizedClientCredentials() }
  }
  return { _tag: "Authenticated", client, method }
}

/** @internal */
export const authenticateClient = (
  tenant: Tenant,
  headers: Readonly<Record<string, string>>,
  params: ReadonlyMap<string, string>
): ClientAuthentication => {
  const basic = basicCredentials(headers["authorization"])
  const bodyClientId = param(params, "client_id")
  const bodySecret = param(params, "client_secret")
  const hasAssertion = param(params, "client_assertion") !== undefined

  if (basic._tag === "Malformed") return { _tag: "Rejected", response: Errors.malformedAuthorizationHeader() }
  if (basic._tag === "Basic") {
    if (bodySecret !== undefined || hasAssertion) {
      return { _tag: "Rejected", response: Errors.multipleClientAuthentication() }
    }
    // RFC 6749 allows client_id in the body alongside Basic, provided it names the same client.
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      return { _tag: "Rejected", response: Errors.clientIdMismatch() }
    }
    return verify(tenant, basic.clientId, basic.clientSecret, "client_secret_basic")
  }
  if (hasAssertion) {
    if (bodySecret !== undefined) return { _tag: "Rejected", response: Errors.multipleClientAuthentication() }
    return { _tag: "Rejected", response: Errors.clientAssertionNotSupported() }
  }
  if (bodyClientId === undefined || bodySecret === undefined) {
    return { _tag: "Rejected", response: Errors.clientAuthenticationRequired() }
  }
  return verify(tenant, bodyClientId, bodySecret, "client_secret_post")
}
