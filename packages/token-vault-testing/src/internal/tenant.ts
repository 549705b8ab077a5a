import * as Either from "effect/Either"
import type {
  ClientConfig,
  FederatedIdentityConfig,
  SubjectTokenConfig,
  TenantConfig,
  UserConfig
} from "../TokenVaultEmulator.js"
import type { SubjectTokenKind } from "./errors.js"

/** @internal */
export interface IndexedSubjectToken {
  readonly kind: SubjectTokenKind
  readonly user: UserConfig
  /** Epoch seconds. */
  readonly expiresAt: number | undefined
  readonly clientId: string | undefined
}

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
  readonly subjectTokens: ReadonlyMap<string, IndexedSubjectToken>
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

const subjectTokenEntries = (
  user: UserConfig,
  kind: SubjectTokenKind,
  tokens: ReadonlyArray<SubjectTokenConfig> | undefined
): ReadonlyArray<readonly [string, IndexedSubjectToken]> =>
  (tokens ?? []).map((token) =>
    typeof token === "string"
      ? [token, { kind, user, expiresAt: undefined, clientId: undefined }] as const
      : [token.token, { kind, user, expiresAt: token.expiresAt, clientId: token.clientId }] as const
  )

/**
 * Validates and indexes a tenant configuration. Fails with a message naming the problem (never
 * a token or secret value).
 *
 * @internal
 */
export const makeTenant = (config: TenantConfig): Either.Either<Tenant, string> => {
  const domainUrl = parseDomain(config.domain)
  if (domainUrl === undefined) {
    return Either.left(`TenantConfig.domain is not a valid domain: ${JSON.stringify(config.domain)}`)
  }
  let issuer = `${domainUrl.origin}/`
  let endpointOrigin = domainUrl.origin
  if (config.issuer !== undefined) {
    const issuerUrl = parseUrl(config.issuer)
    if (issuerUrl === undefined || (issuerUrl.protocol !== "https:" && issuerUrl.protocol !== "http:")) {
      return Either.left(`TenantConfig.issuer is not an absolute http(s) URL: ${JSON.stringify(config.issuer)}`)
    }
    issuer = config.issuer
    endpointOrigin = issuerUrl.origin
  }

  const clients = new Map<string, ClientConfig>()
  for (const client of config.clients) {
    if (client.clientId === "") return Either.left("TenantConfig.clients: a client has an empty clientId")
    if (clients.has(client.clientId)) {
      return Either.left(`TenantConfig.clients: clientId ${JSON.stringify(client.clientId)} is configured twice`)
    }
    clients.set(client.clientId, client)
  }

  const subjectTokens = new Map<string, IndexedSubjectToken>()
  const userIds = new Set<string>()
  for (const user of config.users) {
    if (userIds.has(user.userId)) {
      return Either.left(`TenantConfig.users: userId ${JSON.stringify(user.userId)} is configured twice`)
    }
    userIds.add(user.userId)
    const entries = [
      ...subjectTokenEntries(user, "access_token", user.accessTokens),
      ...subjectTokenEntries(user, "refresh_token", user.refreshTokens)
    ]
    for (const [token, entry] of entries) {
      if (token === "") {
        return Either.left(`TenantConfig.users: user ${JSON.stringify(user.userId)} has an empty subject token`)
      }
      const existing = subjectTokens.get(token)
      if (existing !== undefined) {
        return Either.left(
          `TenantConfig.users: the same subject token is configured twice (users ${
            JSON.stringify(existing.user.userId)
          } and ${JSON.stringify(user.userId)})`
        )
      }
      subjectTokens.set(token, entry)
    }
  }

  return Either.right({
    config,
    host: domainUrl.host,
    origin: domainUrl.origin,
    issuer,
    endpointOrigin,
    clients,
    subjectTokens
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
