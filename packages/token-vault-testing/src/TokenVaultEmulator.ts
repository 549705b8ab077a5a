/**
 * An emulator of an Auth0 tenant's token endpoint for Token Vault: the tenant model (clients with
 * secret, mTLS or `private_key_jwt` authentication, users, their Auth0 tokens, possibly DPoP-bound,
 * connected accounts with federated token sets and a state, allowed web origins), the request
 * handler (with CORS, DPoP proofs and nonces, `scope` down-scoping), the record of requests
 * received, and fault injection (for every request or a limited number).
 *
 * Serve it in memory with `EmulatorHttpClient` or on loopback with `EmulatorServer`. This module
 * has no Node imports: browser and worker bundles import it directly.
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as KeyFormat from "effect/crypto/KeyFormat"
import * as Effect from "effect/Effect"
import type * as Jwk from "effect/jose/Jwk"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type * as Fault from "./Fault.js"
import { importAssertionKeys } from "./internal/clientAssertion.js"
import * as Cors from "./internal/cors.js"
import { makeDpopVerifier } from "./internal/dpop.js"
import { decideFault, makePrngs, outcomeOf, type Prngs, validateFault } from "./internal/faultOutcome.js"
import { makeIdentityStatuses } from "./internal/identityStatus.js"
import { makeJoseServices } from "./internal/jose.js"
import { formOf } from "./internal/params.js"
import * as Protocol from "./internal/protocol.js"
import { FORWARDED_FOR_HEADER } from "./internal/protocol.js"
import { makeReplayGuard } from "./internal/replay.js"
import { type NormalizedRequest, route } from "./internal/router.js"
import { certificateFingerprints, makeTenant, normalizeHost, type Tenant } from "./internal/tenant.js"
import type { TokenEndpointState } from "./internal/tokenExchange.js"

// -----------------------------------------------------------------------------
// tenant model
// -----------------------------------------------------------------------------

/**
 * How a client authenticates at the token endpoint: with its secret in the body or in a Basic
 * `Authorization` header, with mTLS (RFC 8705): a CA-signed certificate whose subject DN is
 * registered (`tls_client_auth`), or a self-signed certificate registered as such
 * (`self_signed_tls_client_auth`), or with a JWT signed by its private key (`private_key_jwt`,
 * RFC 7523, checked against `ClientConfig.clientAssertionKeys`). With mTLS the body carries
 * `client_id` and no secret.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const methods: ReadonlyArray<TokenVaultEmulator.ClientAuthMethod> = ["tls_client_auth"]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ClientAuthMethod =
  | "client_secret_post"
  | "client_secret_basic"
  | "tls_client_auth"
  | "self_signed_tls_client_auth"
  | "private_key_jwt"

/**
 * The signature algorithms the emulator accepts for client assertions and DPoP proofs: the ones
 * Auth0 accepts for `private_key_jwt`.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const algorithm: TokenVaultEmulator.SigningAlgorithm = "PS256"
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type SigningAlgorithm = "RS256" | "RS384" | "PS256" | "PS384" | "ES256" | "ES384"

/**
 * A public key registered for a client's `private_key_jwt` authentication: the algorithm its
 * assertions are signed with, and the key as a public JWK or SPKI PEM text
 * (`-----BEGIN PUBLIC KEY-----`). An assertion is accepted when its signature verifies with a key
 * of the algorithm its header names.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const key: TokenVaultEmulator.ClientAssertionKey = {
 *   algorithm: "ES256",
 *   publicKey: {
 *     kty: "EC",
 *     crv: "P-256",
 *     x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
 *     y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
 *   }
 * }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface ClientAssertionKey {
  readonly algorithm: SigningAlgorithm
  /** A public JWK (`effect/jose`'s, or WebCrypto's `exportKey("jwk")`), or an SPKI public key in PEM. */
  readonly publicKey: Jwk.PublicJwk | KeyFormat.JsonWebKey | string
}

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
 *
 * const mtlsClient: TokenVaultEmulator.ClientConfig = {
 *   clientId: "web-app",
 *   authMethods: ["tls_client_auth"],
 *   tlsClientAuthSubjectDn: "CN=web-app"
 * }
 * ```
 *
 * A client that cannot work (a secret method without `clientSecret`, `tls_client_auth` without
 * `tlsClientAuthSubjectDn`, `self_signed_tls_client_auth` without `selfSignedCertificates`, a
 * certificate that is not PEM, `private_key_jwt` without `clientAssertionKeys`, a key that is not
 * a public key for its algorithm) makes `TokenVaultEmulator.make` die naming the client.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientConfig {
  readonly clientId: string
  /** Required by `client_secret_post` and `client_secret_basic`. */
  readonly clientSecret?: string
  /** The authentication methods the client may use. Default: `client_secret_post` and `client_secret_basic`. */
  readonly authMethods?: ReadonlyArray<ClientAuthMethod>
  /** Whether the Token Vault grant is enabled for the client. Default: `true`. */
  readonly tokenVaultGrant?: boolean
  /**
   * `tls_client_auth`: the subject DN a CA-verified client certificate must have (`CN=web-app`,
   * `CN=web-app, O=Example`, or OpenSSL's `/O=Example/CN=web-app`). Attributes are compared in
   * any order, types case-insensitively, values exactly.
   */
  readonly tlsClientAuthSubjectDn?: string
  /** `self_signed_tls_client_auth`: the certificates (PEM) the client may present, matched by SHA-256 fingerprint. */
  readonly selfSignedCertificates?: ReadonlyArray<string>
  /** `private_key_jwt`: the public keys the client's assertions may be signed with. Imported once, by `make`. */
  readonly clientAssertionKeys?: ReadonlyArray<ClientAssertionKey>
  /**
   * Whether the application is first-party. Default `true`; `false` makes every exchange answer
   * 403 `access_denied` (Token Vault serves first-party applications only).
   */
  readonly firstParty?: boolean
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
 * // DPoP-bound: exchanged only with a DPoP proof signed by the key of this RFC 7638 thumbprint.
 * const bound: TokenVaultEmulator.SubjectTokenConfig = { token: "at-alice-3", dpopJkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" }
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
    /**
     * The RFC 7638 SHA-256 thumbprint (base64url) of the key the token is DPoP-bound to: an
     * exchange needs a valid `DPoP` proof signed with that key (else 400 `invalid_dpop_proof`).
     */
    readonly dpopJkt?: string
  }

/**
 * The state of a connected account, which decides the answer to an exchange for it:
 *
 * - `"connected"` (default): the federated access token.
 * - `"refresh_token_not_found"`: 401 `federated_connection_refresh_token_not_found` (the user has
 *   not connected the account; the same answer as for a connection without an identity).
 * - `"tokenset_not_found"`: 401 `tokenset_not_found`.
 * - `"refresh_failed"`: 401 `federated_connection_refresh_token_flow_failed` (the provider refused
 *   the stored refresh token: the user must reconnect).
 * - `"mfa_required"`: 403 `mfa_required` with a random `mfa_token`.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const status: TokenVaultEmulator.IdentityStatus = "refresh_failed"
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export type IdentityStatus =
  | "connected"
  | "refresh_token_not_found"
  | "tokenset_not_found"
  | "refresh_failed"
  | "mfa_required"

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
  /** The account's state (default `"connected"`); `setIdentityStatus` overrides it at run time. */
  readonly status?: IdentityStatus
}

/**
 * Which connected accounts `setIdentityStatus` changes: those of `userId` at `connection`, or only
 * the one whose `loginHint` is given.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const work: TokenVaultEmulator.IdentitySelector = {
 *   userId: "auth0|alice",
 *   connection: "google-oauth2",
 *   loginHint: "alice@work.example"
 * }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface IdentitySelector {
  readonly userId: string
  readonly connection: string
  readonly loginHint?: string
}

/**
 * DPoP (RFC 9449) at the token endpoint. A `DPoP` proof is verified whenever a request carries
 * one; with `requireNonce`, a proof must also carry the emulator's current nonce: a proof without
 * it is answered 400 `use_dpop_nonce`, and every answer of the token endpoint carries the nonce in
 * a `DPoP-Nonce` header.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const dpop: TokenVaultEmulator.DpopConfig = { requireNonce: true }
 * ```
 *
 * @since 1.0.0
 * @category models
 */
export interface DpopConfig {
  /** Whether proofs must carry a server nonce. Default `false`. */
  readonly requireNonce?: boolean
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
  /**
   * Origins (`scheme://host[:port]`, exactly, e.g. `http://127.0.0.1:5173`) from which browsers may
   * call the token endpoint and the discovery documents, like Auth0's "Allowed Web Origins".
   * Preflights from them are answered with CORS headers allowing `POST` (`GET`, `HEAD` for the
   * documents) and the headers `content-type`, `auth0-client`, `authorization`, `dpop`,
   * `auth0-forwarded-for`; their actual requests get `access-control-allow-origin` (and may read
   * the rate-limit headers and `DPoP-Nonce`). Other origins get no CORS headers (the browser
   * blocks them). Trace-context headers (`traceparent`, `b3`) are not allowed.
   */
  readonly allowedWebOrigins?: ReadonlyArray<string>
  /**
   * The mTLS alias of the token endpoint, advertised in the discovery document as
   * `mtls_endpoint_aliases.token_endpoint`: an origin (`https://mtls.tenant.example.com`, to which
   * `/oauth/token` is added) or a full URL. When absent, an `EmulatorServer` serving with client
   * certificates advertises its own `https://127.0.0.1:PORT/oauth/token` while it runs.
   */
  readonly mtlsEndpoint?: string
  /** DPoP options (proofs are verified whenever sent; this adds the nonce requirement). */
  readonly dpop?: DpopConfig
}

// -----------------------------------------------------------------------------
// requests and answers
// -----------------------------------------------------------------------------

/**
 * The TLS client certificate of the connection a request came on, as `EmulatorServer` (with
 * `tls.requestClientCertificate`) passes it. `verified` is whether it chains to the server's `ca`;
 * `subjectDn` is the certificate's subject (`CN=web-app`, attributes in certificate order, joined
 * with `, `); `fingerprint256` is the SHA-256 of its DER, as Node writes it (`AB:CD:…`).
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const certificate: TokenVaultEmulator.ClientCertificate = {
 *   verified: true,
 *   subjectDn: "CN=web-app",
 *   fingerprint256: "3E:28:B8:95:C4:4F:50:BF:B5:82:97:B5:9F:7C:60:29:31:66:C5:60:EA:7F:2C:A1:49:6F:30:13:82:EE:51:2F"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientCertificate {
  readonly verified: boolean
  readonly subjectDn: string
  readonly fingerprint256: string
}

/**
 * A request as the emulator sees it. `url` is a path with query (`/oauth/token`) or absolute. For
 * a path, the URL the request was made to (which a DPoP proof's `htu` must name) is `scheme`, the
 * `host` header (else the tenant's host) and the path.
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
  /** The TLS client certificate of the connection; absent over plain HTTP and in memory. */
  readonly clientCertificate?: ClientCertificate
  /** The scheme of the connection, when `url` is a path. Default: the scheme of the tenant's domain. */
  readonly scheme?: "http" | "https"
}

/**
 * An HTTP answer of the emulator. Header names are lower case.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const notFound: TokenVaultEmulator.EmulatorResponse = { status: 404, headers: {}, body: "" }
 * ```
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
 * What a transport must do with a request: answer (`Respond`), reset the connection before any
 * response byte (`ResetConnection`), or send a head and then a body stream that may be cut short,
 * stall or never end (`StreamResponse`). The transports (`EmulatorHttpClient`, `EmulatorServer`)
 * switch on `_tag`; a latency fault has already waited when the outcome is returned.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const describe = (outcome: TokenVaultEmulator.EmulatorOutcome): string => {
 *   switch (outcome._tag) {
 *     case "Respond":
 *       return `HTTP ${outcome.response.status}`
 *     case "ResetConnection":
 *       return "reset"
 *     case "StreamResponse":
 *       return `HTTP ${outcome.status}, streamed, then ${outcome.end}`
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EmulatorOutcome = Respond | ResetConnection | StreamResponse

/**
 * Answer with this HTTP response.
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const respond: TokenVaultEmulator.Respond = { _tag: "Respond", response: { status: 204, headers: {}, body: "" } }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Respond {
  readonly _tag: "Respond"
  readonly response: EmulatorResponse
}

/**
 * Reset the connection before sending anything (`Fault.ResetBeforeHeaders`).
 *
 * @example
 * ```ts
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const reset: TokenVaultEmulator.ResetConnection = { _tag: "ResetConnection" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ResetConnection {
  readonly _tag: "ResetConnection"
}

/**
 * Send the status and headers at once, then the body as it streams, then finish as `end` says:
 * `"End"` completes the response, `"Close"` ends the connection without completing it (the body
 * is shorter than its `content-length`), `"Reset"` resets the connection. The body may never end
 * (`Fault.StalledBody`, `Fault.EndlessBody`): transports stop it when the client goes away or the
 * server's scope closes. `content-length` is among the headers only when the fault announces one.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const stalled: TokenVaultEmulator.StreamResponse = {
 *   _tag: "StreamResponse",
 *   status: 200,
 *   headers: { "content-type": "application/json" },
 *   body: Stream.never,
 *   end: "End"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamResponse {
  readonly _tag: "StreamResponse"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Stream.Stream<Uint8Array>
  readonly end: "End" | "Close" | "Reset"
}

/**
 * Options of `setFault`: `times` limits the fault to the next `times` requests (CORS preflights
 * do not count), after which the emulator answers normally again and `fault` is `undefined`.
 *
 * @example
 * ```ts
 * import { Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * // 429 once, then success: a retry test.
 * const once = TokenVaultEmulator.setFault(Fault.RateLimited({ retryAfter: 1 }), { times: 1 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SetFaultOptions {
  readonly times?: number
}

/**
 * A request the emulator received. `form` is the parsed body when it is
 * `application/x-www-form-urlencoded`, an empty object otherwise; `at` is `Clock` milliseconds.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const connections = Effect.map(TokenVaultEmulator.requests, (requests: ReadonlyArray<TokenVaultEmulator.RecordedRequest>) =>
 *   requests.map((request) => request.form["connection"])
 * )
 * ```
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
  /** The TLS client certificate the request came with, if any. */
  readonly clientCertificate?: ClientCertificate
  /** The end user's IP the caller forwarded in the `auth0-forwarded-for` header, if any. */
  readonly forwardedFor?: string
  /** The fault that answered the request (for `Fault.Random`, the one it chose), if any. */
  readonly fault?: Fault.Fault
}

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * A running emulator. All state (recorded requests, the current fault, the `jti`s of accepted
 * client assertions and DPoP proofs, the DPoP nonce, the states set with `setIdentityStatus`)
 * belongs to the instance.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.gen(function* () {
 *   const emulator = yield* TokenVaultEmulator.make({ domain: "tenant.example.com", clients: [], users: [] })
 *   yield* emulator.setFault(Fault.ServerError({ status: 503 }), { times: 1 })
 *   return yield* emulator.fault
 * })
 * ```
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
  /**
   * Records the request, then answers it (with the current fault, if one is set). A transport
   * fault (reset, streamed body) cannot be an `EmulatorResponse`: with one, `handle` dies; use
   * `dispatch` or a transport.
   */
  readonly handle: (request: EmulatorRequest) => Effect.Effect<EmulatorResponse>
  /** Like `handle`, but returns what a transport must do. Transports call this. */
  readonly dispatch: (request: EmulatorRequest) => Effect.Effect<EmulatorOutcome>
  /** Every request received, oldest first (none when `recordRequests` is `false`). */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  readonly clearRequests: Effect.Effect<void>
  /** The current fault, if any (`undefined` once a `times`-limited fault is used up). */
  readonly fault: Effect.Effect<Fault.Fault | undefined>
  /**
   * Sets (or, with `undefined`, clears) the fault the following requests are answered with: all of
   * them, or the next `times`. A fault that cannot work (negative latency, a `Random` rate outside
   * 0..1, …) or a `times` that is not an integer >= 0 is a defect.
   */
  readonly setFault: (fault: Fault.Fault | undefined, options?: SetFaultOptions) => Effect.Effect<void>
  /** The mTLS token endpoint alias the discovery document advertises, if any. */
  readonly mtlsEndpoint: Effect.Effect<string | undefined>
  /**
   * Advertises `url` as the mTLS token endpoint alias until the scope closes, unless
   * `TenantConfig.mtlsEndpoint` is set (which wins). `EmulatorServer` calls it when serving mTLS.
   */
  readonly advertiseMtlsEndpoint: (url: string) => Effect.Effect<void, never, Scope.Scope>
  /** Whether the in-memory client routes requests for this `host[:port]` to the emulator. */
  readonly acceptsHost: (host: string) => Effect.Effect<boolean>
  /** Adds a `host[:port]` the emulator answers for, until the scope closes. */
  readonly addHost: (host: string) => Effect.Effect<void, never, Scope.Scope>
  /**
   * Puts connected accounts into a state (see {@link IdentityStatus}) until set again: every
   * identity of `userId` at `connection`, or only the one with `loginHint`. `"connected"` restores
   * the normal answer (also over a configured `status`). A selector that matches no configured
   * identity, or an unknown status, is a defect naming it.
   */
  readonly setIdentityStatus: (selector: IdentitySelector, status: IdentityStatus) => Effect.Effect<void>
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
 * @category services
 */
export const TokenVaultEmulator: Context.Service<TokenVaultEmulator, TokenVaultEmulator> = Context.Service<
  TokenVaultEmulator
>("@effect-auth0/token-vault-testing/TokenVaultEmulator")

/**
 * The Token Vault grant type.
 *
 * @example
 * ```ts
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const value: string = TokenVaultEmulator.GRANT_TYPE
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const GRANT_TYPE: string = Protocol.GRANT_TYPE

/**
 * `subject_token_type` for an Auth0 access token.
 *
 * @example
 * ```ts
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const value: string = TokenVaultEmulator.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const SUBJECT_TOKEN_TYPE_ACCESS_TOKEN: string = Protocol.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN

/**
 * `subject_token_type` for an Auth0 refresh token.
 *
 * @example
 * ```ts
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const value: string = TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const SUBJECT_TOKEN_TYPE_REFRESH_TOKEN: string = Protocol.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN

/**
 * `requested_token_type` (and the answer's `issued_token_type`) of the Token Vault grant.
 *
 * @example
 * ```ts
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const value: string = TokenVaultEmulator.REQUESTED_TOKEN_TYPE
 * ```
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

interface FaultState {
  readonly fault: Fault.Fault
  /** Requests left, when limited by `times`. */
  readonly remaining: number | undefined
  readonly prngs: Prngs
}

const removeOne = (values: ReadonlyArray<string>, value: string): ReadonlyArray<string> => {
  const index = values.lastIndexOf(value)
  return index < 0 ? values : [...values.slice(0, index), ...values.slice(index + 1)]
}

/** A defect whose message names the problem (never a token or secret value). */
const dieWith = (message: string): Effect.Effect<never> => Effect.die(new Error(message))

const pathOf = (url: string, origin: string): string => {
  try {
    return new URL(url, origin).pathname
  } catch {
    return url
  }
}

/**
 * The absolute URL a request was made to: `url` when absolute, else resolved against the request's
 * scheme (default: the tenant's) and `host` header (default: the tenant's host).
 */
const requestUrlOf = (
  request: EmulatorRequest,
  headers: Readonly<Record<string, string>>,
  tenant: Tenant
): URL | undefined => {
  const scheme = request.scheme ?? new URL(tenant.origin).protocol.slice(0, -1)
  const base = `${scheme}://${headers["host"] ?? tenant.host}`
  return URL.canParse(request.url, base) ? new URL(request.url, base) : undefined
}

/**
 * Builds an emulator for a tenant, importing the clients' `clientAssertionKeys` once. A
 * configuration that cannot work (unparseable domain, a client id or subject token configured
 * twice, a client that lacks what its methods need, an unknown identity `status`, a `dpopJkt` that
 * is not a thumbprint) is a defect naming the problem.
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
export const make: (config: TenantConfig) => Effect.Effect<TokenVaultEmulator> = Effect.fn("TokenVaultEmulator.make")(
  function*(config: TenantConfig) {
    const joseServices = yield* makeJoseServices
    const assertionKeys = yield* Effect.result(importAssertionKeys(config))
    if (Result.isFailure(assertionKeys)) return yield* dieWith(`TokenVaultEmulator: ${assertionKeys.failure}`)
    const fingerprints = yield* Effect.promise(() => certificateFingerprints(config))
    const parsed = makeTenant(config, fingerprints, assertionKeys.success)
    if (Result.isFailure(parsed)) return yield* dieWith(`TokenVaultEmulator: ${parsed.failure}`)
    const tenant = parsed.success
    const tokenEndpoint: TokenEndpointState = {
      assertionReplay: makeReplayGuard(),
      dpop: yield* Effect.provideContext(makeDpopVerifier(config.dpop), joseServices),
      identityStatuses: makeIdentityStatuses(tenant)
    }
    const recorded = yield* Ref.make(Chunk.empty<RecordedRequest>())
    const recordRequests = config.recordRequests ?? true
    const currentFault = yield* Ref.make<FaultState | undefined>(undefined)
    const extraHosts = yield* Ref.make<ReadonlyArray<string>>([])
    const advertisedMtls = yield* Ref.make<ReadonlyArray<string>>([])

    /** The fault for one request, counting it against `times`. */
    const takeFault: Effect.Effect<Fault.Fault | undefined> = Ref.modify(currentFault, (state) => {
      if (state === undefined) return [undefined, state]
      const decided = decideFault(state.fault, state.prngs)
      if (state.remaining === undefined) return [decided, state]
      const remaining = state.remaining - 1
      return [decided, remaining <= 0 ? undefined : { ...state, remaining }]
    })

    const mtlsEndpoint: Effect.Effect<string | undefined> = tenant.mtlsEndpoint !== undefined
      ? Effect.succeed(tenant.mtlsEndpoint)
      : Effect.map(Ref.get(advertisedMtls), (urls) => urls.at(-1))

    const dispatch = Effect.fnUntraced(function*(request: EmulatorRequest): Effect.fn.Return<EmulatorOutcome> {
      const now = yield* Clock.currentTimeMillis
      const headers = normalizeHeaders(request.headers)
      const normalized: NormalizedRequest = {
        method: request.method.toUpperCase(),
        path: pathOf(request.url, tenant.origin),
        url: requestUrlOf(request, headers, tenant),
        headers,
        body: request.body,
        certificate: request.clientCertificate
      }
      const preflight = Cors.preflight(tenant, normalized)
      const fault = preflight === undefined ? yield* takeFault : undefined
      const forwardedFor = headers[FORWARDED_FOR_HEADER]
      if (recordRequests) {
        yield* Ref.update(
          recorded,
          Chunk.append<RecordedRequest>({
            method: normalized.method,
            path: normalized.path,
            url: request.url,
            headers,
            form: formOf(headers["content-type"], request.body),
            rawBody: request.body,
            at: now,
            ...(request.clientCertificate === undefined ? {} : { clientCertificate: request.clientCertificate }),
            ...(forwardedFor === undefined ? {} : { forwardedFor }),
            ...(fault === undefined ? {} : { fault })
          })
        )
      }
      if (preflight !== undefined) return { _tag: "Respond", response: preflight } as const
      const mtlsTokenEndpoint = yield* mtlsEndpoint
      const normal = route(tenant, normalized, { nowMillis: now, mtlsTokenEndpoint, tokenEndpoint })
      const outcome = yield* outcomeOf(fault, Effect.provideContext(normal, joseServices))
      switch (outcome._tag) {
        case "Respond":
          return {
            _tag: "Respond",
            response: { ...outcome.response, headers: Cors.withCors(tenant, headers, outcome.response.headers) }
          } as const
        case "StreamResponse":
          return { ...outcome, headers: Cors.withCors(tenant, headers, outcome.headers) }
        case "ResetConnection":
          return outcome
      }
    })

    const handle = (request: EmulatorRequest): Effect.Effect<EmulatorResponse> =>
      Effect.flatMap(dispatch(request), (outcome) =>
        outcome._tag === "Respond"
          ? Effect.succeed(outcome.response)
          : dieWith(
            `TokenVaultEmulator.handle: the current fault is a transport fault (${outcome._tag}); ` +
              "use dispatch, EmulatorHttpClient or EmulatorServer"
          ))

    const setFault = (fault: Fault.Fault | undefined, options: SetFaultOptions = {}): Effect.Effect<void> =>
      Effect.suspend(() => {
        const times = options.times
        if (times !== undefined && !(Number.isSafeInteger(times) && times >= 0)) {
          return dieWith(`TokenVaultEmulator.setFault: times must be an integer >= 0, got ${times}`)
        }
        if (fault === undefined || times === 0) return Ref.set(currentFault, undefined)
        const problem = validateFault(fault)
        if (problem !== undefined) return dieWith(`TokenVaultEmulator.setFault: ${problem}`)
        return Ref.set(currentFault, { fault, remaining: times, prngs: makePrngs(fault) })
      })

    const advertiseMtlsEndpoint = (url: string): Effect.Effect<void, never, Scope.Scope> =>
      Effect.acquireRelease(
        Ref.update(advertisedMtls, (urls) => [...urls, url]),
        () => Ref.update(advertisedMtls, (urls) => removeOne(urls, url))
      )

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
        () => Ref.update(extraHosts, (hosts) => removeOne(hosts, normalized))
      )
    }

    const setIdentityStatus = (selector: IdentitySelector, status: IdentityStatus): Effect.Effect<void> =>
      Effect.suspend(() => {
        const set = tokenEndpoint.identityStatuses.set(selector, status)
        return Result.isFailure(set) ? dieWith(`TokenVaultEmulator.setIdentityStatus: ${set.failure}`) : Effect.void
      })

    return {
      config,
      domain: config.domain,
      origin: tenant.origin,
      issuer: tenant.issuer,
      handle,
      dispatch,
      requests: Effect.map(Ref.get(recorded), Chunk.toReadonlyArray),
      clearRequests: Ref.set(recorded, Chunk.empty()),
      fault: Effect.map(Ref.get(currentFault), (state) => state?.fault),
      setFault,
      mtlsEndpoint,
      advertiseMtlsEndpoint,
      acceptsHost,
      addHost,
      setIdentityStatus
    } satisfies TokenVaultEmulator
  }
)

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
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, TokenVaultEmulator> = TokenVaultEmulator
  .use((emulator) => emulator.requests)

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
export const clearRequests: Effect.Effect<void, never, TokenVaultEmulator> = TokenVaultEmulator.use((emulator) =>
  emulator.clearRequests
)

/**
 * Sets (or clears, with `undefined`) the fault of the emulator in context, for every following
 * request or, with `{ times }`, for the next `times` requests.
 *
 * @example
 * ```ts
 * import { Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const breakIt = TokenVaultEmulator.setFault(Fault.ServerError())
 * const breakTwice = TokenVaultEmulator.setFault(Fault.ServerError({ status: 503 }), { times: 2 })
 * const fixIt = TokenVaultEmulator.setFault(undefined)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const setFault = (
  fault: Fault.Fault | undefined,
  options?: SetFaultOptions
): Effect.Effect<void, never, TokenVaultEmulator> =>
  TokenVaultEmulator.use((emulator) => emulator.setFault(fault, options))

/**
 * Puts connected accounts of the emulator in context into a state: every identity of `userId` at
 * `connection`, or only the one with `loginHint`. Exchanges for them then get that state's answer
 * (see {@link IdentityStatus}) until it is set again; `"connected"` restores the normal answer.
 *
 * @example
 * ```ts
 * import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const revoked = TokenVaultEmulator.setIdentityStatus(
 *   { userId: "auth0|alice", connection: "google-oauth2" },
 *   "refresh_failed"
 * )
 * const reconnected = TokenVaultEmulator.setIdentityStatus(
 *   { userId: "auth0|alice", connection: "google-oauth2" },
 *   "connected"
 * )
 * ```
 *
 * @since 1.0.0
 * @category accessors
 */
export const setIdentityStatus = (
  selector: IdentitySelector,
  status: IdentityStatus
): Effect.Effect<void, never, TokenVaultEmulator> =>
  TokenVaultEmulator.use((emulator) => emulator.setIdentityStatus(selector, status))
