/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3): the client's registered public
 * keys, imported once when the emulator is made, and the checks of a client assertion.
 *
 * @internal
 */
import type * as Signature from "effect/crypto/Signature"
import * as Effect from "effect/Effect"
import * as Jwk from "effect/jose/Jwk"
import * as Jws from "effect/jose/Jws"
import type { ClientAssertionKey, ClientConfig, TenantConfig } from "../TokenVaultEmulator.js"
import type { ClientAuthentication } from "./clientAuth.js"
import * as Errors from "./errors.js"
import { readUnverified } from "./jose.js"
import { param } from "./params.js"
import { CLIENT_ASSERTION_TYPE, isSigningAlgorithm, SIGNING_ALGORITHMS } from "./protocol.js"
import type { ReplayGuard } from "./replay.js"
import { DEFAULT_AUTH_METHODS, type Tenant } from "./tenant.js"

/** How far ahead of now an assertion's `exp` may be, in seconds. @internal */
export const MAX_ASSERTION_LIFETIME = 300

/** Tolerated clock difference for `nbf`, in seconds. */
const CLOCK_SKEW = 60

const importKey = (key: ClientAssertionKey): Effect.Effect<Jwk.PublicKey, string> => {
  const algorithm: unknown = key.algorithm
  if (!isSigningAlgorithm(algorithm)) {
    return Effect.fail(`has an algorithm that is not one of ${SIGNING_ALGORITHMS.join(", ")}`)
  }
  const publicKey: unknown = key.publicKey
  if (typeof publicKey !== "string" && (typeof publicKey !== "object" || publicKey === null)) {
    return Effect.fail("has a publicKey that is neither a JWK nor PEM text")
  }
  const imported = typeof publicKey === "string"
    ? Jwk.importSpki(publicKey, algorithm)
    : Jwk.importPublic(publicKey as Jwk.PublicJwk, algorithm)
  // Public-key diagnostics only: a private JWK is refused before its members are read.
  return Effect.mapError(imported, (error) => `is not a usable ${algorithm} public key (${error.message})`)
}

const importClientKeys = (client: ClientConfig): Effect.Effect<ReadonlyArray<Jwk.PublicKey>, string> =>
  Effect.forEach(
    (client.clientAssertionKeys ?? []).entries(),
    ([index, key]) =>
      Effect.mapError(
        importKey(key),
        (problem) =>
          `TenantConfig.clients: client ${JSON.stringify(client.clientId)} clientAssertionKeys[${index}] ${problem}`
      )
  )

/**
 * The imported `clientAssertionKeys` of each client, by client id: the asynchronous step of
 * building a tenant for `private_key_jwt`. Fails with a message naming the client and the key.
 *
 * @internal
 */
export const importAssertionKeys = (
  config: TenantConfig
): Effect.Effect<ReadonlyMap<string, ReadonlyArray<Jwk.PublicKey>>, string> =>
  Effect.map(
    Effect.forEach(config.clients, (client) =>
      Effect.map(importClientKeys(client), (keys) => [client.clientId, keys] as const)),
    (entries) =>
      new Map(entries)
  )

/** What an assertion is checked against besides the tenant. @internal */
export interface AssertionContext {
  readonly replay: ReplayGuard
  /** Epoch seconds (fractional). */
  readonly now: number
  /** The values `aud` may name: the issuer, the token endpoint URLs. */
  readonly audiences: ReadonlySet<string>
}

const verifiesWithAny = (
  assertion: string,
  keys: ReadonlyArray<Jwk.PublicKey>
): Effect.Effect<boolean, never, Signature.Signature> =>
  Effect.map(
    Effect.forEach(keys, (key) => Effect.isSuccess(Jws.verify(assertion, key))),
    (results) => results.includes(true)
  )

const namesAudience = (aud: unknown, audiences: ReadonlySet<string>): boolean =>
  typeof aud === "string"
    ? audiences.has(aud)
    : Array.isArray(aud) && aud.some((value) => typeof value === "string" && audiences.has(value))

const rejected = (check: string): ClientAuthentication => ({
  _tag: "Rejected",
  response: Errors.invalidClientAssertion(check)
})

/**
 * Authenticates a client by its assertion: the assertion type, the client (the body's `client_id`,
 * else the assertion's `sub`) and its methods, the signature with a registered key of the header's
 * `alg`, then `iss` = `sub` = client id, `aud`, `exp` (in the future, at most
 * {@link MAX_ASSERTION_LIFETIME} seconds ahead), `nbf`, and a `jti` not used before. Each failure
 * names its check, never the assertion.
 *
 * @internal
 */
export const authenticateByAssertion = Effect.fnUntraced(function*(
  tenant: Tenant,
  params: ReadonlyMap<string, string>,
  assertion: string,
  context: AssertionContext
): Effect.fn.Return<ClientAuthentication, never, Signature.Signature> {
  const assertionType = param(params, "client_assertion_type")
  if (assertionType === undefined) return rejected("client_assertion_type is missing")
  if (assertionType !== CLIENT_ASSERTION_TYPE) return rejected(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`)
  const unverified = yield* readUnverified(assertion)
  if (unverified === undefined) return rejected("it is not a signed JWT (compact JWS with a JSON object payload)")
  const { claims, protectedHeader } = unverified
  const clientId = param(params, "client_id") ?? (typeof claims["sub"] === "string" ? claims["sub"] : undefined)
  if (clientId === undefined) return rejected("there is no client_id, and no sub in the assertion")
  const client = tenant.clients.get(clientId)
  if (client === undefined) return rejected("unknown client")
  if (!(client.authMethods ?? DEFAULT_AUTH_METHODS).includes("private_key_jwt")) {
    return { _tag: "Rejected", response: Errors.authMethodNotAllowed("private_key_jwt") }
  }
  const alg = protectedHeader.alg
  if (!isSigningAlgorithm(alg)) return rejected(`alg ${alg} is not supported (use ${SIGNING_ALGORITHMS.join(", ")})`)
  const keys = (tenant.credentials.get(clientId)?.assertionKeys ?? []).filter((key) => key.algorithm === alg)
  if (keys.length === 0) return rejected(`no key of the client is registered for alg ${alg}`)
  if (!(yield* verifiesWithAny(assertion, keys))) {
    return rejected("the signature does not verify with the client's registered keys")
  }
  // The claims are authentic from here on.
  if (claims["iss"] !== clientId) return rejected("iss must be the client_id")
  if (claims["sub"] !== clientId) return rejected("sub must be the client_id")
  if (!namesAudience(claims["aud"], context.audiences)) {
    return rejected(`aud must be the tenant's issuer (${tenant.issuer}) or its token endpoint URL`)
  }
  const { exp, jti, nbf } = claims
  if (typeof exp !== "number") return rejected("exp is missing")
  if (exp <= context.now) return rejected("it has expired (exp)")
  if (exp > context.now + MAX_ASSERTION_LIFETIME) {
    return rejected(`exp is more than ${MAX_ASSERTION_LIFETIME} seconds ahead`)
  }
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > context.now + CLOCK_SKEW)) {
    return rejected("it is not valid yet (nbf)")
  }
  if (typeof jti !== "string" || jti === "") return rejected("jti is missing")
  if (!context.replay.firstUse(JSON.stringify([clientId, jti]), exp, context.now)) {
    return rejected("jti has already been used (replayed assertion)")
  }
  return { _tag: "Authenticated", client, method: "private_key_jwt" }
})
