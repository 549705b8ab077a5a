/**
 * HTTPS and mTLS on loopback with certificates made by `TestCertificates` (OpenSSL), reached
 * with undici and node:https.
 */
import { EmulatorServer, TestCertificates, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { createPrivateKey, X509Certificate } from "node:crypto"
import * as Https from "node:https"
import { params, tenant } from "./fixtures.js"

interface ClientTls {
  readonly ca?: string
  readonly cert?: string
  readonly key?: Redacted.Redacted<string>
  readonly passphrase?: string
}

/** An undici `HttpClient` with its own connection pool (closed with the layer) and these TLS settings. */
const undiciWith = (tls: ClientTls) =>
  NodeHttpClient.layerUndiciOptions({
    connect: {
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: Redacted.value(tls.key) }),
      ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase })
    }
  })

const exchangeAt = (tokenEndpoint: string, overrides: Parameters<typeof params>[0] = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    return yield* client.execute(
      HttpClientRequest.post(tokenEndpoint).pipe(HttpClientRequest.bodyUrlParams(params(overrides)))
    )
  })

/** A GET with node:https, trusting `ca`; the status, or the error code. */
const httpsGet = (url: string, ca: string | undefined) =>
  Effect.callback<number, string>((resume) => {
    const request = Https.get(url, { ...(ca === undefined ? {} : { ca }), agent: false }, (response) => {
      response.resume()
      resume(Effect.succeed(response.statusCode ?? 0))
    })
    request.on("error", (error: NodeJS.ErrnoException) => resume(Effect.fail(error.code ?? error.message)))
    return Effect.sync(() => request.destroy())
  })

const mtlsClients = (selfSignedPem: string): ReadonlyArray<TokenVaultEmulator.ClientConfig> => [
  ...tenant.clients,
  { clientId: "web-app", authMethods: ["tls_client_auth"], tlsClientAuthSubjectDn: "CN=web-app, O=Example" },
  { clientId: "cli", authMethods: ["self_signed_tls_client_auth"], selfSignedCertificates: [selfSignedPem] }
]

layer(TestCertificates.layer())("HTTPS and mTLS", (it) => {
  it.effect("TestCertificates: a CA, a server certificate for 127.0.0.1 and localhost, client certificates", () =>
    Effect.gen(function*() {
      const certificates = yield* TestCertificates.TestCertificates
      const ca = new X509Certificate(certificates.ca.cert)
      expect(ca.ca).toBe(true)
      const server = new X509Certificate(certificates.server.cert)
      expect(server.verify(ca.publicKey)).toBe(true)
      expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1")
      expect(server.checkHost("localhost")).toBe("localhost")
      expect(server.checkHost("example.com")).toBeUndefined()
      expect(server.ca).toBe(false)

      const client = yield* certificates.issueClient("CN=web-app, O=Example")
      const x509 = new X509Certificate(client.cert)
      expect(x509.verify(ca.publicKey)).toBe(true)
      expect(x509.subject).toBe("CN=web-app\nO=Example")
      expect(client.subjectDn).toBe("CN=web-app, O=Example")
      expect(client.fingerprint256).toBe(x509.fingerprint256)
      expect(x509.checkPrivateKey(createPrivateKey(Redacted.value(client.key)))).toBe(true)
      // Keys never print.
      expect(String(client.key)).not.toContain("PRIVATE KEY")
      expect(JSON.stringify(certificates.server)).not.toContain("PRIVATE KEY")

      const selfSigned = yield* TestCertificates.selfSigned("CN=cli")
      const own = new X509Certificate(selfSigned.cert)
      expect(own.issuer).toBe("CN=cli")
      expect(own.verify(own.publicKey)).toBe(true)
      expect(own.verify(ca.publicKey)).toBe(false)

      const encrypted = yield* TestCertificates.encryptKey(selfSigned.key, Redacted.make("correct horse"))
      expect(Redacted.value(encrypted)).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
      expect(() => createPrivateKey({ key: Redacted.value(encrypted), passphrase: "wrong" })).toThrow()
      const decrypted = createPrivateKey({ key: Redacted.value(encrypted), passphrase: "correct horse" })
      expect(own.checkPrivateKey(decrypted)).toBe(true)

      const rsa = yield* TestCertificates.selfSigned("CN=rsa", { keyType: "rsa" })
      expect(new X509Certificate(rsa.cert).publicKey.asymmetricKeyType).toBe("rsa")
      const badSubject = yield* Effect.result(certificates.issueClient("no equals sign"))
      expect(Result.isFailure(badSubject) && badSubject.failure.message).toContain("not a DN")
    }))

  it.effect("serves HTTPS on 127.0.0.1, verifiable for 127.0.0.1 and localhost with the test CA only", () =>
    Effect.gen(function*() {
      const certificates = yield* TestCertificates.TestCertificates
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator, {
        tls: { cert: certificates.server.cert, key: certificates.server.key }
      })
      expect(server.protocol).toBe("https")
      expect(server.url).toBe(`https://127.0.0.1:${server.port}`)
      expect(server.tokenEndpoint).toBe(`https://127.0.0.1:${server.port}/oauth/token`)
      const discovery = "/.well-known/openid-configuration"
      expect(yield* httpsGet(`${server.url}${discovery}`, certificates.ca.cert)).toBe(200)
      expect(yield* httpsGet(`https://localhost:${server.port}${discovery}`, certificates.ca.cert)).toBe(200)
      const untrusted = yield* Effect.result(httpsGet(`${server.url}${discovery}`, undefined))
      expect(untrusted).toStrictEqual(Result.fail("UNABLE_TO_VERIFY_LEAF_SIGNATURE"))
      // Plain HTTP on the TLS port is not answered as HTTP.
      const plain = yield* Effect.result(
        Effect.tryPromise(() => fetch(`http://127.0.0.1:${server.port}${discovery}`).then((r) => r.status))
      )
      expect(Result.isFailure(plain) || plain.success === 400).toBe(true)
      // Without requestClientCertificate, no mTLS alias is advertised.
      expect(yield* emulator.mtlsEndpoint).toBeUndefined()
    }))

  it.effect("mTLS: tls_client_auth and self_signed_tls_client_auth over a real handshake", () =>
    Effect.gen(function*() {
      const certificates = yield* TestCertificates.TestCertificates
      const webApp = yield* certificates.issueClient("CN=web-app, O=Example")
      const stranger = yield* certificates.issueClient("CN=stranger")
      const cli = yield* TestCertificates.selfSigned("CN=cli")
      const otherSelfSigned = yield* TestCertificates.selfSigned("CN=web-app, O=Example")
      const emulator = yield* TokenVaultEmulator.make({ ...tenant, clients: mtlsClients(cli.cert) })
      const server = yield* EmulatorServer.serve(emulator, {
        tls: {
          cert: certificates.server.cert,
          key: certificates.server.key,
          ca: certificates.ca.cert,
          requestClientCertificate: true
        }
      })
      const ca = certificates.ca.cert
      const asClient = (clientId: string, tls: ClientTls) =>
        Effect.scoped(
          Effect.gen(function*() {
            const response = yield* exchangeAt(server.tokenEndpoint, { client_id: clientId, client_secret: undefined })
            return { status: response.status, body: (yield* response.json) as Record<string, unknown> }
          }).pipe(Effect.provide(undiciWith(tls)))
        )

      const ok = yield* asClient("web-app", { ca, cert: webApp.cert, key: webApp.key })
      expect(ok.status).toBe(200)
      expect(ok.body["access_token"]).toBe("ya29.alice-personal")
      const recorded = (yield* emulator.requests).at(-1)
      expect(recorded?.clientCertificate).toStrictEqual({
        verified: true,
        subjectDn: "CN=web-app, O=Example",
        fingerprint256: webApp.fingerprint256
      })

      const noCertificate = yield* asClient("web-app", { ca })
      expect(noCertificate).toStrictEqual({
        status: 401,
        body: {
          error: "invalid_client",
          error_description: "A client certificate is required for mTLS client authentication"
        }
      })
      const wrongSubject = yield* asClient("web-app", { ca, cert: stranger.cert, key: stranger.key })
      expect(wrongSubject.status).toBe(401)
      expect(wrongSubject.body["error_description"]).toBe(
        "The client certificate subject does not match the client's registered subject DN"
      )
      // The right subject, but not issued by the trusted CA.
      const unverifiable = yield* asClient("web-app", { ca, cert: otherSelfSigned.cert, key: otherSelfSigned.key })
      expect(unverifiable.status).toBe(401)
      expect(unverifiable.body["error_description"]).toBe(
        "The client certificate is not issued by a trusted certificate authority"
      )
      expect((yield* emulator.requests).at(-1)?.clientCertificate?.verified).toBe(false)

      const selfSignedOk = yield* asClient("cli", { ca, cert: cli.cert, key: cli.key })
      expect(selfSignedOk.status).toBe(200)
      const notRegistered = yield* asClient("cli", { ca, cert: otherSelfSigned.cert, key: otherSelfSigned.key })
      expect(notRegistered.status).toBe(401)
      expect(notRegistered.body["error"]).toBe("invalid_client")

      // A secret client still authenticates with its secret over mTLS.
      const secretClient = yield* Effect.scoped(
        Effect.flatMap(exchangeAt(server.tokenEndpoint), (response) => Effect.succeed(response.status)).pipe(
          Effect.provide(undiciWith({ ca, cert: webApp.cert, key: webApp.key }))
        )
      )
      expect(secretClient).toBe(200)
    }))

  it.effect("a passphrase-encrypted key works for the client and for the server", () =>
    Effect.gen(function*() {
      const certificates = yield* TestCertificates.TestCertificates
      const webApp = yield* certificates.issueClient("CN=web-app, O=Example")
      const clientKey = yield* TestCertificates.encryptKey(webApp.key, "client pass")
      const serverKey = yield* TestCertificates.encryptKey(certificates.server.key, Redacted.make("server pass"))
      const emulator = yield* TokenVaultEmulator.make({ ...tenant, clients: mtlsClients(webApp.cert) })
      const server = yield* EmulatorServer.serve(emulator, {
        tls: {
          cert: certificates.server.cert,
          key: serverKey,
          passphrase: Redacted.make("server pass"),
          ca: [certificates.ca.cert],
          requestClientCertificate: true
        }
      })
      const status = yield* Effect.scoped(
        Effect.map(
          exchangeAt(server.tokenEndpoint, { client_id: "web-app", client_secret: undefined }),
          (response) => response.status
        ).pipe(
          Effect.provide(
            undiciWith({ ca: certificates.ca.cert, cert: webApp.cert, key: clientKey, passphrase: "client pass" })
          )
        )
      )
      expect(status).toBe(200)
    }))

  it.effect("the mTLS server advertises its token endpoint as the tenant's mTLS alias while it serves", () =>
    Effect.gen(function*() {
      const certificates = yield* TestCertificates.TestCertificates
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const tls: EmulatorServer.TlsOptions = {
        cert: certificates.server.cert,
        key: certificates.server.key,
        ca: certificates.ca.cert,
        requestClientCertificate: true
      }
      const tokenEndpoint = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* EmulatorServer.serve(emulator, { tls })
          const client = yield* HttpClient.HttpClient
          const response = yield* client.get(`${server.url}/.well-known/openid-configuration`)
          const document = (yield* response.json) as Record<string, unknown>
          expect(document["mtls_endpoint_aliases"]).toStrictEqual({ token_endpoint: server.tokenEndpoint })
          expect(document["token_endpoint"]).toBe("https://tenant.example.com/oauth/token")
          return server.tokenEndpoint
        }).pipe(Effect.provide(undiciWith({ ca: certificates.ca.cert })))
      )
      expect(tokenEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/oauth\/token$/)
      expect(yield* emulator.mtlsEndpoint).toBeUndefined()

      // A configured alias wins over the server's.
      const configured = yield* TokenVaultEmulator.make({ ...tenant, mtlsEndpoint: "https://mtls.tenant.example.com" })
      yield* EmulatorServer.serve(configured, { tls })
      expect(yield* configured.mtlsEndpoint).toBe("https://mtls.tenant.example.com/oauth/token")
    }))

  it.effect("over plain HTTP no certificate reaches the emulator", () =>
    Effect.gen(function*() {
      const cli = yield* TestCertificates.selfSigned("CN=cli")
      const emulator = yield* TokenVaultEmulator.make({ ...tenant, clients: mtlsClients(cli.cert) })
      const server = yield* EmulatorServer.serve(emulator)
      const response = yield* exchangeAt(server.tokenEndpoint, { client_id: "web-app", client_secret: undefined })
      expect(response.status).toBe(401)
      expect(yield* response.json).toMatchObject({ error: "invalid_client" })
      expect((yield* emulator.requests)[0]?.clientCertificate).toBeUndefined()
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("counts TLS connections too: a keep-alive mTLS client reuses its connection", () =>
    Effect.gen(function*() {
      const certificates = yield* TestCertificates.TestCertificates
      const webApp = yield* certificates.issueClient("CN=web-app, O=Example")
      const emulator = yield* TokenVaultEmulator.make({ ...tenant, clients: mtlsClients(webApp.cert) })
      const server = yield* EmulatorServer.serve(emulator, {
        tls: {
          cert: certificates.server.cert,
          key: certificates.server.key,
          ca: certificates.ca.cert,
          requestClientCertificate: true
        }
      })
      yield* Effect.scoped(
        Effect.gen(function*() {
          for (let i = 0; i < 10; i++) {
            const response = yield* exchangeAt(server.tokenEndpoint, { client_id: "web-app", client_secret: undefined })
            expect(response.status).toBe(200)
            yield* response.text
          }
        }).pipe(Effect.provide(undiciWith({ ca: certificates.ca.cert, cert: webApp.cert, key: webApp.key })))
      )
      const connections = yield* server.connections
      expect(connections).toBeGreaterThanOrEqual(1)
      expect(connections).toBeLessThanOrEqual(2)
    }))
})

describe("TestCertificates without openssl", () => {
  it.effect("fails with TestCertificateError naming the step", () =>
    Effect.gen(function*() {
      const result = yield* Effect.result(TestCertificates.make({ openssl: "/nonexistent/openssl" }))
      if (Result.isSuccess(result)) return expect.unreachable()
      expect(result.failure._tag).toBe("TestCertificateError")
      expect(result.failure.message).toContain("Could not make test certificates (CA)")
    }))
})
