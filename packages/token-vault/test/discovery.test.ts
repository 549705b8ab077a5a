import { TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { jsonAnswer, type Script, type StubAnswer, stubHttpClient } from "./utils/stubHttpClient.js"
import { advance, poll } from "./utils/vault.js"

const discoveryUrl = "https://tenant.auth0.com/.well-known/openid-configuration"
const mtlsTokenUrl = "https://mtls.tenant.auth0.com/oauth/token"
const document = jsonAnswer(200, {
  issuer: "https://tenant.auth0.com/",
  mtls_endpoint_aliases: { token_endpoint: mtlsTokenUrl }
})
const success = jsonAnswer(200, { access_token: "federated", expires_in: 3600 })

/** A vault with `discoverMtlsEndpoint` over a stub answering the requests in order. */
const vaultOver = (
  answers: ReadonlyArray<StubAnswer | "refuse" | Effect.Effect<StubAnswer>>,
  options: Partial<TokenVaultOptions.TokenVaultOptions> = {}
) =>
  Effect.gen(function*() {
    const script: Script = (index) => {
      const answer = answers[Math.min(index, answers.length - 1)]!
      return Effect.isEffect(answer) ? answer : Effect.succeed(answer)
    }
    const stub = yield* stubHttpClient(script)
    const vault = yield* TokenVault.make({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientAuthentication: "tls_client_auth",
      discoverMtlsEndpoint: true,
      retry: false,
      cache: false,
      ...options
    }).pipe(Effect.provide(stub.layer))
    return { vault, urls: Effect.map(stub.seen, (seen) => seen.map((request) => request.url)) }
  })

const call = (accessToken = "subject-token") => ({ connection: "github", accessToken })

describe("discoverMtlsEndpoint", () => {
  it.effect("token requests go to the discovered mTLS alias, looked up once", () =>
    Effect.gen(function*() {
      const { urls, vault } = yield* vaultOver([document, success])
      yield* vault.getAccessTokenForConnection(call("first"))
      yield* vault.getAccessTokenForConnection(call("second"))
      expect(yield* urls).toEqual([discoveryUrl, mtlsTokenUrl, mtlsTokenUrl])
    }))

  it.effect("a failed lookup is not kept: the next call looks again", () =>
    Effect.gen(function*() {
      const { urls, vault } = yield* vaultOver(["refuse", document, success])
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(call()))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("discovery failed")
      yield* vault.getAccessTokenForConnection(call())
      expect(yield* urls).toEqual([discoveryUrl, discoveryUrl, mtlsTokenUrl])
    }))

  it.effect.each(
    [
      ["no alias", jsonAnswer(200, { issuer: "https://tenant.auth0.com/" }), "no valid mtls_endpoint_aliases"],
      [
        "an alias that is not an https URL",
        jsonAnswer(200, { mtls_endpoint_aliases: { token_endpoint: "ftp://x" } }),
        "no valid mtls_endpoint_aliases"
      ],
      ["a body that is not JSON", { status: 200, body: "<html>maintenance</html>" }, "no valid mtls_endpoint_aliases"],
      [
        "a body over maxResponseBytes",
        { status: 200, body: JSON.stringify({ pad: "x".repeat(4096) }) },
        "larger than the limit of 1024 bytes"
      ],
      [
        "an unannounced body over maxResponseBytes",
        { status: 200, body: new Blob(["x".repeat(4096)]).stream() },
        "larger than the limit of 1024 bytes"
      ]
    ] as const
  )(
    "a document with %s is an UnexpectedResponseError, and no token request is sent",
    ([_, answer, description]) =>
      Effect.gen(function*() {
        const { urls, vault } = yield* vaultOver([answer], { maxResponseBytes: 1024 })
        const error = yield* Effect.flip(vault.getAccessTokenForConnection(call()))
        expect(error._tag).toBe("UnexpectedResponseError")
        expect((error as TokenVaultError.UnexpectedResponseError).description).toContain(description)
        expect(yield* urls).toEqual([discoveryUrl])
      })
  )

  it.effect("a lookup that never answers ends in a TransportError at the attempt limit", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver([Effect.never], { timeout: { attempt: "2 seconds" } })
      const fiber = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(call())))
      yield* advance("1999 millis")
      expect(Option.isNone(yield* poll(fiber))).toBe(true)
      yield* advance("1 millis")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("no discovery document within 2s")
    }))

  it.effect("the lookup's time counts against the call's total limit", () =>
    Effect.gen(function*() {
      const slowDocument = Effect.as(Effect.sleep("1500 millis"), document)
      const { urls, vault } = yield* vaultOver([slowDocument, Effect.never], {
        timeout: { attempt: "10 seconds", total: "2 seconds" }
      })
      const fiber = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(call())))
      yield* advance("1500 millis")
      yield* advance("499 millis")
      expect(Option.isNone(yield* poll(fiber))).toBe(true)
      yield* advance("1 millis")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("no token within 2s")
      expect(yield* urls).toEqual([discoveryUrl, mtlsTokenUrl])
    }))
})
