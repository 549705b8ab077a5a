/**
 * DPoP (RFC 9449) at the emulator's token endpoint: proofs verified (typ, alg, jwk, signature, htm,
 * htu, iat, jti), nonces issued and required, DPoP-bound subject tokens, `token_type: "DPoP"`.
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as TestClock from "effect/testing/TestClock"
import { DOMAIN, formBody, json, type Params, tenant, tokenRequest } from "./fixtures.js"
import { dpopProof, generateKey, signJwt, type TestKey } from "./jose-fixtures.js"

const TOKEN_URL = `https://${DOMAIN}/oauth/token`

const clientKey = await generateKey("ES256")
const rsaKey = await generateKey("PS256")
const otherKey = await generateKey("ES256")

const dpopTenant: TokenVaultEmulator.TenantConfig = {
  ...tenant,
  users: [
    ...tenant.users,
    {
      userId: "auth0|dana",
      accessTokens: [{ token: "at-dana-bound", dpopJkt: clientKey.thumbprint }],
      connections: { github: [{ accessToken: "gho_dana" }] }
    }
  ]
}

const nowSeconds = Effect.map(Clock.currentTimeMillis, (millis) => Math.floor(millis / 1000))

const proof = (key: TestKey = clientKey, overrides: Record<string, unknown> = {}, htu = TOKEN_URL) =>
  Effect.flatMap(nowSeconds, (now) => dpopProof(key, htu, now, overrides))

const withProof = (sent: string | undefined, overrides: Params = {}) =>
  tokenRequest(overrides, sent === undefined ? {} : { dpop: sent })

const expectInvalidProof = (response: TokenVaultEmulator.EmulatorResponse, check: string, sent: string) => {
  expect(response.status).toBe(400)
  expect(json(response)).toStrictEqual({
    error: "invalid_dpop_proof",
    error_description: `Invalid DPoP proof: ${check}`
  })
  expect(response.body).not.toContain(sent)
}

describe("DPoP: proofs", () => {
  it.effect("a valid proof gets token_type DPoP; without one, Bearer; no nonce header unless required", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      for (const key of [clientKey, rsaKey]) {
        const response = yield* emulator.handle(withProof(yield* proof(key)))
        expect(response.status).toBe(200)
        expect(json(response)).toMatchObject({ access_token: "ya29.alice-personal", token_type: "DPoP" })
        expect(response.headers["dpop-nonce"]).toBeUndefined()
      }
      expect(json(yield* emulator.handle(withProof(undefined)))).toMatchObject({ token_type: "Bearer" })
      // A jwk as WebCrypto's exportKey("jwk") writes it (ext, key_ops) is accepted too.
      const exported = { ...clientKey.publicJwk, ext: true, key_ops: ["verify"] } as unknown as Schema.Json
      const webCryptoJwk = yield* Effect.flatMap(
        nowSeconds,
        (now) => dpopProof(clientKey, TOKEN_URL, now, {}, { jwk: exported })
      )
      expect(json(yield* emulator.handle(withProof(webCryptoJwk)))).toMatchObject({ token_type: "DPoP" })
    }))

  it.effect("ignores the query of the request URL, and reads a relative URL with the request's scheme and host", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      const withQuery = yield* emulator.handle({
        ...withProof(yield* proof(clientKey, {}, `${TOKEN_URL}?ignored=1`)),
        url: `${TOKEN_URL}?other=2`
      })
      expect(withQuery.status).toBe(200)
      const loopback = "http://127.0.0.1:4010/oauth/token"
      const onLoopback = (sent: string, scheme?: "http") =>
        emulator.handle({
          ...withProof(sent),
          headers: { "content-type": "application/x-www-form-urlencoded", host: "127.0.0.1:4010", dpop: sent },
          ...(scheme === undefined ? {} : { scheme })
        })
      expect((yield* onLoopback(yield* proof(clientKey, {}, loopback), "http")).status).toBe(200)
      // Without `scheme`, a path is read with the tenant's scheme (https): an http htu does not match.
      const sent = yield* proof(clientKey, {}, loopback)
      expectInvalidProof(
        yield* onLoopback(sent),
        "htu must be the URL the request was made to (https://127.0.0.1:4010/oauth/token)",
        sent
      )
    }))

  it.effect("a replayed proof is rejected", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      const sent = yield* proof()
      expect((yield* emulator.handle(withProof(sent))).status).toBe(200)
      expectInvalidProof(yield* emulator.handle(withProof(sent)), "jti has already been used (replayed proof)", sent)
    }))

  it.effect("htm and htu must name the request", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      const wrongMethod = yield* proof(clientKey, { htm: "GET" })
      expectInvalidProof(yield* emulator.handle(withProof(wrongMethod)), "htm must be POST", wrongMethod)
      for (
        const htu of [
          `https://${DOMAIN}/oauth/revoke`,
          "https://other.example.com/oauth/token",
          `http://${DOMAIN}/oauth/token`,
          "not a url"
        ]
      ) {
        const sent = yield* proof(clientKey, {}, htu)
        expectInvalidProof(
          yield* emulator.handle(withProof(sent)),
          `htu must be the URL the request was made to (${TOKEN_URL})`,
          sent
        )
      }
    }))

  it.effect("iat must be within 60 seconds of the emulator's Clock", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      const old = yield* proof()
      yield* TestClock.adjust("61 seconds")
      expectInvalidProof(
        yield* emulator.handle(withProof(old)),
        "iat must be within 60 seconds of the server's time",
        old
      )
      const future = yield* Effect.flatMap(nowSeconds, (now) => dpopProof(clientKey, TOKEN_URL, now + 61))
      expectInvalidProof(
        yield* emulator.handle(withProof(future)),
        "iat must be within 60 seconds of the server's time",
        future
      )
      const slightlyOld = yield* Effect.flatMap(nowSeconds, (now) => dpopProof(clientKey, TOKEN_URL, now - 59))
      expect((yield* emulator.handle(withProof(slightlyOld))).status).toBe(200)
    }))

  it.effect("the header and signature checks: typ, alg, jwk, signature, one proof, jti", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      const now = yield* nowSeconds
      const claims = { jti: "j", htm: "POST", htu: TOKEN_URL, iat: now }
      const asJson = (jwk: object) => jwk as unknown as Schema.Json
      const jwk = asJson(clientKey.publicJwk)
      const cases: ReadonlyArray<readonly [string, string]> = [
        [yield* signJwt(claims, clientKey, { typ: "JWT", jwk }), "typ must be dpop+jwt"],
        [yield* signJwt(claims, clientKey, { typ: "dpop+jwt" }), "the header has no jwk"],
        [
          yield* signJwt(claims, clientKey, {
            typ: "dpop+jwt",
            jwk: asJson(Redacted.value(clientKey.privateJwk))
          }),
          "the jwk contains private key members"
        ],
        [
          yield* signJwt(claims, clientKey, { typ: "dpop+jwt", jwk: asJson(otherKey.publicJwk) }),
          "the signature does not verify with the jwk"
        ],
        [
          yield* signJwt(claims, clientKey, { typ: "dpop+jwt", jwk: asJson(rsaKey.publicJwk) }),
          "the jwk is not a public key for ES256"
        ],
        [yield* dpopProof(clientKey, TOKEN_URL, now, { jti: undefined }), "jti is missing"],
        ["a.b.c", "it is not a signed JWT (compact JWS with a JSON object payload)"]
      ]
      for (const [sent, check] of cases) expectInvalidProof(yield* emulator.handle(withProof(sent)), check, sent)
      const two = `${yield* proof()}, ${yield* proof()}`
      expectInvalidProof(yield* emulator.handle(withProof(two)), "exactly one DPoP header is allowed", two)
    }))

  it.effect("a proof is checked before client authentication, and a bad one is never echoed", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      const sent = yield* proof(clientKey, { htm: "PUT" })
      expectInvalidProof(yield* emulator.handle(withProof(sent, { client_secret: "wrong" })), "htm must be POST", sent)
    }))
})

describe("DPoP: nonces", () => {
  const nonceTenant: TokenVaultEmulator.TenantConfig = { ...dpopTenant, dpop: { requireNonce: true } }

  it.effect("a proof without the nonce gets use_dpop_nonce and the nonce; the retry with it succeeds", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(nonceTenant)
      const first = yield* emulator.handle(withProof(yield* proof()))
      expect(first.status).toBe(400)
      expect(json(first)).toStrictEqual({
        error: "use_dpop_nonce",
        error_description: "Authorization server requires nonce in DPoP proof"
      })
      const nonce = first.headers["dpop-nonce"]
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/)
      const retry = yield* emulator.handle(withProof(yield* proof(clientKey, { nonce })))
      expect(retry.status).toBe(200)
      expect(json(retry)).toMatchObject({ token_type: "DPoP" })
      expect(retry.headers["dpop-nonce"]).toBe(nonce)
      // A stale or made-up nonce is refused the same way.
      const stale = yield* emulator.handle(withProof(yield* proof(clientKey, { nonce: "made-up" })))
      expect(json(stale)["error"]).toBe("use_dpop_nonce")
    }))

  it.effect("every token endpoint answer carries the nonce, errors and Bearer requests too; each emulator has its own", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(nonceTenant)
      const bearer = yield* emulator.handle(withProof(undefined))
      expect(json(bearer)).toMatchObject({ token_type: "Bearer" })
      const denied = yield* emulator.handle(withProof(undefined, { client_secret: "wrong" }))
      expect(denied.status).toBe(401)
      expect(denied.headers["dpop-nonce"]).toBe(bearer.headers["dpop-nonce"])
      const other = yield* TokenVaultEmulator.make(nonceTenant)
      const otherNonce = (yield* other.handle(withProof(undefined))).headers["dpop-nonce"]
      expect(otherNonce).toBeDefined()
      expect(otherNonce).not.toBe(bearer.headers["dpop-nonce"])
    }))

  it.effect("the nonce round does not use up the proof's jti (only accepted proofs are remembered)", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(nonceTenant)
      const now = yield* nowSeconds
      const first = yield* emulator.handle(withProof(yield* dpopProof(clientKey, TOKEN_URL, now, { jti: "same" })))
      const nonce = first.headers["dpop-nonce"]
      const retry = yield* emulator.handle(
        withProof(yield* dpopProof(clientKey, TOKEN_URL, now, { jti: "same", nonce }))
      )
      expect(retry.status).toBe(200)
    }))
})

describe("DPoP: bound subject tokens", () => {
  const bound: Params = { subject_token: "at-dana-bound", connection: "github" }

  it.effect("needs a proof with its key", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(dpopTenant)
      const without = yield* emulator.handle(withProof(undefined, bound))
      expect(without.status).toBe(400)
      expect(json(without)).toStrictEqual({
        error: "invalid_dpop_proof",
        error_description: "Invalid DPoP proof: the subject token is DPoP-bound: send a proof signed with its key"
      })
      const otherSent = yield* proof(otherKey)
      expectInvalidProof(
        yield* emulator.handle(withProof(otherSent, bound)),
        "the subject token is bound to another key",
        otherSent
      )
      const ok = yield* emulator.handle(withProof(yield* proof(clientKey), bound))
      expect(ok.status).toBe(200)
      expect(json(ok)).toMatchObject({ access_token: "gho_dana", token_type: "DPoP" })
      expect(without.body).not.toContain("at-dana-bound")
    }))

  it.effect("a dpopJkt that is not a thumbprint is a defect at make", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(TokenVaultEmulator.make({
        ...tenant,
        users: [{ userId: "auth0|eve", accessTokens: [{ token: "at-eve", dpopJkt: "not-a-thumbprint" }] }]
      }))
      expect(exit._tag).toBe("Failure")
      expect(String(exit)).toContain("has a dpopJkt that is not a base64url SHA-256 JWK thumbprint")
    }))
})

describe("DPoP over the loopback server", () => {
  it.live("htu is the server's token endpoint (scheme, host and path of the connection)", () =>
    Effect.scoped(Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make({ ...dpopTenant, dpop: { requireNonce: true } })
      const server = yield* EmulatorServer.serve(emulator)
      const post = (dpop: string) =>
        Effect.promise(() =>
          fetch(server.tokenEndpoint, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", dpop },
            body: formBody()
          })
        )
      const now = Math.floor(Date.now() / 1000)
      const first = yield* post(yield* dpopProof(clientKey, server.tokenEndpoint, now))
      expect(first.status).toBe(400)
      const nonce = first.headers.get("dpop-nonce") ?? ""
      const retry = yield* post(yield* dpopProof(clientKey, server.tokenEndpoint, now, { nonce }))
      expect(retry.status).toBe(200)
      expect(yield* Effect.promise(() => retry.json())).toMatchObject({ token_type: "DPoP" })
    })))
})
