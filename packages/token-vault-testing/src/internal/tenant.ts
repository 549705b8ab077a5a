import type * as Jwk from "effect/jose/Jwk"
import * as Result from "effect/Result"
import type {
  ClientAuthMethod,
  ClientConfig,
  FederatedIdentityConfig,
  SubjectTokenConfig,
  TenantConfig,
  UserConfig
} from "../TokenVaultEmulator.js"
import { fingerprintHex, parseDn, pemToDer } from "./certificates.js"
import type { SubjectTokenKind } from "./errors.js"
import { isIdentityStatus, TOKEN_PATH } from "./protocol.js"

/** @internal */
export interface IndexedSubjectToken {
  readonly kind: SubjectTokenKind
  readonly user: UserConfig
  /** Epoch seconds. */
  readonly expiresAt: number | undefined
  readonly clientId: string | undefined
  /** The thumbprint of the key the token is DPoP-bound to, if any. */
  readonly dpopJkt: string | undefined
}

/** What a client's mTLS authentication is checked against. @internal */
export interface ClientCredentials {
  /** `tlsClientAuthSubjectDn`, parsed (see `parseDn`). */
  readonly subjectDn: ReadonlyArray<string> | undefined
  /** Upper-case hex SHA-256 fingerprints of `selfSignedCertificates`. */
  readonly fingerprints: ReadonlySet<string>
  /** `private_key_jwt`: the imported `clientAssertionKeys`. */
  readonly assertionKeys: ReadonlyArray<Jwk.PublicKey>
}

/** The authentication methods a client uses when `authMethods` is not given. @internal */
export const DEFAULT_AUTH_METHODS: ReadonlyArray<ClientAuthMethod> = ["client_secret_post", "client_secret_basic"]

/**
 * A validated, indexed view of a {@link TenantConfig}.
 *
 * @internal
 */
export interface Tenant {
  readonly config: TenantConfig
  /** Lower-case `host[:port]` the tenant is reached at (the configured domain). */
  readonly host: string
  /** `https://{domain}` (or the scheme given in the domain). */
  readonly origin: string
  readonly issuer: string
  /** Origin used for the endpoint URLs of the discovery document. */
  readonly endpointOrigin: string
  readonly clients: ReadonlyMap<string, ClientConfig>
  readonly credentials: ReadonlyMap<string, ClientCredentials>
  readonly subjectTokens: ReadonlyMap<string, IndexedSubjectToken>
  readonly users: ReadonlyMap<string, UserConfig>
  /** Normalized origins (`scheme://host[:port]`) allowed to call the endpoints from a browser. */
  readonly allowedWebOrigins: ReadonlySet<string>
  /** The configured mTLS alias of the token endpoint (absolute URL), if any. */
  readonly mtlsEndpoint: string | undefined
}

const hasScheme = (domain: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(domain)

const parseUrl = (value: string): URL | undefined => {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/**
 * Parses a domain as users write it: `tenant.eu.auth0.com`, `tenant.eu.auth0.com/`,
 * `https://tenant.eu.auth0.com` or `http://127.0.0.1:4010`.
 *
 * @internal
 */
export const parseDomain = (domain: string): URL | undefined => {
  const trimmed = domain.trim()
  if (trimmed === "") return undefined
  const url = parseUrl(hasScheme(trimmed) ? trimmed : `https://${trimmed}`)
  if (url === undefined || url.host === "") return undefined
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined
  return url
}

/** @internal */
export const normalizeHost = (host: string): string => {
  const url = parseDomain(host)
  return url === undefined ? host.trim().toLowerCase() : url.host
}

/** `scheme://host[:port]` of an origin written as such (a trailing `/` is tolerated), else `undefined`. */
const parseOrigin = (origin: string): string | undefined => {
  const url = parseUrl(origin.trim())
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) return undefined
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    return undefined
  }
  return url.origin
}

const SECRET_METHODS: ReadonlyArray<ClientAuthMethod> = ["client_secret_post", "client_secret_basic"]

/** Checks that a client has what its authentication methods need. */
const clientCredentials = (
  client: ClientConfig,
  fingerprintOf: ReadonlyMap<string, string>,
  assertionKeys: ReadonlyArray<Jwk.PublicKey>
): Result.Result<ClientCredentials, string> => {
  const methods = client.authMethods ?? DEFAULT_AUTH_METHODS
  const secretMethod = methods.find((method) => SECRET_METHODS.includes(method))
  if (secretMethod !== undefined && (client.clientSecret === undefined || client.clientSecret === "")) {
    return Result.fail(`allows ${secretMethod} but has no clientSecret`)
  }
  let subjectDn: ReadonlyArray<string> | undefined = undefined
  if (client.tlsClientAuthSubjectDn !== undefined) {
    subjectDn = parseDn(client.tlsClientAuthSubjectDn)
    if (subjectDn === undefined) {
      return Result.fail(
        `has a tlsClientAuthSubjectDn that is not a DN: ${JSON.stringify(client.tlsClientAuthSubjectDn)}`
      )
    }
  }
  if (methods.includes("tls_client_auth") && subjectDn === undefined) {
    return Result.fail("allows tls_client_auth but has no tlsClientAuthSubjectDn")
  }
  const fingerprints = new Set<string>()
  for (const [index, pem] of (client.selfSignedCertificates ?? []).entries()) {
    const fingerprint = fingerprintOf.get(pem)
    if (fingerprint === undefined) {
      return Result.fail(`has selfSignedCertificates[${index}] that is not a PEM certificate`)
    }
    fingerprints.add(fingerprint)
  }
  if (methods.includes("self_signed_tls_client_auth") && fingerprints.size === 0) {
    return Result.fail("allows self_signed_tls_client_auth but has no selfSignedCertificates")
  }
  if (methods.includes("private_key_jwt") && assertionKeys.length === 0) {
    return Result.fail("allows private_key_jwt but has no clientAssertionKeys")
  }
  return Result.succeed({ subjectDn, fingerprints, assertionKeys })
}

/** An RFC 7638 SHA-256 thumbprint, base64url without padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/

/** A problem with a user's connected accounts (an unknown `status`), if any. */
const checkIdentities = (user: UserConfig): string | undefined => {
  for (const [connection, identities] of Object.entries(user.connections ?? {})) {
    for (const [index, identity] of identities.entries()) {
      if (identity.status !== undefined && !isIdentityStatus(identity.status)) {
        return `has connections[${JSON.stringify(connection)}][${index}] with an unknown status ${
          JSON.stringify(identity.status)
        }`
      }
    }
  }
  return undefined
}

const subjectTokenEntries = (
  user: UserConfig,
  kind: SubjectTokenKind,
  tokens: ReadonlyArray<SubjectTokenConfig> | undefined
): ReadonlyArray<readonly [string, IndexedSubjectToken]> =>
  (tokens ?? []).map((token) =>
    typeof token === "string"
      ? [token, { kind, user, expiresAt: undefined, clientId: undefined, dpopJkt: undefined }] as const
      : [
        token.token,
        { kind, user, expiresAt: token.expiresAt, clientId: token.clientId, dpopJkt: token.dpopJkt }
      ] as const
  )

/**
 * Validates and indexes a tenant configuration. Fails with a message naming the problem (never
 * a token or secret value). `fingerprintOf` maps each PEM of `selfSignedCertificates` that is a
 * certificate to its fingerprint (see {@link certificateFingerprints}); `assertionKeysOf` holds
 * each client's imported `clientAssertionKeys` (see `importAssertionKeys`).
 *
 * @internal
 */
export const makeTenant = (
  config: TenantConfig,
  fingerprintOf: ReadonlyMap<string, string>,
  assertionKeysOf: ReadonlyMap<string, ReadonlyArray<Jwk.PublicKey>>
): Result.Result<Tenant, string> => {
  const domainUrl = parseDomain(config.domain)
  if (domainUrl === undefined) {
    return Result.fail(`TenantConfig.domain is not a valid domain: ${JSON.stringify(config.domain)}`)
  }
  let issuer = `${domainUrl.origin}/`
  let endpointOrigin = domainUrl.origin
  if (config.issuer !== undefined) {
    const issuerUrl = parseUrl(config.issuer)
    if (issuerUrl === undefined || (issuerUrl.protocol !== "https:" && issuerUrl.protocol !== "http:")) {
      return Result.fail(`TenantConfig.issuer is not an absolute http(s) URL: ${JSON.stringify(config.issuer)}`)
    }
    issuer = config.issuer
    endpointOrigin = issuerUrl.origin
  }

  const clients = new Map<string, ClientConfig>()
  const credentials = new Map<string, ClientCredentials>()
  for (const client of config.clients) {
    if (client.clientId === "") return Result.fail("TenantConfig.clients: a client has an empty clientId")
    if (clients.has(client.clientId)) {
      return Result.fail(`TenantConfig.clients: clientId ${JSON.stringify(client.clientId)} is configured twice`)
    }
    const checked = clientCredentials(client, fingerprintOf, assertionKeysOf.get(client.clientId) ?? [])
    if (Result.isFailure(checked)) {
      return Result.fail(`TenantConfig.clients: client ${JSON.stringify(client.clientId)} ${checked.failure}`)
    }
    clients.set(client.clientId, client)
    credentials.set(client.clientId, checked.success)
  }

  const allowedWebOrigins = new Set<string>()
  for (const origin of config.allowedWebOrigins ?? []) {
    const normalized = parseOrigin(origin)
    if (normalized === undefined) {
      return Result.fail(
        `TenantConfig.allowedWebOrigins: ${JSON.stringify(origin)} is not an origin (scheme://host[:port])`
      )
    }
    allowedWebOrigins.add(normalized)
  }

  let mtlsEndpoint: string | undefined = undefined
  if (config.mtlsEndpoint !== undefined) {
    const url = parseUrl(config.mtlsEndpoint)
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
      return Result.fail(
        `TenantConfig.mtlsEndpoint is not an absolute http(s) URL: ${JSON.stringify(config.mtlsEndpoint)}`
      )
    }
    mtlsEndpoint = url.pathname === "/" ? `${url.origin}${TOKEN_PATH}` : url.href
  }

  const subjectTokens = new Map<string, IndexedSubjectToken>()
  const users = new Map<string, UserConfig>()
  for (const user of config.users) {
    if (users.has(user.userId)) {
      return Result.fail(`TenantConfig.users: userId ${JSON.stringify(user.userId)} is configured twice`)
    }
    users.set(user.userId, user)
    const identityProblem = checkIdentities(user)
    if (identityProblem !== undefined) {
      return Result.fail(`TenantConfig.users: user ${JSON.stringify(user.userId)} ${identityProblem}`)
    }
    const entries = [
      ...subjectTokenEntries(user, "access_token", user.accessTokens),
      ...subjectTokenEntries(user, "refresh_token", user.refreshTokens)
    ]
    for (const [token, entry] of entries) {
      if (token === "") {
        return Result.fail(`TenantConfig.users: user ${JSON.stringify(user.userId)} has an empty subject token`)
      }
      if (entry.dpopJkt !== undefined && !THUMBPRINT.test(entry.dpopJkt)) {
        return Result.fail(
          `TenantConfig.users: user ${
            JSON.stringify(user.userId)
          } has a dpopJkt that is not a base64url SHA-256 JWK thumbprint`
        )
      }
      const existing = subjectTokens.get(token)
      if (existing !== undefined) {
        return Result.fail(
          `TenantConfig.users: the same subject token is configured twice (users ${
            JSON.stringify(existing.user.userId)
          } and ${JSON.stringify(user.userId)})`
        )
      }
      subjectTokens.set(token, entry)
    }
  }

  return Result.succeed({
    config,
    host: domainUrl.host,
    origin: domainUrl.origin,
    issuer,
    endpointOrigin,
    clients,
    credentials,
    subjectTokens,
    users,
    allowedWebOrigins,
    mtlsEndpoint
  })
}

/**
 * The identities a user has for a connection, in configured order (the first is the primary).
 *
 * @internal
 */
export const identitiesFor = (user: UserConfig, connection: string): ReadonlyArray<FederatedIdentityConfig> => {
  const connections = user.connections
  if (connections === undefined || !Object.prototype.hasOwnProperty.call(connections, connection)) return []
  return connections[connection] ?? []
}

/**
 * The fingerprints of the configured self-signed client certificates, by PEM text: the one
 * asynchronous step of building a tenant (WebCrypto digests).
 *
 * @internal
 */
export const certificateFingerprints = (config: TenantConfig): Promise<ReadonlyMap<string, string>> =>
  Promise.all(
    config.clients.flatMap((client) => client.selfSignedCertificates ?? []).flatMap((pem) => {
      const der = pemToDer(pem)
      return der === undefined ? [] : [fingerprintHex(der).then((fingerprint) => [pem, fingerprint] as const)]
    })
  ).then((entries) => new Map(entries))
