import { TokenTransport, TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import { SecureRandom, Signature } from "effect/crypto"
import { Jwk, Jws } from "effect/jose"
import { webcrypto } from "node:crypto"
import { algorithms, keyForms, keyPair } from "./utils/signingKeys.js"
import * as Transports from "./utils/transports.js"

const domain = "tenant.auth0.com"
const tokenUrl = `https://${domain}/oauth/token`
const success: TokenTransport.TokenResponse = {
  status: 200,
  header: () => undefined,
  body: JSON.stringify({ access_token: "federated", expires_in: 3600 })
}

/** A recording `TokenTransport` answering `answers` in turn, next to an HttpClient that must not be used. */
const recordingTransport = (...answers: ReadonlyArray<TokenTransport.TokenResponse>) => {
  const transport = Transports.recordingTransport(...answers)
  return { sent: transport.sent, layer: Layer.merge(transport.layer, Transports.unusedHttpClient().layer) }
}

const jose = Signature.layerWebCrypto.pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))

type Algorithm = TokenVaultOptions.SigningAlgorithm

const verifyJwt = (token: string, publicJwk: Jwk.PublicJwk, algorithm: Algorithm) =>
  Effect.gen(function*() {
    const key = yield* Jwk.importPublic(publicJwk, algorithm)
    const verified = yield* Jws.verify(token, key)
    return {
      header: verified.protectedHeader as Record<string, unknown>,
      claims: JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>
    }
  }).pipe(Effect.provide(jose))

const call = { connection: "github", accessToken: "subject-token" }

describe("private_key_jwt", () => {
  it.effect.each(algorithms)(
    "%s: a fresh client assertion per request, signed with the key, as Auth0's SDKs make it",
    (algorithm) =>
      Effect.gen(function*() {
        const keys = keyForms(algorithm)
        for (
          const [form, key, publicJwk] of [
            ["PEM", Redacted.make(keys.pem), keys.publicJwk],
            ["JWK", keys.jwk, keys.publicJwk],
            ["Redacted JWK", Redacted.make(keys.jwk), keys.publicJwk]
          ] as const
        ) {
          const transport = recordingTransport(success)
          const vault = yield* TokenVault.make({
            domain,
            clientId: "signing-client",
            clientAssertionSigningKey: key,
            clientAssertionSigningAlg: algorithm
          }).pipe(Effect.provide(transport.layer))
          yield* vault.getAccessTokenForConnection(call)
          yield* vault.getAccessTokenForConnection({ ...call, cache: false })
          expect(transport.sent, form).toHaveLength(2)
          const jtis = new Set<unknown>()
          for (const request of transport.sent) {
            const form = new URLSearchParams(request.body)
            expect(form.get("client_id")).toBe("signing-client")
            expect(form.get("client_secret")).toBeNull()
            expect(form.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            const { claims, header } = yield* verifyJwt(form.get("client_assertion")!, publicJwk, algorithm)
            expect(header.alg).toBe(algorithm)
            expect(claims).toMatchObject({ iss: "signing-client", sub: "signing-client", aud: `https://${domain}/` })
            expect(claims.exp).toBe((claims.iat as number) + 60)
            expect(claims.nbf).toBe(claims.iat)
            jtis.add(claims.jti)
          }
          expect(jtis.size).toBe(2)
        }
      }).pipe(Effect.scoped)
  )

  it.effect("a CryptoKey signs too, and a retried request gets a new assertion", () =>
    Effect.gen(function*() {
      const pair = yield* Effect.promise(() =>
        webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])
      )
      const publicJwk = (yield* Effect.promise(() =>
        webcrypto.subtle.exportKey("jwk", pair.publicKey)
      )) as unknown as Jwk.PublicJwk
      const transport = recordingTransport({ status: 503, header: () => undefined, body: "" }, success)
      yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(TokenVault.layer({
          domain,
          clientId: "signing-client",
          clientAssertionSigningKey: pair.privateKey,
          clientAssertionSigningAlg: "ES256",
          retry: { baseDelay: 0 }
        })),
        Effect.provide(transport.layer)
      )
      expect(transport.sent).toHaveLength(2)
      const assertions = transport.sent.map((request) => new URLSearchParams(request.body).get("client_assertion")!)
      expect(assertions[0]).not.toBe(assertions[1])
      for (const assertion of assertions) yield* verifyJwt(assertion, publicJwk, "ES256")
    }))

  it.effect("a key that does not fit its algorithm, or no key, fails the client before any request", () =>
    Effect.gen(function*() {
      const transport = recordingTransport(success)
      const rsa = keyForms("RS256")
      const cases: ReadonlyArray<[string, Partial<TokenVaultOptions.TokenVaultOptions>]> = [
        ["clientAssertionSigningKey", {
          clientAssertionSigningKey: Redacted.make(rsa.pem),
          clientAssertionSigningAlg: "ES256"
        }],
        ["clientAssertionSigningKey", {
          clientAssertionSigningKey: Redacted.make("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----")
        }],
        ["clientAssertionSigningKey", {
          clientAssertionSigningKey: { kty: "RSA", n: "x", e: "AQAB", d: "y" } as never
        }],
        ["clientAssertionSigningAlg", {
          clientAssertionSigningKey: Redacted.make(rsa.pem),
          clientAssertionSigningAlg: "HS256" as never
        }],
        ["clientAssertionSigningKey", {
          clientAuthentication: "private_key_jwt",
          clientSecret: Redacted.make("s3cret")
        }],
        ["clientAssertionSigningKey", {
          clientAuthentication: "client_secret_basic",
          clientSecret: Redacted.make("s3cret"),
          clientAssertionSigningKey: Redacted.make(rsa.pem)
        }],
        ["clientAssertionSigningKey", { clientAssertionSigningKey: 42 as never }]
      ]
      for (const [option, extra] of cases) {
        const error = yield* TokenVault.make({ domain, clientId: "signing-client", ...extra }).pipe(
          Effect.provide(transport.layer),
          Effect.flip
        )
        expect(error._tag, option).toBe("InvalidConfigurationError")
        expect((error as TokenVaultError.InvalidConfigurationError).option, JSON.stringify(extra)).toBe(option)
        expect(error.message).not.toContain("not a key")
        expect(error.message).not.toContain(rsa.pem.slice(40, 80))
      }
      expect(transport.sent).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.effect("a wiped key is a typed error naming the option, not a defect", () =>
    Effect.gen(function*() {
      const key = Redacted.make(keyForms("RS256").pem)
      Redacted.wipeUnsafe(key)
      const transport = recordingTransport(success)
      const exit = yield* Effect.exit(
        TokenVault.make({ domain, clientId: "c", clientAssertionSigningKey: key }).pipe(Effect.provide(transport.layer))
      )
      expect(Exit.isFailure(exit) && exit.cause.toString()).toContain("clientAssertionSigningKey")
      const error = yield* TokenVault.make({ domain, clientId: "c", clientAssertionSigningKey: key }).pipe(
        Effect.provide(transport.layer),
        Effect.flip
      )
      expect(error._tag).toBe("InvalidConfigurationError")
    }).pipe(Effect.scoped))
})

describe("private_key_jwt from configuration", () => {
  const fromVariables = (variables: Record<string, string>, transport: ReturnType<typeof recordingTransport>) =>
    TokenVault.layerConfig().pipe(
      Layer.provide(transport.layer),
      Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(variables)))
    )

  it.effect("layerConfig reads the key (line breaks written as \\n too) and its algorithm from AUTH0_CLIENT_ASSERTION_SIGNING_*", () =>
    Effect.gen(function*() {
      const keys = keyForms("PS256")
      const transport = recordingTransport(success)
      yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(fromVariables({
          AUTH0_DOMAIN: domain,
          AUTH0_CLIENT_ID: "configured-client",
          // As a one-line `.env` value holds it.
          AUTH0_CLIENT_ASSERTION_SIGNING_KEY: keys.pem.trim().replaceAll("\n", "\\n"),
          AUTH0_CLIENT_ASSERTION_SIGNING_ALG: "PS256"
        }, transport))
      )
      const form = new URLSearchParams(transport.sent[0]!.body)
      const { claims, header } = yield* verifyJwt(form.get("client_assertion")!, keys.publicJwk, "PS256")
      expect(header.alg).toBe("PS256")
      expect(claims.iss).toBe("configured-client")
    }))

  it.effect("an unknown algorithm names the variable and the allowed values, never the key", () =>
    Effect.gen(function*() {
      const keys = keyForms("RS256")
      const transport = recordingTransport(success)
      const error = yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(fromVariables({
          AUTH0_DOMAIN: domain,
          AUTH0_CLIENT_ID: "configured-client",
          AUTH0_CLIENT_ASSERTION_SIGNING_KEY: keys.pem,
          AUTH0_CLIENT_ASSERTION_SIGNING_ALG: "HS256"
        }, transport)),
        Effect.flip
      )
      expect(error._tag).toBe("InvalidConfigurationError")
      expect(error.message).toContain("AUTH0_CLIENT_ASSERTION_SIGNING_ALG")
      expect(error.message).toContain("RS256, RS384, PS256, PS384, ES256, ES384")
      expect(error.message).not.toContain("HS256")
      expect(error.message).not.toContain(keys.pem.slice(30, 60))
    }))

  it.effect("a key that is not PEM names AUTH0_CLIENT_ASSERTION_SIGNING_KEY's option when the layer is built", () =>
    Effect.gen(function*() {
      const transport = recordingTransport(success)
      const error = yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(fromVariables({
          AUTH0_DOMAIN: domain,
          AUTH0_CLIENT_ID: "configured-client",
          AUTH0_CLIENT_ASSERTION_SIGNING_KEY: "not-a-pem-secret-value"
        }, transport)),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "InvalidConfigurationError", option: "clientAssertionSigningKey" })
      expect(error.message).not.toContain("not-a-pem-secret-value")
      expect(transport.sent).toHaveLength(0)
    }))
})

/** A `use_dpop_nonce` answer whose `DPoP-Nonce` header is `nonce`. */
const askNonce = (nonce: string): TokenTransport.TokenResponse => ({
  status: 400,
  header: (name) => (name === "dpop-nonce" ? nonce : undefined),
  body: JSON.stringify({ error: "use_dpop_nonce", error_description: "Authorization server requires nonce" })
})

/** A client with a secret and no retries over `transport`, with `options` besides. */
const secretClient = (
  transport: ReturnType<typeof recordingTransport>,
  options: Partial<TokenVaultOptions.TokenVaultOptions> = {}
) =>
  TokenVault.make({ domain, clientId: "c", clientSecret: Redacted.make("client-secret"), retry: false, ...options })
    .pipe(Effect.provide(transport.layer))

describe("DPoP", () => {
  it.effect("a proof per request, bound to the method and the URL, with the public key in its header", () =>
    Effect.gen(function*() {
      const keys = keyForms("ES256")
      const transport = recordingTransport(success)
      const vault = yield* secretClient(transport, { dpop: { privateKey: Redacted.make(keys.pem) } })
      yield* vault.getAccessTokenForConnection(call)
      yield* vault.getAccessTokenForConnection({ ...call, cache: false })
      const proofs = transport.sent.map((request) => request.headers["dpop"]!)
      expect(proofs).toHaveLength(2)
      expect(proofs[0]).not.toBe(proofs[1])
      for (const proof of proofs) {
        const { claims, header } = yield* verifyJwt(proof, keys.publicJwk, "ES256")
        expect(header).toMatchObject({ typ: "dpop+jwt", alg: "ES256", jwk: { kty: "EC", crv: "P-256" } })
        expect((header.jwk as Record<string, unknown>)["d"]).toBeUndefined()
        expect(claims).toMatchObject({ htm: "POST", htu: tokenUrl })
        expect(claims.nonce).toBeUndefined()
      }
      // The client secret is still the client authentication.
      expect(new URLSearchParams(transport.sent[0]!.body).get("client_secret")).toBe("client-secret")
    }).pipe(Effect.scoped))

  it.effect("use_dpop_nonce: one resend with the server's nonce, which later requests keep sending", () =>
    Effect.gen(function*() {
      const pair = yield* Effect.promise(() =>
        webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, false, ["sign", "verify"])
      )
      const publicJwk = (yield* Effect.promise(() =>
        webcrypto.subtle.exportKey("jwk", pair.publicKey)
      )) as unknown as Jwk.PublicJwk
      const transport = recordingTransport(askNonce("nonce-1"), success)
      const vault = yield* secretClient(transport, {
        dpop: {
          privateKey: pair.privateKey,
          publicKey: pair.publicKey,
          algorithm: "ES384"
        }
      })
      const tokenSet = yield* vault.getAccessTokenForConnection(call)
      expect(Redacted.value(tokenSet.accessToken)).toBe("federated")
      yield* vault.getAccessTokenForConnection({ ...call, cache: false })
      expect(transport.sent).toHaveLength(3)
      const nonces = []
      for (const request of transport.sent) {
        const { claims } = yield* verifyJwt(request.headers["dpop"]!, publicJwk, "ES384")
        nonces.push(claims.nonce)
      }
      expect(nonces).toEqual([undefined, "nonce-1", "nonce-1"])
    }).pipe(Effect.scoped))

  it.effect("a remembered nonce the server no longer takes is replaced by the one it sends", () =>
    Effect.gen(function*() {
      const keys = keyForms("ES256")
      const transport = recordingTransport(askNonce("nonce-1"), success, askNonce("nonce-2"), success)
      const vault = yield* secretClient(transport, { dpop: { privateKey: keys.jwk } })
      yield* vault.getAccessTokenForConnection(call)
      yield* vault.getAccessTokenForConnection({ ...call, cache: false })
      const nonces = []
      for (const request of transport.sent) {
        nonces.push((yield* verifyJwt(request.headers["dpop"]!, keys.publicJwk, "ES256")).claims.nonce)
      }
      expect(nonces).toEqual([undefined, "nonce-1", "nonce-1", "nonce-2"])
    }).pipe(Effect.scoped))

  it.effect("a DPoP-Nonce that is not a nonce (too long, control characters, quotes) is neither sent nor resent for", () =>
    Effect.gen(function*() {
      const keys = keyForms("ES256")
      for (const hostile of ["n".repeat(1025), "nonce\r\nx-injected: 1", "say \"hi\"", ""]) {
        const transport = recordingTransport(askNonce(hostile), success)
        const vault = yield* secretClient(transport, { dpop: { privateKey: keys.jwk } })
        const error = yield* Effect.flip(vault.getAccessTokenForConnection(call))
        expect(error).toMatchObject({ _tag: "TokenExchangeError", error: "use_dpop_nonce" })
        expect(transport.sent).toHaveLength(1)
      }
    }).pipe(Effect.scoped))

  it.effect("a second use_dpop_nonce is not resent again: it is the call's error", () =>
    Effect.gen(function*() {
      const keys = keyForms("ES256")
      const transport = recordingTransport(askNonce("nonce-again"))
      const vault = yield* secretClient(transport, { dpop: { privateKey: keys.jwk } })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(call))
      expect(error).toMatchObject({ _tag: "TokenExchangeError", error: "use_dpop_nonce" })
      expect(transport.sent).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.effect("a server that echoes the request never gets the assertion or the proof into an error", () =>
    Effect.gen(function*() {
      const rsa = keyForms("RS256")
      const ec = keyForms("ES256")
      const sent: Array<TokenTransport.TokenRequest> = []
      const echo: TokenTransport.TokenTransport["Service"] = {
        send: (request) =>
          Effect.sync(() => {
            sent.push(request)
            const echoed = `${request.body} dpop=${request.headers["dpop"]}`
            return {
              status: 400,
              header: () => undefined,
              body: JSON.stringify({ error: echoed, error_description: echoed })
            }
          })
      }
      const error = yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(TokenVault.layer({
          domain,
          clientId: "c",
          clientAssertionSigningKey: Redacted.make(rsa.pem),
          dpop: { privateKey: ec.jwk }
        })),
        Effect.provide(Layer.succeed(TokenTransport.TokenTransport, echo)),
        Effect.provide(Transports.unusedHttpClient().layer),
        Effect.flip
      )
      const assertion = new URLSearchParams(sent[0]!.body).get("client_assertion")!
      const proof = sent[0]!.headers["dpop"]!
      for (const shown of [error.message, String(error), JSON.stringify(error)]) {
        for (const part of [...assertion.split("."), ...proof.split(".")]) expect(shown).not.toContain(part)
      }
    }))

  it.effect("a CryptoKey private key with its public key as a JWK signs; a public key of another pair is refused", () =>
    Effect.gen(function*() {
      const pair = keyPair("ES256")
      const publicJwk = pair.publicKey.export({ format: "jwk" }) as Jwk.PublicJwk
      const privateKey = pair.privateKey.toCryptoKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"])
      const options = (publicJwk: Jwk.PublicJwk) => ({
        domain,
        clientId: "c",
        clientSecret: Redacted.make("client-secret"),
        dpop: { privateKey, publicKey: publicJwk }
      })
      const transport = recordingTransport(success)
      const vault = yield* TokenVault.make(options(publicJwk)).pipe(Effect.provide(transport.layer))
      yield* vault.getAccessTokenForConnection(call)
      yield* verifyJwt(transport.sent[0]!.headers["dpop"]!, publicJwk, "ES256")
      const error = yield* TokenVault.make(options(keyForms("ES256").publicJwk)).pipe(
        Effect.provide(transport.layer),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "InvalidConfigurationError", option: "dpop.publicKey" })
    }).pipe(Effect.scoped))

  it.effect("a CryptoKey private key without its public key is a typed configuration error", () =>
    Effect.gen(function*() {
      const pair = yield* Effect.promise(() =>
        webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])
      )
      const transport = recordingTransport(success)
      const error = yield* Effect.flip(secretClient(transport, { dpop: { privateKey: pair.privateKey } }))
      expect(error).toMatchObject({ _tag: "InvalidConfigurationError", option: "dpop.publicKey" })
    }).pipe(Effect.scoped))
})

describe("scope and forwardedFor", () => {
  it.effect("scope is sent and keys the cache; forwardedFor is sent as auth0-forwarded-for and does not", () =>
    Effect.gen(function*() {
      const transport = recordingTransport(success)
      const vault = yield* secretClient(transport)
      yield* vault.getAccessTokenForConnection({ ...call, scope: "repo read:user", forwardedFor: "203.0.113.7" })
      yield* vault.getAccessTokenForConnection({ ...call, scope: "read:user  repo", forwardedFor: "2001:db8::1" })
      yield* vault.getAccessTokenForConnection({ ...call, scope: "repo" })
      yield* vault.getAccessTokenForConnection(call)
      expect(transport.sent).toHaveLength(3)
      const [first, second, third] = transport.sent
      expect(new URLSearchParams(first!.body).get("scope")).toBe("repo read:user")
      expect(first!.headers["auth0-forwarded-for"]).toBe("203.0.113.7")
      expect(new URLSearchParams(second!.body).get("scope")).toBe("repo")
      expect(second!.headers["auth0-forwarded-for"]).toBeUndefined()
      expect(new URLSearchParams(third!.body).has("scope")).toBe(false)
    }).pipe(Effect.scoped))

  it.effect("a bad scope or IP address is an InvalidArgumentError naming it, never repeating it", () =>
    Effect.gen(function*() {
      const transport = recordingTransport(success)
      const vault = yield* secretClient(transport)
      const cases: ReadonlyArray<[string, Record<string, unknown>]> = [
        ["scope", { scope: "" }],
        ["scope", { scope: "   " }],
        ["scope", { scope: "repo\nadmin" }],
        ["scope", { scope: 7 }],
        ["forwardedFor", { forwardedFor: "999.1.1.1" }],
        ["forwardedFor", { forwardedFor: "example.com" }],
        ["forwardedFor", { forwardedFor: "1.2.3.4, 5.6.7.8" }],
        ["forwardedFor", { forwardedFor: "fe80::1%eth0" }],
        ["forwardedFor", { forwardedFor: ["1.2.3.4"] }]
      ]
      for (const [argument, extra] of cases) {
        const error = yield* Effect.flip(vault.getAccessTokenForConnection({ ...call, ...extra } as never))
        expect(error, JSON.stringify(extra)).toMatchObject({ _tag: "InvalidArgumentError", argument })
        const value = Object.values(extra)[0]
        if (typeof value === "string" && value.trim() !== "") expect(error.message).not.toContain(value)
      }
      expect(transport.sent).toHaveLength(0)
    }).pipe(Effect.scoped))
})
