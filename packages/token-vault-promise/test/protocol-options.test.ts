/**
 * The facade's protocol options against the emulator's real checks: `private_key_jwt` with Auth0's
 * option names (`clientAssertionSigningKey`, `clientAssertionSigningAlg`), DPoP, and the call
 * options `scope` and `forwardedFor`. The first cases are those of Auth0's own SDK
 * (`@auth0/auth0-auth-js`: a key as an indented PEM string, as a `CryptoKey`, the assertion's
 * form fields and claims, a bad PEM), run against this facade.
 */
import {
  ApiClient,
  InvalidConfigurationError,
  MissingClientAuthError,
  TokenForConnectionError
} from "@effect-auth0/token-vault-promise"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import { inspect } from "node:util"
import {
  CLIENT_ID,
  decodeJwt,
  generateKey,
  rejection,
  type SigningAlgorithm,
  signingAlgorithms,
  tenant,
  type TestKey
} from "./fixtures.js"

const keys = Object.fromEntries(
  await Promise.all(signingAlgorithms.map(async (algorithm) => [algorithm, await generateKey(algorithm)] as const))
) as Record<SigningAlgorithm, TestKey>
/** A key the emulator does not know. */
const stranger = await generateKey("RS256")
/** The DPoP key pair; a subject token of bob's is bound to it. */
const dpopKey = await generateKey("ES256")
const otherDpopKey = await generateKey("ES256")
/** A private key whose public part cannot be derived (not extractable). */
const sealedDpopKey = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
  "sign",
  "verify"
]) as CryptoKeyPair).privateKey

/** RFC 7638 thumbprint of an EC public JWK. */
const thumbprint = (jwk: JsonWebKey) =>
  createHash("sha256").update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest("base64url")

const KEY_CLIENT = "key-app"

/** The shared tenant plus a `private_key_jwt` client (a key of each algorithm) and bob, linked to GitHub. */
const keyTenant = (dpop?: TokenVaultEmulator.DpopConfig): TokenVaultEmulator.TenantConfig => ({
  ...tenant,
  clients: [
    ...tenant.clients,
    {
      clientId: KEY_CLIENT,
      authMethods: ["private_key_jwt"],
      clientAssertionKeys: signingAlgorithms.map((algorithm) => ({ algorithm, publicKey: keys[algorithm].publicJwk }))
    }
  ],
  users: [
    ...tenant.users,
    {
      userId: "auth0|bob",
      accessTokens: ["at-bob", { token: "at-bob-dpop", dpopJkt: thumbprint(dpopKey.publicJwk) }],
      connections: {
        github: [{ loginHint: "bob", accessToken: "gho_bob", scope: "repo read:user user:email", expiresIn: 1200 }]
      }
    }
  ],
  ...(dpop === undefined ? {} : { dpop })
})

const serve = (dpop?: TokenVaultEmulator.DpopConfig) =>
  Effect.flatMap(TokenVaultEmulator.make(keyTenant(dpop)), (emulator) => EmulatorServer.serve(emulator))

type Server = Effect.Success<ReturnType<typeof serve>>

/** A client of `server`, disposed when the test's scope closes. */
const client = (server: Server, options: Omit<ConstructorParameters<typeof ApiClient>[0], "domain">) =>
  Effect.acquireRelease(
    Effect.sync(() => new ApiClient({ domain: server.url, ...options })),
    (apiClient) => Effect.promise(() => apiClient.dispose())
  )

const keyClient = (server: Server, options: Omit<ConstructorParameters<typeof ApiClient>[0], "domain" | "clientId">) =>
  client(server, { clientId: KEY_CLIENT, ...options })

const call = <A>(promise: () => Promise<A>) => Effect.promise(promise)
const rejectionOf = (promise: () => Promise<unknown>) => Effect.promise(() => rejection(promise()))

/** The token requests the emulator received. */
const tokenRequests = (server: Server) =>
  Effect.map(server.emulator.requests, (requests) => requests.filter((request) => request.path === "/oauth/token"))

const alice = { connection: "google-oauth2", accessToken: "at-alice" } as const
const bob = { connection: "github", accessToken: "at-bob" } as const

/** Key material of `key` that must never appear in an error: part of the PEM body, the JWK's `d`. */
const keyMaterial = (key: TestKey) => [key.pemBody.slice(100, 160), key.privateJwk.d!]

/** Every rendering of `value` an application might log. */
const renderings = (value: unknown) => [String(value), JSON.stringify(value), inspect(value, { depth: 10 })]

const expectNoneOf = (value: unknown, secrets: ReadonlyArray<string>) => {
  for (const text of renderings(value)) for (const secret of secrets) expect(text).not.toContain(secret)
}

describe("private_key_jwt, Auth0's test cases", () => {
  it.live.each(
    [
      [
        "its lines indented as in a template literal",
        (pem: string) => pem.trim().split("\n").map((line) => `  ${line}`).join("\n")
      ],
      ["with \\r\\n line ends", (pem: string) => pem.replaceAll("\n", "\r\n")]
    ] as const
  )("a PKCS#8 PEM string, %s: the client assertion authenticates", ([_, format]) =>
    Effect.gen(function*() {
      const server = yield* serve()
      const indented = format(keys.RS256.pem)
      const apiClient = yield* keyClient(server, { clientAssertionSigningKey: indented })
      const tokenSet = yield* call(() => apiClient.getAccessTokenForConnection(alice))
      expect(tokenSet.accessToken).toBe("ya29.alice")
      const [request] = yield* tokenRequests(server)
      expect(request!.form.client_id).toBe(KEY_CLIENT)
      expect(request!.form.client_assertion_type).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      expect(request!.form.client_assertion!.split(".")).toHaveLength(3)
      expect(request!.form).not.toHaveProperty("client_secret")
    }))

  it.live.each([[true], [false]] as const)(
    "a CryptoKey imported from PKCS#8 (RSASSA-PKCS1-v1_5, SHA-256; extractable: %s)",
    ([extractable]) =>
      Effect.gen(function*() {
        const server = yield* serve()
        const cryptoKey = yield* call(() =>
          crypto.subtle.importKey(
            "pkcs8",
            Buffer.from(keys.RS256.pemBody, "base64"),
            { name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } },
            extractable,
            ["sign"]
          )
        )
        const apiClient = yield* keyClient(server, { clientAssertionSigningKey: cryptoKey })
        expect((yield* call(() => apiClient.getAccessTokenForConnection(alice))).accessToken).toBe("ya29.alice")
        const [request] = yield* tokenRequests(server)
        expect(decodeJwt(request!.form.client_assertion!).header.alg).toBe("RS256")
      })
  )

  it.live("the assertion's header and claims are those of Auth0's SDK: RS256, iss = sub = client id, aud = issuer", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* keyClient(server, {
        clientAssertionSigningKey: keys.RS256.pem,
        clientAssertionSigningAlg: "RS256"
      })
      yield* call(() => apiClient.getAccessTokenForConnection(alice))
      const [request] = yield* tokenRequests(server)
      const { claims, header } = decodeJwt(request!.form.client_assertion!)
      expect(header.alg).toBe("RS256")
      expect(claims.iss).toBe(KEY_CLIENT)
      expect(claims.sub).toBe(KEY_CLIENT)
      expect(claims.aud).toBe(`${server.url}/`)
      expect(typeof claims.jti).toBe("string")
      expect(claims.nbf).toBe(claims.iat)
      expect((claims.exp as number) - (claims.iat as number)).toBe(60)
    }))

  it.live.each(
    [
      ["not base64", "-----BEGIN PRIVATE KEY-----\nnot*a*key\n-----END PRIVATE KEY-----"],
      // A real key cut short: what the error says must not quote it.
      ["a key cut short", keys.RS256.pem.slice(0, 400) + "\n-----END PRIVATE KEY-----"]
    ] as const
  )(
    "a PEM that is not a key (%s) rejects the call with InvalidConfigurationError, sending nothing",
    ([_, pem]) =>
      Effect.gen(function*() {
        const server = yield* serve()
        const apiClient = yield* keyClient(server, { clientAssertionSigningKey: pem })
        const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(alice))
        expect(error).toBeInstanceOf(InvalidConfigurationError)
        expect(error.code).toBe("invalid_configuration_error")
        expect(error.message).toMatch(/^Invalid clientAssertionSigningKey configuration: /)
        expect(yield* tokenRequests(server)).toEqual([])
        expectNoneOf(error, [keys.RS256.pemBody.slice(100, 160), "not*a*key"])
      })
  )

  it.live.each([[undefined], [""]] as const)(
    "without a secret and with the key %j: MissingClientAuthError, as in Auth0's SDK",
    ([key]) =>
      Effect.gen(function*() {
        const server = yield* serve()
        const apiClient = yield* keyClient(server, { clientAssertionSigningKey: key })
        const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(alice))
        expect(error).toBeInstanceOf(MissingClientAuthError)
        expect(error.message).toBe("The client secret or client assertion signing key must be provided.")
      })
  )
})

describe("private_key_jwt, every algorithm and key form, against the emulator's signature check", () => {
  const forms = ["PEM", "CryptoKey", "CryptoKey with the algorithm named"] as const
  it.live.each(signingAlgorithms.flatMap((algorithm) => forms.map((form) => [algorithm, form] as const)))(
    "%s, the key as %s",
    ([algorithm, form]) =>
      Effect.gen(function*() {
        const server = yield* serve()
        const key = keys[algorithm]
        const apiClient = yield* keyClient(
          server,
          form === "PEM"
            ? { clientAssertionSigningKey: key.pem, clientAssertionSigningAlg: algorithm }
            : form === "CryptoKey"
            // The algorithm is the key's own, as in Auth0's SDK.
            ? { clientAssertionSigningKey: key.privateKey }
            : { clientAssertionSigningKey: key.privateKey, clientAssertionSigningAlg: algorithm }
        )
        expect((yield* call(() => apiClient.getAccessTokenForConnection(alice))).accessToken).toBe("ya29.alice")
        const [request] = yield* tokenRequests(server)
        expect(decodeJwt(request!.form.client_assertion!).header.alg).toBe(algorithm)
      })
  )

  it.live("a fresh assertion for every request", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* keyClient(server, {
        clientAssertionSigningKey: keys.ES256.pem,
        clientAssertionSigningAlg: "ES256"
      })
      yield* call(() => apiClient.getAccessTokenForConnection({ ...alice, cache: false }))
      yield* call(() => apiClient.getAccessTokenForConnection({ ...alice, cache: false }))
      const assertions = (yield* tokenRequests(server)).map((request) => request.form.client_assertion!)
      expect(assertions).toHaveLength(2)
      expect(assertions[0]).not.toBe(assertions[1])
      expect(decodeJwt(assertions[0]!).claims.jti).not.toBe(decodeJwt(assertions[1]!).claims.jti)
    }))

  it.live.each(
    [
      ["a key the tenant does not know", { clientAssertionSigningKey: stranger.pem }],
      // An RSA key signs PS256 too, but the key registered for PS256 is another one.
      ["a known key under an algorithm registered with another key", {
        clientAssertionSigningKey: keys.RS256.pem,
        clientAssertionSigningAlg: "PS256"
      }]
    ] as const
  )("%s: TokenForConnectionError, 401 invalid_client from the emulator", ([_, options]) =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* keyClient(server, { ...options, retry: false })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(alice))
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect(error.statusCode).toBe(401)
      expect((error.cause as { error: string }).error).toBe("invalid_client")
      expect(yield* tokenRequests(server)).toHaveLength(1)
      expectNoneOf(error, [...keyMaterial(stranger), ...keyMaterial(keys.RS256)])
    }))

  it.live.each(
    [
      [
        "an algorithm that does not fit the key",
        { clientAssertionSigningKey: keys.ES256.pem },
        "clientAssertionSigning"
      ],
      ["an algorithm Auth0 does not accept", {
        clientAssertionSigningKey: keys.RS256.pem,
        clientAssertionSigningAlg: "HS256"
      }, "clientAssertionSigningAlg"],
      ["a key that is neither a PEM text nor a CryptoKey", {
        clientAssertionSigningKey: 42 as unknown as string
      }, "clientAssertionSigningKey"]
    ] as const
  )(
    "%s: InvalidConfigurationError naming the option, sending nothing",
    ([_, options, option]) =>
      Effect.gen(function*() {
        const server = yield* serve()
        const apiClient = yield* keyClient(server, options)
        const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(alice))
        expect(error).toBeInstanceOf(InvalidConfigurationError)
        expect(error.message).toContain(`Invalid ${option}`)
        expect(yield* tokenRequests(server)).toEqual([])
        expectNoneOf(error, [...keyMaterial(keys.ES256), ...keyMaterial(keys.RS256)])
      })
  )
})

describe("DPoP", () => {
  const dpopForms = [
    ["a PEM private key", { privateKey: dpopKey.pem }],
    ["a CryptoKey pair", { privateKey: dpopKey.privateKey, publicKey: dpopKey.publicKey }],
    ["a private JWK", { privateKey: dpopKey.privateJwk }]
  ] as const

  it.live.each(dpopForms)(
    "a proof per request, bound to POST and the token URL; the key as %s",
    ([_, dpop]) =>
      Effect.gen(function*() {
        const server = yield* serve()
        const apiClient = yield* client(server, { clientId: CLIENT_ID, clientSecret: "promise-app-secret-value", dpop })
        yield* call(() => apiClient.getAccessTokenForConnection({ ...alice, cache: false }))
        yield* call(() => apiClient.getAccessTokenForConnection({ ...alice, cache: false }))
        const proofs = (yield* tokenRequests(server)).map((request) => request.headers.dpop!)
        expect(proofs).toHaveLength(2)
        expect(proofs[0]).not.toBe(proofs[1])
        const [first, second] = proofs.map(decodeJwt)
        expect(first!.header).toMatchObject({ typ: "dpop+jwt", alg: "ES256", jwk: { kty: "EC", crv: "P-256" } })
        expect(first!.header.jwk).not.toHaveProperty("d")
        expect(first!.claims).toMatchObject({ htm: "POST", htu: `${server.url}/oauth/token` })
        expect(first!.claims).not.toHaveProperty("nonce")
        expect(first!.claims.jti).not.toBe(second!.claims.jti)
      })
  )

  it.live("with a nonce round: use_dpop_nonce is answered by one resend with the nonce, remembered for later calls", () =>
    Effect.gen(function*() {
      const server = yield* serve({ requireNonce: true })
      const apiClient = yield* client(server, {
        clientId: CLIENT_ID,
        clientSecret: "promise-app-secret-value",
        dpop: { privateKey: dpopKey.pem },
        retry: false
      })
      expect((yield* call(() => apiClient.getAccessTokenForConnection({ ...alice, cache: false }))).accessToken)
        .toBe("ya29.alice")
      expect(yield* tokenRequests(server)).toHaveLength(2)
      yield* call(() => apiClient.getAccessTokenForConnection({ ...alice, cache: false }))
      const requests = yield* tokenRequests(server)
      expect(requests).toHaveLength(3)
      const nonces = requests.map((request) => decodeJwt(request.headers.dpop!).claims.nonce)
      expect(nonces[0]).toBeUndefined()
      expect(typeof nonces[1]).toBe("string")
      expect(nonces[2]).toBe(nonces[1])
    }))

  it.live("a DPoP-bound subject token is exchanged with its key, and refused with another", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const bound = { connection: "github", accessToken: "at-bob-dpop" } as const
      const own = yield* client(server, {
        clientId: CLIENT_ID,
        clientSecret: "promise-app-secret-value",
        dpop: { privateKey: dpopKey.privateKey, publicKey: dpopKey.publicKey }
      })
      expect((yield* call(() => own.getAccessTokenForConnection(bound))).accessToken).toBe("gho_bob")
      const other = yield* client(server, {
        clientId: CLIENT_ID,
        clientSecret: "promise-app-secret-value",
        dpop: { privateKey: otherDpopKey.pem },
        retry: false
      })
      const error = yield* rejectionOf(() => other.getAccessTokenForConnection(bound))
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect(error.statusCode).toBeGreaterThanOrEqual(400)
      expectNoneOf(error, [...keyMaterial(otherDpopKey), "at-bob-dpop"])
    }))

  it.live.each(
    [
      ["a private key that is not a key", {
        privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
      }],
      ["a non-extractable CryptoKey without its public key", { privateKey: sealedDpopKey }],
      ["the public key of another key", { privateKey: dpopKey.privateKey, publicKey: otherDpopKey.publicKey }],
      ["an algorithm that does not fit the key", { privateKey: dpopKey.pem, algorithm: "RS256" as const }]
    ] as const
  )("%s: InvalidConfigurationError naming dpop, sending nothing", ([_, dpop]) =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* client(server, { clientId: CLIENT_ID, clientSecret: "promise-app-secret-value", dpop })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(alice))
      expect(error).toBeInstanceOf(InvalidConfigurationError)
      expect(error.message).toMatch(/^Invalid dpop/)
      expect(yield* tokenRequests(server)).toEqual([])
      expectNoneOf(error, keyMaterial(dpopKey))
    }))
})

describe("call options: scope and forwardedFor", () => {
  it.live("scope is sent and down-scopes the answer; it is part of the cache key, its order is not", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* client(server, { clientId: CLIENT_ID, clientSecret: "promise-app-secret-value" })
      const read = yield* call(() => apiClient.getAccessTokenForConnection({ ...bob, scope: "read:user user:email" }))
      expect(read.scope).toBe("read:user user:email")
      yield* call(() => apiClient.getAccessTokenForConnection({ ...bob, scope: "user:email read:user" }))
      const full = yield* call(() => apiClient.getAccessTokenForConnection(bob))
      expect(full.scope).toBe("repo read:user user:email")
      const requests = yield* tokenRequests(server)
      expect(requests.map((request) => request.form.scope)).toEqual(["read:user user:email", undefined])

      // invalidate() with the scope drops that entry only.
      yield* call(() => apiClient.invalidate({ ...bob, scope: "user:email read:user" }))
      yield* call(() => apiClient.getAccessTokenForConnection({ ...bob, scope: "read:user user:email" }))
      yield* call(() => apiClient.getAccessTokenForConnection(bob))
      expect(yield* tokenRequests(server)).toHaveLength(3)
    }))

  it.live("a scope the user did not grant: TokenForConnectionError with Auth0's invalid_scope", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* client(server, { clientId: CLIENT_ID, clientSecret: "promise-app-secret-value" })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection({ ...bob, scope: "admin:org" }))
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect((error.cause as { error: string }).error).toBe("invalid_scope")
    }))

  it.live("forwardedFor reaches Auth0 as auth0-forwarded-for, and is not part of the cache key", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* client(server, { clientId: CLIENT_ID, clientSecret: "promise-app-secret-value" })
      yield* call(() => apiClient.getAccessTokenForConnection({ ...bob, forwardedFor: "203.0.113.7" }))
      yield* call(() => apiClient.getAccessTokenForConnection({ ...bob, forwardedFor: "2001:db8::7" }))
      yield* call(() => apiClient.getAccessTokenForConnection({ ...bob, forwardedFor: "2001:db8::7", cache: false }))
      const requests = yield* tokenRequests(server)
      expect(requests.map((request) => request.forwardedFor)).toEqual(["203.0.113.7", "2001:db8::7"])
    }))

  it.live.each(
    [
      ["forwardedFor", { forwardedFor: "not-an-ip" }],
      ["forwardedFor", { forwardedFor: "203.0.113.7, 10.0.0.1" }],
      ["scope", { scope: "   " }],
      ["scope", { scope: "read\"user" }]
    ] as const
  )("an invalid %s rejects the call naming it, sending nothing", ([argument, options]) =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* client(server, { clientId: CLIENT_ID, clientSecret: "promise-app-secret-value" })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection({ ...bob, ...options }))
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect(error.message).toContain(argument)
      expect((error as TokenForConnectionError).reason).toBe("invalid_argument")
      expect(yield* tokenRequests(server)).toEqual([])
    }))
})

describe("no key material anywhere", () => {
  it.live("neither the client, nor the errors of a call with a key and DPoP, show a key, an assertion or a proof", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const apiClient = yield* keyClient(server, {
        clientAssertionSigningKey: keys.PS384.pem,
        clientAssertionSigningAlg: "PS384",
        dpop: { privateKey: dpopKey.privateJwk },
        retry: false
      })
      yield* call(() => apiClient.getAccessTokenForConnection(alice))
      // Auth0 refuses slack (alice has not connected it): the error goes through the same client.
      const refused = yield* rejectionOf(() =>
        apiClient.getAccessTokenForConnection({ connection: "slack", accessToken: "at-alice" })
      )
      expect(refused).toBeInstanceOf(TokenForConnectionError)
      const signed = (yield* tokenRequests(server)).flatMap((
        request
      ) => [request.form.client_assertion!, request.headers.dpop!])
      expect(signed).toHaveLength(4)
      const secrets = [...keyMaterial(keys.PS384), ...keyMaterial(dpopKey), ...signed]
      expectNoneOf(refused, secrets)
      expectNoneOf(apiClient, secrets)
    }))
})
