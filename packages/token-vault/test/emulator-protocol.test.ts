import { TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { Digest } from "effect/crypto"
import { Jwk } from "effect/jose"
import { algorithms, keyForms, webCryptoAlgorithm } from "./utils/signingKeys.js"

/**
 * The protocol features of issue #10 end to end, against the emulator's own checks: its signature
 * check of client assertions, its DPoP proofs and nonces, its scope down-scoping, and each of the
 * connection situations it can be put into, caught by tag.
 */

type Algorithm = TokenVaultOptions.SigningAlgorithm

const keys = Object.fromEntries(algorithms.map((algorithm) => [algorithm, keyForms(algorithm)])) as Record<
  Algorithm,
  ReturnType<typeof keyForms>
>
const otherRsaKey = keyForms("RS256")
const dpopKey = keyForms("ES256")

const user = {
  userId: "auth0|alice",
  accessTokens: ["alice-at"],
  refreshTokens: ["alice-rt"],
  connections: {
    github: [{ accessToken: "gho_alice", scope: "repo read:user gist" }],
    "google-oauth2": [{ loginHint: "alice@example.com", accessToken: "ya29.alice" }],
    slack: [{ accessToken: "xoxp-alice" }]
  }
}

const makeTenant = async (dpopJkt: string): Promise<TokenVaultEmulator.TenantConfig> => ({
  domain: "tenant.test",
  dpop: { requireNonce: true },
  clients: [
    { clientId: "secret-app", clientSecret: "secret-app-secret" },
    { clientId: "no-grant", clientSecret: "no-grant-secret", tokenVaultGrant: false },
    { clientId: "third-party", clientSecret: "third-party-secret", firstParty: false },
    ...algorithms.map((algorithm) => ({
      clientId: `jwt-${algorithm}`,
      authMethods: ["private_key_jwt"] as const,
      clientAssertionKeys: [{
        algorithm,
        // RSA keys registered as SPKI PEM, EC keys as JWK: both forms the emulator takes.
        publicKey: algorithm.startsWith("ES")
          ? keys[algorithm].publicJwk
          : keys[algorithm].pair.publicKey.export({ format: "pem", type: "spki" }) as string
      }]
    }))
  ],
  users: [user, {
    userId: "auth0|bob",
    accessTokens: [{ token: "bob-bound-at", dpopJkt }],
    connections: { github: [{ accessToken: "gho_bob" }] }
  }]
})

const thumbprint = await Effect.runPromise(
  Jwk.thumbprint(dpopKey.publicJwk).pipe(
    Effect.provide(Digest.layerWebCrypto)
  )
)

/** A client of the emulated tenant over the in-memory HttpClient, with the emulator in context too. */
const withClient = (options: Omit<TokenVaultOptions.TokenVaultOptions, "domain">) =>
  Effect.provide(
    Layer.unwrap(Effect.map(
      Effect.promise(() => makeTenant(thumbprint)),
      (tenant) =>
        TokenVault.layer({ domain: "tenant.test", ...options }).pipe(
          Layer.provideMerge(EmulatorHttpClient.layerTenant(tenant))
        )
    ))
  )

const secretApp = { clientId: "secret-app", clientSecret: Redacted.make("secret-app-secret") }
const github = { connection: "github", accessToken: "alice-at" } as const

const tokenPosts = Effect.map(
  TokenVaultEmulator.requests,
  (requests) => requests.filter((request) => request.path === "/oauth/token")
)

describe("private_key_jwt against the emulator's signature check", () => {
  it.effect.each(algorithms)(
    "%s, the key as PEM, JWK, Redacted JWK and CryptoKey",
    (algorithm) =>
      Effect.gen(function*() {
        const { jwk, pair, pem } = keys[algorithm]
        const forms: ReadonlyArray<TokenVaultOptions.SigningKey> = [
          Redacted.make(pem),
          jwk,
          Redacted.make(jwk),
          pair.privateKey.toCryptoKey(webCryptoAlgorithm(algorithm), false, ["sign"]) as TokenVaultOptions.SigningKey
        ]
        for (const key of forms) {
          const tokenSet = yield* TokenVault.getAccessTokenForConnection({ ...github, cache: false }).pipe(
            withClient({
              clientId: `jwt-${algorithm}`,
              clientAssertionSigningKey: key,
              clientAssertionSigningAlg: algorithm,
              dpop: { privateKey: dpopKey.jwk }
            })
          )
          expect(Redacted.value(tokenSet.accessToken)).toBe("gho_alice")
        }
      })
  )

  it.effect("a key the client did not register is Auth0's invalid_client, with the advice to check the key", () =>
    Effect.gen(function*() {
      const error = yield* TokenVault.getAccessTokenForConnection(github).pipe(
        withClient({
          clientId: "jwt-RS256",
          clientAssertionSigningKey: Redacted.make(otherRsaKey.pem),
          dpop: { privateKey: dpopKey.jwk }
        }),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "TokenExchangeError", status: 401, error: "invalid_client" })
      expect(error.message).toContain("check the client id")
    }))

  it.effect("a registered key signing with another algorithm is refused by the emulator", () =>
    Effect.gen(function*() {
      // The RS256 client's key, used for RS384: a valid signature with an algorithm not registered.
      const error = yield* TokenVault.getAccessTokenForConnection(github).pipe(
        withClient({
          clientId: "jwt-RS256",
          clientAssertionSigningKey: Redacted.make(keys.RS256.pem),
          clientAssertionSigningAlg: "RS384",
          dpop: { privateKey: dpopKey.jwk }
        }),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "TokenExchangeError", status: 401, error: "invalid_client" })
    }))
})

describe("DPoP against the emulator's nonces", () => {
  it.effect("the first request learns the nonce (two requests), later calls send it (one each)", () =>
    Effect.gen(function*() {
      yield* TokenVault.getAccessTokenForConnection(github)
      expect(yield* tokenPosts).toHaveLength(2)
      const tokenSet = yield* TokenVault.getAccessTokenForConnection({ ...github, cache: false })
      expect(Redacted.value(tokenSet.accessToken)).toBe("gho_alice")
      const posts = yield* tokenPosts
      expect(posts).toHaveLength(3)
      const proofs = posts.map((post) => post.headers["dpop"])
      expect(new Set(proofs).size).toBe(3)
    }).pipe(withClient({ ...secretApp, dpop: { privateKey: dpopKey.jwk } })))

  it.effect("a DPoP-bound Auth0 token needs the proof of its key", () =>
    Effect.gen(function*() {
      const bound = { connection: "github", accessToken: "bob-bound-at" } as const
      const tokenSet = yield* TokenVault.getAccessTokenForConnection(bound).pipe(
        withClient({ ...secretApp, dpop: { privateKey: Redacted.make(dpopKey.pem) } })
      )
      expect(Redacted.value(tokenSet.accessToken)).toBe("gho_bob")
      const other = keyForms("ES256").jwk
      const error = yield* TokenVault.getAccessTokenForConnection(bound).pipe(
        withClient({ ...secretApp, dpop: { privateKey: other } }),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "TokenExchangeError", status: 400, error: "invalid_dpop_proof" })
      // And without DPoP at all, the bound token is refused the same way.
      const withoutProof = yield* TokenVault.getAccessTokenForConnection(bound).pipe(withClient(secretApp), Effect.flip)
      expect(withoutProof).toMatchObject({ _tag: "TokenExchangeError", status: 400, error: "invalid_dpop_proof" })
    }))
})

describe("scope and forwardedFor against the emulator", () => {
  it.effect("scope down-scopes the answer and keys the cache; a scope not granted is refused", () =>
    Effect.gen(function*() {
      const all = yield* TokenVault.getAccessTokenForConnection(github)
      expect(all.scope).toBe("repo read:user gist")
      const readOnly = yield* TokenVault.getAccessTokenForConnection({ ...github, scope: "read:user" })
      expect(readOnly.scope).toBe("read:user")
      const again = yield* TokenVault.getAccessTokenForConnection({ ...github, scope: "read:user" })
      expect(again.scope).toBe("read:user")
      const forms = (yield* tokenPosts).map((post) => post.form["scope"])
      // The DPoP nonce round makes the first call two requests; the third call is a cache hit.
      expect(forms.filter((scope) => scope === "read:user")).toHaveLength(1)

      const error = yield* Effect.flip(TokenVault.getAccessTokenForConnection({ ...github, scope: "admin:org" }))
      expect(error).toMatchObject({ _tag: "TokenExchangeError", status: 400, error: "invalid_scope" })
    }).pipe(withClient({ ...secretApp, dpop: { privateKey: dpopKey.jwk } })))

  it.effect("forwardedFor reaches the emulator as auth0-forwarded-for", () =>
    Effect.gen(function*() {
      yield* TokenVault.getAccessTokenForConnection({ ...github, forwardedFor: "198.51.100.23" })
      const posts = yield* tokenPosts
      expect(posts.at(-1)?.forwardedFor).toBe("198.51.100.23")
    }).pipe(withClient({ ...secretApp, dpop: { privateKey: dpopKey.jwk } })))
})

describe("each situation of a connection is its own tagged error", () => {
  const client = withClient({ ...secretApp, dpop: { privateKey: dpopKey.jwk } })
  const situations: ReadonlyArray<[TokenVaultEmulator.IdentityStatus, string, number, string]> = [
    ["refresh_token_not_found", "AccountNotConnectedError", 401, "federated_connection_refresh_token_not_found"],
    ["tokenset_not_found", "AccountNotConnectedError", 401, "tokenset_not_found"],
    ["refresh_failed", "ReconnectRequiredError", 401, "federated_connection_refresh_token_flow_failed"],
    ["mfa_required", "MfaRequiredError", 403, "mfa_required"]
  ]

  it.effect.each(situations)("%s: %s", ([status, tag, httpStatus, code]) =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setIdentityStatus({ userId: "auth0|alice", connection: "slack" }, status)
      const handled = yield* TokenVault.getAccessTokenForConnection({ connection: "slack", refreshToken: "alice-rt" })
        .pipe(
          Effect.as("no error"),
          Effect.catchTags({
            AccountNotConnectedError: (error) => Effect.succeed(error),
            ReconnectRequiredError: (error) => Effect.succeed(error),
            MfaRequiredError: (error) => Effect.succeed(error)
          }),
          Effect.orDie
        )
      expect(handled).toMatchObject({ _tag: tag, status: httpStatus, error: code, connection: "slack" })
      if (typeof handled !== "string" && handled._tag === "MfaRequiredError") {
        const mfaToken = Redacted.value(handled.mfaToken!)
        expect(mfaToken.length).toBeGreaterThan(8)
        expect(`${handled.message} ${String(handled)} ${JSON.stringify(handled)}`).not.toContain(mfaToken)
      }
      // Back to connected, the same call succeeds: nothing was cached from the failure.
      yield* TokenVaultEmulator.setIdentityStatus({ userId: "auth0|alice", connection: "slack" }, "connected")
      const tokenSet = yield* TokenVault.getAccessTokenForConnection({ connection: "slack", refreshToken: "alice-rt" })
      expect(Redacted.value(tokenSet.accessToken)).toBe("xoxp-alice")
    }).pipe(client))

  it.effect("an unknown subject token: InvalidSubjectTokenError", () =>
    Effect.gen(function*() {
      const error = yield* TokenVault.getAccessTokenForConnection({ connection: "slack", accessToken: "nobody-at" })
        .pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "InvalidSubjectTokenError", status: 401, error: "invalid_grant" })
    }).pipe(client))

  it.effect.each(
    [
      ["no-grant", "no-grant-secret", 403, "unauthorized_client"],
      ["third-party", "third-party-secret", 403, "access_denied"]
    ] as const
  )("client %s: ClientNotAllowedError", ([clientId, secret, status, code]) =>
    Effect.gen(function*() {
      const error = yield* TokenVault.getAccessTokenForConnection(github).pipe(
        Effect.catchTag("ClientNotAllowedError", (error) => Effect.succeed(error)),
        withClient({ clientId, clientSecret: Redacted.make(secret), dpop: { privateKey: dpopKey.jwk } })
      )
      expect(error).toMatchObject({ _tag: "ClientNotAllowedError", status, error: code, connection: "github" })
    }))
})
