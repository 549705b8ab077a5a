import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { FixturesLive, keyBody, MTLS_CLIENT_ID, PASSPHRASE, SELF_SIGNED_CLIENT_ID, serveHttps } from "./fixtures.js"
import { makeLogCapture, makeSpanCapture, renderings, uncached } from "./helpers.js"

const google = { connection: "google-oauth2", accessToken: "at-alice" } as const

const exchange = (options: NodeTokenVault.LayerOptions) =>
  TokenVault.getAccessTokenForConnection(google).pipe(Effect.provide(NodeTokenVault.layer({ ...uncached, ...options })))

/** Asserts the last token request carried no client secret of any kind. */
const expectNoSecretOnTheWire = (
  request:
    | { readonly form: Readonly<Record<string, string>>; readonly headers: Readonly<Record<string, string>> }
    | undefined
) => {
  expect(request?.form["client_secret"]).toBeUndefined()
  expect(request?.form["client_assertion"]).toBeUndefined()
  expect(request?.headers["authorization"]).toBeUndefined()
}

const expectInvalidClient = (error: TokenVaultError.TokenVaultError, description: RegExp) => {
  expect(error).toBeInstanceOf(TokenVaultError.TokenExchangeError)
  const exchangeError = error as TokenVaultError.TokenExchangeError
  expect(exchangeError.status).toBe(401)
  expect(exchangeError.error).toBe("invalid_client")
  expect(exchangeError.errorDescription).toMatch(description)
}

layer(FixturesLive, { timeout: 60_000 })("mTLS against the HTTPS emulator", (it) => {
  it.effect("tls_client_auth: a CA-signed certificate authenticates the client, no secret on the wire", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const tokenSet = yield* exchange({
        domain: server.url,
        clientId: MTLS_CLIENT_ID,
        clientAuthentication: "tls_client_auth",
        mtlsEndpoint: server.tokenEndpoint,
        tls: { cert: fixtures.client.cert, key: fixtures.client.key, ca: fixtures.certificates.ca.cert }
      })
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")

      const [request, ...others] = yield* server.emulator.requests
      expect(others).toEqual([])
      expect(request?.path).toBe("/oauth/token")
      expect(request?.form["client_id"]).toBe(MTLS_CLIENT_ID)
      expect(request?.clientCertificate).toEqual({
        verified: true,
        subjectDn: fixtures.client.subjectDn,
        fingerprint256: fixtures.client.fingerprint256
      })
      expectNoSecretOnTheWire(request)
    }))

  it.effect("discoverMtlsEndpoint reads mtls_endpoint_aliases over the same client", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const tokenSet = yield* exchange({
        domain: server.url,
        clientId: MTLS_CLIENT_ID,
        clientAuthentication: "tls_client_auth",
        discoverMtlsEndpoint: true,
        tls: { cert: fixtures.client.cert, key: fixtures.client.key, ca: fixtures.certificates.ca.cert }
      })
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
      const requests = yield* server.emulator.requests
      expect(requests.map((request) => request.path)).toEqual(["/.well-known/openid-configuration", "/oauth/token"])
      expectNoSecretOnTheWire(requests[1])
    }))

  it.effect("self_signed_tls_client_auth: a registered self-signed certificate authenticates the client", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const tokenSet = yield* exchange({
        domain: server.url,
        clientId: SELF_SIGNED_CLIENT_ID,
        clientAuthentication: "self_signed_tls_client_auth",
        mtlsEndpoint: server.tokenEndpoint,
        tls: { cert: fixtures.selfSigned.cert, key: fixtures.selfSigned.key, ca: fixtures.certificates.ca.cert }
      })
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
      const [request] = yield* server.emulator.requests
      expect(request?.clientCertificate?.verified).toBe(false)
      expect(request?.clientCertificate?.fingerprint256).toBe(fixtures.selfSigned.fingerprint256)
      expectNoSecretOnTheWire(request)
    }))

  it.effect("an encrypted key works with its passphrase", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const tokenSet = yield* exchange({
        domain: server.url,
        clientId: MTLS_CLIENT_ID,
        clientAuthentication: "tls_client_auth",
        mtlsEndpoint: server.tokenEndpoint,
        tls: {
          cert: fixtures.client.cert,
          key: fixtures.clientEncryptedKey,
          passphrase: Redacted.make(PASSPHRASE),
          ca: fixtures.certificates.ca.cert
        }
      })
      expect(Redacted.value(tokenSet.accessToken)).toBe("ya29.alice")
      expect(Redacted.value(fixtures.clientEncryptedKey)).toContain("ENCRYPTED PRIVATE KEY")
    }))

  // The emulator, like Auth0, completes the handshake and refuses at the token endpoint.
  it.effect.each(
    [
      ["a CA-signed certificate of another subject", MTLS_CLIENT_ID, "tls_client_auth", "intruder", /subject/],
      [
        "a self-signed certificate with the registered subject (not CA-verified)",
        MTLS_CLIENT_ID,
        "tls_client_auth",
        "impostor",
        /trusted/
      ],
      [
        "an unregistered self-signed certificate",
        SELF_SIGNED_CLIENT_ID,
        "self_signed_tls_client_auth",
        "impostor",
        /does not match/
      ]
    ] as const
  )(
    "%s is refused: TokenExchangeError invalid_client",
    ([_, clientId, clientAuthentication, certificate, reason]) =>
      Effect.gen(function*() {
        const { fixtures, server } = yield* serveHttps
        const { cert, key } = fixtures[certificate]
        const error = yield* Effect.flip(exchange({
          domain: server.url,
          clientId,
          clientAuthentication,
          mtlsEndpoint: server.tokenEndpoint,
          tls: { cert, key, ca: fixtures.certificates.ca.cert }
        }))
        expectInvalidClient(error, reason)
      })
  )

  it.effect("no certificate on the connection: invalid_client (the layer refuses this setup earlier)", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      // NodeTokenVault.layer refuses tls_client_auth without tls.cert (see options.test.ts), so
      // assemble the core layer and an HTTP client without a certificate by hand.
      const error = yield* TokenVault.getAccessTokenForConnection(google).pipe(
        Effect.provide(TokenVault.layer({
          domain: server.url,
          clientId: MTLS_CLIENT_ID,
          clientAuthentication: "tls_client_auth",
          mtlsEndpoint: server.tokenEndpoint,
          ...uncached
        })),
        Effect.provide(NodeTokenVault.layerHttpClient({ tls: { ca: fixtures.certificates.ca.cert } })),
        Effect.flip
      )
      expectInvalidClient(error, /required/)
      const [request] = yield* server.emulator.requests
      expect(request?.clientCertificate).toBeUndefined()
    }))

  it.effect("a server the client does not trust fails the handshake: TransportError", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const error = yield* Effect.flip(exchange({
        domain: server.url,
        clientId: MTLS_CLIENT_ID,
        clientAuthentication: "tls_client_auth",
        mtlsEndpoint: server.tokenEndpoint,
        // No `ca`: Node's public roots do not include the test CA.
        tls: { cert: fixtures.client.cert, key: fixtures.client.key }
      }))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|certificate/i)
      expect(yield* server.emulator.requests).toEqual([])
    }))

  it.effect("the key and the passphrase never appear in errors, logs or spans", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const logs = makeLogCapture()
      const spans = makeSpanCapture()
      const secrets = [
        keyBody(fixtures.clientEncryptedKey),
        keyBody(fixtures.client.key),
        keyBody(fixtures.intruder.key),
        PASSPHRASE
      ]
      const base = {
        domain: server.url,
        clientId: MTLS_CLIENT_ID,
        clientAuthentication: "tls_client_auth",
        mtlsEndpoint: server.tokenEndpoint
      } as const
      // Each outcome logged as an application would: the token set, or the whole cause.
      const run = <A, E>(self: Effect.Effect<A, E>) =>
        spans.provide(logs.provide(Effect.result(self.pipe(
          Effect.tap((value) => Effect.logInfo("exchanged", value)),
          Effect.tapCause((cause) => Effect.logError("exchange failed", cause))
        ))))

      const outcomes = [
        // success, with the encrypted key
        yield* run(exchange({
          ...base,
          tls: {
            cert: fixtures.client.cert,
            key: fixtures.clientEncryptedKey,
            passphrase: Redacted.make(PASSPHRASE),
            ca: fixtures.certificates.ca.cert
          }
        })),
        // refused by the token endpoint
        yield* run(exchange({
          ...base,
          tls: { cert: fixtures.intruder.cert, key: fixtures.intruder.key, ca: fixtures.certificates.ca.cert }
        })),
        // refused in the handshake
        yield* run(
          exchange({
            ...base,
            tls: { cert: fixtures.client.cert, key: fixtures.clientEncryptedKey, passphrase: Redacted.make(PASSPHRASE) }
          })
        ),
        // refused when the layer is built: a wrong passphrase, a key of another certificate
        yield* run(exchange({
          ...base,
          tls: {
            cert: fixtures.client.cert,
            key: fixtures.clientEncryptedKey,
            passphrase: Redacted.make(`${PASSPHRASE}!`)
          }
        })),
        yield* run(exchange({ ...base, tls: { cert: fixtures.client.cert, key: fixtures.intruder.key } }))
      ]
      expect(outcomes.map((outcome) => outcome._tag === "Failure" ? outcome.failure._tag : "Success")).toEqual([
        "Success",
        "TokenExchangeError",
        "TransportError",
        "InvalidConfigurationError",
        "InvalidConfigurationError"
      ])
      // The captures saw the runs: the core traces each exchange, and each outcome was logged.
      expect(spans.spans.length).toBeGreaterThan(0)
      expect(logs.lines.length).toBeGreaterThanOrEqual(outcomes.length)

      const texts = [
        ...outcomes.flatMap((outcome) => renderings(outcome._tag === "Failure" ? outcome.failure : outcome.success)),
        ...logs.lines,
        ...spans.rendered()
      ]
      for (const text of texts) {
        for (const secret of secrets) expect(text).not.toContain(secret)
        expect(text).not.toContain(`${PASSPHRASE}!`)
      }
    }))
})
