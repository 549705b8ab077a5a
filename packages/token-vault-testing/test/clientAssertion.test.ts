/**
 * private_key_jwt: the emulator verifies client assertions against each client's registered public
 * keys (every algorithm Auth0 accepts, JWK and SPKI PEM), then `iss`, `sub`, `aud`, `exp`, `nbf`
 * and a `jti` used once, answering 401 `invalid_client` naming the failed check.
 */
import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/testing/TestClock"
import { DOMAIN, json, type Params, tenant, tokenRequest } from "./fixtures.js"
import { ALGORITHMS, assertionClaims, generateKey, signJwt, type TestKey } from "./jose-fixtures.js"

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
const ISSUER = `https://${DOMAIN}/`
const TOKEN_URL = `https://${DOMAIN}/oauth/token`
const JWT_CLIENT = "jwt-client"
const PEM_CLIENT = "pem-client"

const keys = new Map<TokenVaultEmulator.SigningAlgorithm, TestKey>(
  await Promise.all(ALGORITHMS.map(async (algorithm) => [algorithm, await generateKey(algorithm)] as const))
)
const keyFor = (algorithm: TokenVaultEmulator.SigningAlgorithm): TestKey => keys.get(algorithm)!
const strangerKey = await generateKey("ES256")

const jwtTenant: TokenVaultEmulator.TenantConfig = {
  ...tenant,
  clients: [
    ...tenant.clients,
    {
      clientId: JWT_CLIENT,
      authMethods: ["private_key_jwt"],
      clientAssertionKeys: ALGORITHMS.map((algorithm) => ({ algorithm, publicKey: keyFor(algorithm).publicJwk }))
    },
    {
      clientId: PEM_CLIENT,
      authMethods: ["private_key_jwt"],
      clientAssertionKeys: [{ algorithm: "RS256", publicKey: keyFor("RS256").spkiPem }]
    }
  ]
}

const emulator = TokenVaultEmulator.make(jwtTenant)

/** A token request authenticated by `assertion` (client_secret removed). */
const withAssertion = (assertion: string, overrides: Params = {}) =>
  tokenRequest({
    client_id: JWT_CLIENT,
    client_secret: undefined,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    ...overrides
  })

const nowSeconds = Effect.map(Clock.currentTimeMillis, (millis) => millis / 1000)

const assertion = (
  algorithm: TokenVaultEmulator.SigningAlgorithm,
  claims: Record<string, unknown> = {},
  clientId = JWT_CLIENT
) =>
  Effect.flatMap(
    nowSeconds,
    (now) => signJwt({ ...assertionClaims(clientId, ISSUER, Math.floor(now)), ...claims }, keyFor(algorithm))
  )

const expectRejected = (response: TokenVaultEmulator.EmulatorResponse, check: string, sent: string) => {
  expect(response.status).toBe(401)
  expect(json(response)).toStrictEqual({
    error: "invalid_client",
    error_description: `Invalid client assertion: ${check}`
  })
  expect(response.body).not.toContain(sent)
}

describe("private_key_jwt: accepted assertions", () => {
  for (const algorithm of ALGORITHMS) {
    it.effect(`accepts an assertion signed with ${algorithm}`, () =>
      Effect.gen(function*() {
        const e = yield* emulator
        const response = yield* e.handle(withAssertion(yield* assertion(algorithm)))
        expect(response.status).toBe(200)
        expect(json(response)).toMatchObject({ access_token: "ya29.alice-personal", token_type: "Bearer" })
      }))
  }

  it.effect("accepts a key registered as SPKI PEM", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const sent = yield* assertion("RS256", {}, PEM_CLIENT)
      expect((yield* e.handle(withAssertion(sent, { client_id: PEM_CLIENT }))).status).toBe(200)
    }))

  it.effect("accepts the token endpoint URL as aud, an aud array, and no client_id in the body (sub names it)", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const tokenUrl = yield* assertion("ES256", { aud: TOKEN_URL })
      expect((yield* e.handle(withAssertion(tokenUrl))).status).toBe(200)
      const array = yield* assertion("ES256", { aud: ["https://other.example.com/", ISSUER] })
      expect((yield* e.handle(withAssertion(array))).status).toBe(200)
      const noClientId = yield* assertion("PS256")
      expect((yield* e.handle(withAssertion(noClientId, { client_id: undefined }))).status).toBe(200)
    }))

  it.effect("accepts the issuer of the origin the request came to (a client on loopback), not another one", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const onLoopback = (sent: string) => {
        const request = withAssertion(sent)
        return e.handle({ ...request, headers: { ...request.headers, host: "127.0.0.1:4010" }, scheme: "http" })
      }
      expect((yield* onLoopback(yield* assertion("ES256", { aud: "http://127.0.0.1:4010/" }))).status).toBe(200)
      expect((yield* onLoopback(yield* assertion("ES256", { aud: "http://127.0.0.1:4010/oauth/token" }))).status)
        .toBe(200)
      const otherPort = yield* assertion("ES256", { aud: "http://127.0.0.1:4011/" })
      expectRejected(
        yield* onLoopback(otherPort),
        `aud must be the tenant's issuer (${ISSUER}) or its token endpoint URL`,
        otherPort
      )
    }))

  it.effect("accepts an assertion with a kid header and without nbf/iat", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const now = Math.floor(yield* nowSeconds)
      const sent = yield* signJwt(
        { iss: JWT_CLIENT, sub: JWT_CLIENT, aud: ISSUER, exp: now + 30, jti: "kid-test" },
        keyFor("ES384"),
        { kid: "key-1" }
      )
      expect((yield* e.handle(withAssertion(sent))).status).toBe(200)
    }))
})

describe("private_key_jwt: rejected assertions", () => {
  it.effect("a signature by another key", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const now = Math.floor(yield* nowSeconds)
      const sent = yield* signJwt(assertionClaims(JWT_CLIENT, ISSUER, now), strangerKey)
      expectRejected(
        yield* e.handle(withAssertion(sent)),
        "the signature does not verify with the client's registered keys",
        sent
      )
    }))

  it.effect("an algorithm the client has no key for", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const sent = yield* assertion("ES256", {}, PEM_CLIENT)
      expectRejected(
        yield* e.handle(withAssertion(sent, { client_id: PEM_CLIENT })),
        "no key of the client is registered for alg ES256",
        sent
      )
    }))

  it.effect("a wrong aud", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const sent = yield* assertion("RS256", { aud: "https://other-tenant.example.com/" })
      expectRejected(
        yield* e.handle(withAssertion(sent)),
        `aud must be the tenant's issuer (${ISSUER}) or its token endpoint URL`,
        sent
      )
    }))

  it.effect("an expired assertion (exp follows the emulator's Clock)", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const sent = yield* assertion("ES256")
      yield* TestClock.adjust("61 seconds")
      expectRejected(yield* e.handle(withAssertion(sent)), "it has expired (exp)", sent)
    }))

  it.effect("an exp more than 5 minutes ahead", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const now = Math.floor(yield* nowSeconds)
      const sent = yield* assertion("ES256", { exp: now + 301 })
      expectRejected(yield* e.handle(withAssertion(sent)), "exp is more than 300 seconds ahead", sent)
    }))

  it.effect("a replayed jti, accepted once", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const sent = yield* assertion("PS384", { jti: "once-only" })
      expect((yield* e.handle(withAssertion(sent))).status).toBe(200)
      expectRejected(yield* e.handle(withAssertion(sent)), "jti has already been used (replayed assertion)", sent)
      // Another assertion with the same jti is a replay too.
      const sameJti = yield* assertion("RS384", { jti: "once-only" })
      expectRejected(yield* e.handle(withAssertion(sameJti)), "jti has already been used (replayed assertion)", sameJti)
    }))

  it.effect("the other claim checks: iss, sub, missing exp, missing jti, nbf in the future", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const now = Math.floor(yield* nowSeconds)
      const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
        [{ iss: "someone-else" }, "iss must be the client_id"],
        [{ sub: "someone-else" }, "sub must be the client_id"],
        [{ exp: undefined }, "exp is missing"],
        [{ exp: "soon" }, "exp is missing"],
        [{ jti: undefined }, "jti is missing"],
        [{ nbf: now + 120 }, "it is not valid yet (nbf)"]
      ]
      for (const [claims, check] of cases) {
        const sent = yield* assertion("ES256", claims)
        expectRejected(yield* e.handle(withAssertion(sent)), check, sent)
      }
    }))

  it.effect("the request checks: assertion type, JWT form, client, method", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const sent = yield* assertion("ES256")
      expectRejected(
        yield* e.handle(withAssertion(sent, { client_assertion_type: undefined })),
        "client_assertion_type is missing",
        sent
      )
      expectRejected(
        yield* e.handle(withAssertion(sent, { client_assertion_type: "urn:example:saml" })),
        `client_assertion_type must be ${ASSERTION_TYPE}`,
        sent
      )
      expectRejected(
        yield* e.handle(withAssertion("not.a-jwt.at-all")),
        "it is not a signed JWT (compact JWS with a JSON object payload)",
        "not.a-jwt"
      )
      expectRejected(yield* e.handle(withAssertion(sent, { client_id: "nobody" })), "unknown client", sent)
      // A client that authenticates with its secret only.
      const secretOnly = yield* e.handle(withAssertion(yield* assertion("ES256", {}, "post-only-client"), {
        client_id: "post-only-client"
      }))
      expect(secretOnly.status).toBe(401)
      expect(json(secretOnly)).toMatchObject({
        error: "invalid_client",
        error_description: "Client authentication method private_key_jwt is not allowed for this client"
      })
      // An assertion and a secret at once.
      const both = yield* e.handle(withAssertion(sent, { client_secret: "x" }))
      expect(json(both)).toMatchObject({ error: "invalid_request" })
    }))

  it.effect("the client's assertion is checked per emulator: another instance has its own jti memory", () =>
    Effect.gen(function*() {
      const sent = yield* assertion("ES256")
      expect((yield* (yield* emulator).handle(withAssertion(sent))).status).toBe(200)
      expect((yield* (yield* emulator).handle(withAssertion(sent))).status).toBe(200)
    }))
})

describe("private_key_jwt: client configuration", () => {
  const dies = (client: TokenVaultEmulator.ClientConfig) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(TokenVaultEmulator.make({ domain: DOMAIN, clients: [client], users: [] }))
      expect(Exit.isFailure(exit)).toBe(true)
      return Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
    })

  it.effect("a client with private_key_jwt but no keys is a defect naming the client", () =>
    Effect.gen(function*() {
      expect(yield* dies({ clientId: "keyless", authMethods: ["private_key_jwt"] })).toContain(
        `client "keyless" allows private_key_jwt but has no clientAssertionKeys`
      )
    }))

  it.effect("a key that does not fit its algorithm, or is not a key, is a defect naming the client and the key", () =>
    Effect.gen(function*() {
      const wrongFamily = yield* dies({
        clientId: "mismatch",
        authMethods: ["private_key_jwt"],
        clientAssertionKeys: [{ algorithm: "RS256", publicKey: keyFor("RS256").publicJwk }, {
          algorithm: "RS256",
          publicKey: keyFor("ES256").publicJwk
        }]
      })
      expect(wrongFamily).toContain(`client "mismatch" clientAssertionKeys[1] is not a usable RS256 public key`)
      const notPem = yield* dies({
        clientId: "garbage",
        authMethods: ["private_key_jwt"],
        clientAssertionKeys: [{
          algorithm: "ES256",
          publicKey: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"
        }]
      })
      expect(notPem).toContain(`client "garbage" clientAssertionKeys[0] is not a usable ES256 public key`)
    }))

  it.effect("a private JWK given as the public key is refused without its private members in the message", () =>
    Effect.gen(function*() {
      const privateJwk = Redacted.value(keyFor("ES256").privateJwk)
      const message = yield* dies({
        clientId: "leaky",
        authMethods: ["private_key_jwt"],
        clientAssertionKeys: [{ algorithm: "ES256", publicKey: privateJwk as JsonWebKey }]
      })
      expect(message).toContain(`client "leaky" clientAssertionKeys[0] is not a usable ES256 public key`)
      expect(message).not.toContain(privateJwk.d)
    }))
})
