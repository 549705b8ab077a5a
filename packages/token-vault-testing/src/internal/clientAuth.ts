/**
 * Client authentication at the token endpoint: `client_secret_post`, `client_secret_basic`, mTLS
 * (`tls_client_auth`: a CA-verified certificate whose subject DN matches;
 * `self_signed_tls_client_auth`: a certificate whose SHA-256 fingerprint is registered), and
 * `private_key_jwt` (see `clientAssertion.ts`).
 *
 * @internal
 */
import type * as Signature from "effect/crypto/Signature"
import * as Effect from "effect/Effect"
import type { ClientAuthMethod, ClientCertificate, ClientConfig, EmulatorResponse } from "../TokenVaultEmulator.js"
import { normalizeFingerprint, sameDn } from "./certificates.js"
import { type AssertionContext, authenticateByAssertion } from "./clientAssertion.js"
import * as Errors from "./errors.js"
import { param } from "./params.js"
import { DEFAULT_AUTH_METHODS, type Tenant } from "./tenant.js"

/** @internal */
export type ClientAuthentication =
  | { readonly _tag: "Authenticated"; readonly client: ClientConfig; readonly method: ClientAuthMethod }
  | { readonly _tag: "Rejected"; readonly response: EmulatorResponse }

/** Every method the emulator implements, as its discovery document lists them. @internal */
export const SUPPORTED_AUTH_METHODS: ReadonlyArray<ClientAuthMethod> = [
  "client_secret_post",
  "client_secret_basic",
  "tls_client_auth",
  "self_signed_tls_client_auth",
  "private_key_jwt"
]

const MTLS_METHODS: ReadonlyArray<ClientAuthMethod> = ["tls_client_auth", "self_signed_tls_client_auth"]

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
  if (client.clientSecret === undefined || client.clientSecret !== clientSecret) {
    return { _tag: "Rejected", response: Errors.unauthorizedClientCredentials() }
  }
  return { _tag: "Authenticated", client, method }
}

/**
 * mTLS: `client_id` in the body, no secret, and the certificate of the TLS connection. A client
 * allowed both mTLS methods passes with either.
 */
const authenticateMtls = (
  tenant: Tenant,
  client: ClientConfig,
  methods: ReadonlyArray<ClientAuthMethod>,
  certificate: ClientCertificate | undefined
): ClientAuthentication => {
  if (certificate === undefined) return { _tag: "Rejected", response: Errors.clientCertificateRequired() }
  const credentials = tenant.credentials.get(client.clientId)
  const caBased = methods.includes("tls_client_auth")
  const selfSigned = methods.includes("self_signed_tls_client_auth")
  if (caBased && certificate.verified && credentials?.subjectDn !== undefined) {
    if (sameDn(credentials.subjectDn, certificate.subjectDn)) {
      return { _tag: "Authenticated", client, method: "tls_client_auth" }
    }
  }
  if (selfSigned && credentials?.fingerprints.has(normalizeFingerprint(certificate.fingerprint256))) {
    return { _tag: "Authenticated", client, method: "self_signed_tls_client_auth" }
  }
  if (caBased && !selfSigned) {
    return {
      _tag: "Rejected",
      response: certificate.verified ? Errors.clientCertificateSubjectMismatch() : Errors.clientCertificateUntrusted()
    }
  }
  return { _tag: "Rejected", response: Errors.clientCertificateNotRegistered() }
}

/** A client assertion to check, or the outcome of the other methods. */
type Credentials = ClientAuthentication | { readonly _tag: "Assertion"; readonly assertion: string }

const credentialsOf = (
  tenant: Tenant,
  headers: Readonly<Record<string, string>>,
  params: ReadonlyMap<string, string>,
  certificate: ClientCertificate | undefined
): Credentials => {
  const basic = basicCredentials(headers["authorization"])
  const bodyClientId = param(params, "client_id")
  const bodySecret = param(params, "client_secret")
  const assertion = param(params, "client_assertion")

  if (basic._tag === "Malformed") return { _tag: "Rejected", response: Errors.malformedAuthorizationHeader() }
  if (basic._tag === "Basic") {
    if (bodySecret !== undefined || assertion !== undefined) {
      return { _tag: "Rejected", response: Errors.multipleClientAuthentication() }
    }
    // RFC 6749 allows client_id in the body alongside Basic, provided it names the same client.
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      return { _tag: "Rejected", response: Errors.clientIdMismatch() }
    }
    return verify(tenant, basic.clientId, basic.clientSecret, "client_secret_basic")
  }
  if (assertion !== undefined) {
    if (bodySecret !== undefined) return { _tag: "Rejected", response: Errors.multipleClientAuthentication() }
    return { _tag: "Assertion", assertion }
  }
  if (bodyClientId === undefined) return { _tag: "Rejected", response: Errors.clientAuthenticationRequired() }
  if (bodySecret === undefined) {
    // No secret: mTLS, if the client uses it.
    const client = tenant.clients.get(bodyClientId)
    const mtlsMethods = (client?.authMethods ?? DEFAULT_AUTH_METHODS).filter((method) => MTLS_METHODS.includes(method))
    if (client === undefined || mtlsMethods.length === 0) {
      return { _tag: "Rejected", response: Errors.clientAuthenticationRequired() }
    }
    return authenticateMtls(tenant, client, mtlsMethods, certificate)
  }
  return verify(tenant, bodyClientId, bodySecret, "client_secret_post")
}

/** @internal */
export const authenticateClient = (
  tenant: Tenant,
  headers: Readonly<Record<string, string>>,
  params: ReadonlyMap<string, string>,
  certificate: ClientCertificate | undefined,
  assertionContext: AssertionContext
): Effect.Effect<ClientAuthentication, never, Signature.Signature> => {
  const credentials = credentialsOf(tenant, headers, params, certificate)
  return credentials._tag === "Assertion"
    ? authenticateByAssertion(tenant, params, credentials.assertion, assertionContext)
    : Effect.succeed(credentials)
}
