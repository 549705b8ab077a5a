/**
 * An emulator of an Auth0 tenant's token endpoint for Token Vault: the tenant model (clients,
 * users, their Auth0 tokens, connected accounts with federated token sets), the request handler,
 * the record of requests received, and fault injection.
 *
 * Serve it in memory with `EmulatorHttpClient` or on loopback with `EmulatorServer`.
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import type * as Fault from "./Fault.js"
import { formOf } from "./internal/params.js"
import * as Protocol from "./internal/protocol.js"
import { renderFault } from "./internal/renderFault.js"
import { route } from "./internal/router.js"
import { makeTenant, normalizeHost } from "./internal/tenant.js"

// -----------------------------------------------------------------------------
// tenant model
// -----------------------------------------------------------------------------

/**
 * How a client authenticates at the token endpoint.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientAuthMethod = "client_secret_post" | "client_secret_basic"

/**
 * An application registered in the tenant.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const client: TokenVaultEmulator.ClientConfig = {
 *   clientId: "backend-api",
 *   clientSecret: "backend-secret",
 *   authMethods: ["client_secret_basic"]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientConfig {
  readonly clientId: string
  readonly clientSecret: string
  /** The authentication methods the client may use. Default: both. */
  readonly authMethods?: ReadonlyArray<ClientAuthMethod>
  /** Whether the Token Vault grant is enabled for the client. Default: `true`. */
  readonly tokenVaultGrant?: boolean
}

/**
 * An Auth0 access or refresh token held by a user: the token string, or the token with an expiry
 * (epoch seconds, compared with Effect's `Clock`) and the client it was issued to (any client
 * when absent).
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const plain: TokenVaultEmulator.SubjectTokenConfig = "at-alice"
 * const expiring: TokenVaultEmulator.SubjectTokenConfig = { token: "at-alice-2", expiresAt: 3600, clientId: "backend-api" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SubjectTokenConfig =
  | string
  | {
    readonly token: string
    /** Epoch seconds after which the token is expired. */
    readonly expiresAt?: number
    /** The only client that may exchange this token. */
    readonly clientId?: string
  }

/**
 * One connected account of a user at a connection, with the federated token set Token Vault holds
 * for it.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const work: TokenVaultEmulator.FederatedIdentityConfig = {
 *   loginHint: "alice@work.example",
 *   accessToken: "ya29.work",
 *   scope: "https://www.googleapis.com/auth/calendar",
 *   expiresIn: 1377
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FederatedIdentityConfig {
  /** The value a `login_hint` must equal to select this identity. */
  readonly loginHint?: string
  /** The provider's access token returned by the exchange. */
  readonly accessToken: string
  /** Space-delimited scopes; `scope` is omitted from the answer when absent. */
  readonly scope?: string
  /** Seconds; default 3600. */
  readonly expiresIn?: number
}

/**
 * A user of the tenant: the Auth0 tokens that identify them and their connected accounts per
 * connection name (the first identity of a connection is the primary one).
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const alice: TokenVaultEmulator.UserConfig = {
 *   userId: "auth0|alice",
 *   accessTokens: ["at-alice"],
 *   refreshTokens: ["rt-alice"],
 *   connections: { "google-oauth2": [{ loginHint: "alice@example.com", accessToken: "ya29.alice" }] }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface UserConfig {
  readonly userId: string
  readonly accessTokens?: ReadonlyArray<SubjectTokenConfig>
  readonly refreshTokens?: ReadonlyArray<SubjectTokenConfig>
  readonly connections?: Readonly<Record<string, ReadonlyArray<FederatedIdentityConfig>>>
}

/**
 * The emulated tenant.
 *
 * `domain` is written as for Auth0 (`tenant.eu.auth0.com`) or with a scheme
 * (`http://127.0.0.1:4010`); it sets the host the in-memory client answers for and, unless
 * `issuer` overrides it, the discovery document's `issuer` (`https://{domain}/`) and endpoints.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const tenant: TokenVaultEmulator.TenantConfig = {
 *   domain: "tenant.example.com",
 *   clients: [{ clientId: "app", clientSecret: "app-secret" }],
 *   users: [{
 *     userId: "auth0|alice",
 *     refreshTokens: ["rt-alice"],
 *     connections: { "google-oauth2": [{ accessToken: "ya29.alice", scope: "openid" }] }
 *   }]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TenantConfig {
  readonly domain: string
  /** Overrides the discovery document's `issuer`; its origin is used for the endpoint URLs. */
  readonly issuer?: string
  readonly clients: ReadonlyArray<ClientConfig>
  readonly users: ReadonlyArray<UserConfig>
  /**
   * Whether the emulator keeps a record of the requests it receives. Default `true`; turn it off
   * for benchmarks and long runs, where the record would only grow.
   */
  readonly recordRequests?: boolean
}

// -----------------------------------------------------------------------------
// requests and answers
// -----------------------------------------------------------------------------

/**
 * A request as the emulator sees it. `url` is a path with query (`/oauth/token`) or absolute.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const request: TokenVaultEmulator.EmulatorRequest = {
 *   method: "GET",
 *   url: "/.well-known/openid-configuration",
 *   headers: {},
 *   body: ""
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorRequest {
  readonly method: string
  readonly url: string
  /** Header names in lower case (others are lower-cased on arrival). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * An HTTP answer of the emulator. Header names are lower case.
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * What a transport must do with a request. Today every outcome is `Respond`; transport-level
 * faults (reset the connection, stall or trickle the body, delay) will add variants, and the
 * transports (`EmulatorHttpClient`, `EmulatorServer`) switch on `_tag`.
 *
 * @since 0.1.0
 * @category models
 */
export type EmulatorOutcome = Respond

/**
 * Answer with this HTTP response.
 *
 * @since 0.1.0
 * @category models
 */
export interface Respond {
  readonly _tag: "Respond"
  readonly response: EmulatorResponse
}

/**
 * A request the emulator received. `form` is the parsed body when it is
 * `application/x-www-form-urlencoded`, an empty object otherwise; `at` is `Clock` milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The path, without the query string. */
  readonly path: string
  /** The URL as received (path and query, or absolute). */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly form: Readonly<Record<string, string>>
  readonly rawBody: string
  readonly at: number
}

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * A running emulator. All state (recorded requests, the current fault) belongs to the instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenVaultEmulator {
  readonly config: TenantConfig
  /** The configured domain, as given. */
  readonly domain: string
  /** `https://{domain}`, or the scheme and host given in the domain. */
  readonly origin: string
  /** The `issuer` of the discovery document. */
  readonly issuer: string
  /** Records the request, then answers it (with the current fault, if one is set). */
  readonly handle: (request: EmulatorRequest) => Effect.Effect<EmulatorResponse>
  /** Like `handle`, but returns what a transport must do. Transports call this. */
  readonly dispatch: (request: EmulatorRequest) => Effect.Effect<EmulatorOutcome>
  /** Every request received, oldest first (none when `recordRequests` is `false`). */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  readonly clearRequests: Effect.Effect<void>
  /** The current fault, if any. */
  readonly fault: Effect.Effect<Fault.Fault | undefined>
  /** Sets (or, with `undefined`, clears) the fault every following request is answered with. */
  readonly setFault: (fault: Fault.Fault | undefined) => Effect.Effect<void>
  /** Whether the in-memory client routes requests for this `host[:port]` to the emulator. */
  readonly acceptsHost: (host: string) => Effect.Effect<boolean>
  /** Adds a `host[:port]` the emulator answers for, until the scope closes. */
  readonly addHost: (host: string) => Effect.Effect<void, never, Scope.Scope>
}

/**
 * The emulator as a service, for tests that build it with a layer and read its record.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const lastPath = Effect.gen(function* () {
 *   const emulator = yield* TokenVaultEmulator.TokenVaultEmulator
 *   const requests = yield* emulator.requests
 *   return requests.at(-1)?.path
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export const TokenVaultEmulator: Context.Tag<TokenVaultEmulator, TokenVaultEmulator> = Context.GenericTag<
  TokenVaultEmulator
>("@effect-auth0/token-vault-testing/TokenVaultEmulator")

/**
 * The Token Vault grant type.
 *
 * @since 0.1.0
 * @category constants
 */
export const GRANT_TYPE: string = Protocol.GRANT_TYPE

/**
 * `subject_token_type` for an Auth0 access token.
 *
 * @since 0.1.0
 * @category constants
 */
export const SUBJECT_TOKEN_TYPE_ACCESS_TOKEN: string = Protocol.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN

/**
 * `subject_token_type` for an Auth0 refresh token.
 *
 * @since 0.1.0
 * @category constants
 */
export const SUBJECT_TOKEN_TYPE_REFRESH_TOKEN: string = Protocol.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN

/**
 * `requested_token_type` (and the answer's `issued_token_type`) of the Token Vault grant.
 *
 * @since 0.1.0
 * @category constants
 */
export const REQUESTED_TOKEN_TYPE: string = Protocol.REQUESTED_TOKEN_TYPE

const normalizeHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const normalized: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase()
    const existing = normalized[key]
    normalized[key] = existing === undefined ? value : `${existing}, ${value}`
  }
  return normalized
}

const pathOf = (url: string, origin: string): string => {
  try {
    return new URL(url, origin).pathname
  } catch {
    return url
  }
}

/**
 * Builds an emulator for a tenant. A configuration that cannot work (unparseable domain, a client
 * id or subject token configured twice) is a defect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.gen(function* () {
 *   const emulator = yield* TokenVaultEmulator.make({
 *     domain: "tenant.example.com",
 *     clients: [{ clientId: "app", clientSecret: "app-secret" }],
 *     users: []
 *   })
 *   const response = yield* emulator.handle({
 *     method: "GET",
 *     url: "/.well-known/openid-configuration",
 *     headers: {},
 *     body: ""
 *   })
 *   return response.status // 200
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: TenantConfig): Effect.Effect<TokenVaultEmulator> =>
  Effect.gen(function*() {
    const parsed = makeTenant(config)
    if (Either.isLeft(parsed)) return yield* Effect.dieMessage(`TokenVaultEmulator: ${parsed.left}`)
    const tenant = parsed.right
    const recorded = yield* Ref.make(Chunk.empty<RecordedRequest>())
    const recordRequests = config.recordRequests ?? true
    const currentFault = yield* Ref.make<Fault.Fault | undefined>(undefined)
    const extraHosts = yield* Ref.make<ReadonlyArray<string>>([])

    const dispatch = (request: EmulatorRequest): Effect.Effect<EmulatorOutcome> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const headers = normalizeHeaders(request.headers)
        const method = request.method.toUpperCase()
        const path = pathOf(request.url, tenant.origin)
        if (recordRequests) {
          yield* Ref.update(recorded, Chunk.append<RecordedRequest>({
            method,
            path,
            url: request.url,
            headers,
            form: formOf(headers["content-type"], request.body),
            rawBody: request.body,
            at: now
          }))
        }
        const fault = yield* Ref.get(currentFault)
        const response = fault === undefined
          ? route(tenant, { method, path, headers, body: request.body }, now)
          : renderFault(fault)
        return { _tag: "Respond", response } as const
      })

    const handle = (request: EmulatorRequest): Effect.Effect<EmulatorResponse> =>
      Effect.map(dispatch(request), (outcome) => outcome.response)

    const acceptsHost = (host: string): Effect.Effect<boolean> => {
      const normalized = normalizeHost(host)
      return normalized === tenant.host
        ? Effect.succeed(true)
        : Effect.map(Ref.get(extraHosts), (hosts) => hosts.includes(normalized))
    }

    const addHost = (host: string): Effect.Effect<void, never, Scope.Scope> => {
      const normalized = normalizeHost(host)
      return Effect.acquireRelease(
        Ref.update(extraHosts, (hosts) => [...hosts, normalized]),
        () =>
          Ref.update(extraHosts, (hosts) => {
            const index = hosts.indexOf(normalized)
            return index < 0 ? hosts : [...hosts.slice(0, index), ...hosts.slice(index + 1)]
          })
      )
    }

    return {
      config,
      domain: config.domain,
      origin: tenant.origin,
      issuer: tenant.issuer,
      handle,
      dispatch,
      requests: Effect.map(Ref.get(recorded), Chunk.toReadonlyArray),
      clearRequests: Ref.set(recorded, Chunk.empty()),
      fault: Ref.get(currentFault),
      setFault: (fault) => Ref.set(currentFault, fault),
      acceptsHost,
      addHost
    } satisfies TokenVaultEmulator
  })

/**
 * A layer providing an emulator for the tenant.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = TokenVaultEmulator.requests.pipe(
 *   Effect.provide(TokenVaultEmulator.layer({ domain: "tenant.example.com", clients: [], users: [] }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: TenantConfig): Layer.Layer<TokenVaultEmulator> =>
  Layer.effect(TokenVaultEmulator, make(config))

/**
 * Every request the emulator in context received, oldest first.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const formsSent = Effect.map(TokenVaultEmulator.requests, (requests) => requests.map((r) => r.form))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, TokenVaultEmulator> = Effect.flatMap(
  TokenVaultEmulator,
  (emulator) => emulator.requests
)

/**
 * Forgets the requests the emulator in context received.
 *
 * @example
 * ```ts
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const reset = TokenVaultEmulator.clearRequests
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const clearRequests: Effect.Effect<void, never, TokenVaultEmulator> = Effect.flatMap(
  TokenVaultEmulator,
  (emulator) => emulator.clearRequests
)

/**
 * Sets (or clears, with `undefined`) the fault of the emulator in context.
 *
 * @example
 * ```ts
 * import { Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const breakIt = TokenVaultEmulator.setFault(Fault.ServerError())
 * const fixIt = TokenVaultEmulator.setFault(undefined)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const setFault = (fault: Fault.Fault | undefined): Effect.Effect<void, never, TokenVaultEmulator> =>
  Effect.flatMap(TokenVaultEmulator, (emulator) => emulator.setFault(fault))
