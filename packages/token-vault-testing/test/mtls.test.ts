/**
 * mTLS client authentication in the emulator, with the certificate handed in as a transport would
 * (see tls.test.ts for real handshakes), and its configuration.
 */
import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { X509Certificate } from "node:crypto"
import { DOMAIN, json, params, tenant, tokenRequest } from "./fixtures.js"

// A self-signed certificate made once with
// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=cli -days 36500`.
const CLI_CERT = `-----BEGIN CERTIFICATE-----
MIIBcjCCARmgAwIBAgIUcOB76uiZMjvq3kwJ3VaMnexmmqowCgYIKoZIzj0EAwIw
DjEMMAoGA1UEAwwDY2xpMCAXDTI2MTEyNTIyNDMzN1oYDzIxMjYxMTAxMjI0MzM3
WjAOMQwwCgYDVQQDDANjbGkwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQh4/XE
MdZXim5Ka789lG/OJboYBkfJDPybH4NqzXugHtD7noDx3twU0Ddf/zY0a+9gH6OI
KUUYU+AjY4R7teZIo1MwUTAdBgNVHQ4EFgQUPIRhQiZ0wjG2dmlxiRi5Y2UyFqkw
HwYDVR0jBBgwFoAUPIRhQiZ0wjG2dmlxiRi5Y2UyFqkwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNHADBEAiEA8ENMc9vR4LDE2LnJnJ2k6UNZ1jJEReuW8HSi
Z0SbQfQCH0BUao1r8SZVIUP047i1SBOJBR4xHYpGywsjy4grJWs=
-----END CERTIFICATE-----
`
/** Node's fingerprint of it, to check the emulator's own SHA-256 against. */
const CLI_FINGERPRINT = new X509Certificate(CLI_CERT).fingerprint256

const mtlsTenant: TokenVaultEmulator.TenantConfig = {
  ...tenant,
  clients: [
    ...tenant.clients,
    { clientId: "web-app", authMethods: ["tls_client_auth"], tlsClientAuthSubjectDn: "CN=web-app, O=Example" },
    { clientId: "cli", authMethods: ["self_signed_tls_client_auth"], selfSignedCertificates: [CLI_CERT] },
    {
      clientId: "either",
      authMethods: ["tls_client_auth", "self_signed_tls_client_auth"],
      tlsClientAuthSubjectDn: "/CN=either",
      selfSignedCertificates: [CLI_CERT]
    },
    {
      clientId: "hybrid",
      clientSecret: "hybrid-secret",
      authMethods: ["client_secret_post", "tls_client_auth"],
      tlsClientAuthSubjectDn: "CN=hybrid"
    }
  ]
}

const mtls = (clientId: string, clientCertificate?: TokenVaultEmulator.ClientCertificate) => ({
  ...tokenRequest({ client_id: clientId, client_secret: undefined }),
  ...(clientCertificate === undefined ? {} : { clientCertificate })
})

const certificate = (
  subjectDn: string,
  options: { readonly verified?: boolean; readonly fingerprint256?: string } = {}
): TokenVaultEmulator.ClientCertificate => ({
  verified: options.verified ?? true,
  subjectDn,
  fingerprint256: options.fingerprint256 ?? "00:11:22"
})

const expectInvalidClient = (response: TokenVaultEmulator.EmulatorResponse, description: string) => {
  expect(response.status).toBe(401)
  expect(json(response)).toStrictEqual({ error: "invalid_client", error_description: description })
}

describe("mTLS client authentication", () => {
  it.effect("tls_client_auth: a CA-verified certificate with the registered subject DN", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(mtlsTenant)
      const ok = yield* e.handle(mtls("web-app", certificate("CN=web-app, O=Example")))
      expect(ok.status).toBe(200)
      expect(json(ok)).toMatchObject({ access_token: "ya29.alice-personal" })
      // Order, spelling and case of attribute types do not matter; values do.
      for (
        const dn of ["O=Example, CN=web-app", "/CN=web-app/O=Example", "cn=web-app\no=Example", "CN=web-app+O=Example"]
      ) {
        expect((yield* e.handle(mtls("web-app", certificate(dn)))).status).toBe(200)
      }
      for (const dn of ["CN=Web-App, O=Example", "CN=web-app", "CN=web-app, O=Example, OU=Extra"]) {
        expectInvalidClient(
          yield* e.handle(mtls("web-app", certificate(dn))),
          "The client certificate subject does not match the client's registered subject DN"
        )
      }
      expect((yield* e.requests)[0]?.clientCertificate).toStrictEqual(certificate("CN=web-app, O=Example"))
    }))

  it.effect("tls_client_auth: no certificate, or one the server could not verify, is invalid_client", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(mtlsTenant)
      expectInvalidClient(
        yield* e.handle(mtls("web-app")),
        "A client certificate is required for mTLS client authentication"
      )
      expectInvalidClient(
        yield* e.handle(mtls("web-app", certificate("CN=web-app, O=Example", { verified: false }))),
        "The client certificate is not issued by a trusted certificate authority"
      )
    }))

  it.effect("self_signed_tls_client_auth: a certificate with a registered fingerprint, verified or not", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(mtlsTenant)
      const fingerprint = CLI_FINGERPRINT
      const ok = yield* e.handle(mtls("cli", certificate("CN=cli", { verified: false, fingerprint256: fingerprint })))
      expect(ok.status).toBe(200)
      // Any spelling of the same fingerprint.
      const plain = fingerprint.replace(/:/g, "").toLowerCase()
      expect((yield* e.handle(mtls("cli", certificate("CN=cli", { fingerprint256: plain })))).status).toBe(200)
      expectInvalidClient(
        yield* e.handle(mtls("cli", certificate("CN=cli", { verified: false, fingerprint256: "AB:CD" }))),
        "The client certificate does not match any credential registered for the client"
      )
      expectInvalidClient(
        yield* e.handle(mtls("cli")),
        "A client certificate is required for mTLS client authentication"
      )
    }))

  it.effect("a client allowed both mTLS methods passes with either", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(mtlsTenant)
      expect((yield* e.handle(mtls("either", certificate("CN=either")))).status).toBe(200)
      const selfSigned = certificate("CN=cli", { verified: false, fingerprint256: CLI_FINGERPRINT })
      expect((yield* e.handle(mtls("either", selfSigned))).status).toBe(200)
      expectInvalidClient(
        yield* e.handle(mtls("either", certificate("CN=someone-else"))),
        "The client certificate does not match any credential registered for the client"
      )
    }))

  it.effect("secrets and mTLS stay apart", () =>
    Effect.gen(function*() {
      const e = yield* TokenVaultEmulator.make(mtlsTenant)
      // An mTLS-only client cannot use a secret (it has none).
      expectInvalidClient(
        yield* e.handle(tokenRequest({ client_id: "web-app", client_secret: "anything" })),
        "Client authentication method client_secret_post is not allowed for this client"
      )
      // A client allowed both: a secret works without a certificate, a certificate without a secret.
      expect((yield* e.handle(tokenRequest({ client_id: "hybrid", client_secret: "hybrid-secret" }))).status).toBe(200)
      expect((yield* e.handle(mtls("hybrid", certificate("CN=hybrid")))).status).toBe(200)
      // A secret client sending only its client_id: authentication required, as before.
      expectInvalidClient(
        yield* e.handle(tokenRequest({ client_secret: undefined })),
        "Client authentication is required"
      )
      // A certificate does not authenticate a secret client.
      expectInvalidClient(
        yield* e.handle({ ...tokenRequest({ client_secret: undefined }), clientCertificate: certificate("CN=app") }),
        "Client authentication is required"
      )
    }))

  it.effect("in memory no certificate travels: an mTLS client gets invalid_client", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post(`https://${DOMAIN}/oauth/token`).pipe(
          HttpClientRequest.bodyUrlParams(params({ client_id: "web-app", client_secret: undefined }))
        )
      )
      expect(response.status).toBe(401)
      expect(yield* response.json).toMatchObject({ error: "invalid_client" })
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(mtlsTenant))))
})

describe("mTLS configuration", () => {
  const defect = <A, E>(exit: Exit.Exit<A, E>) => (Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "succeeded")

  it.effect("a client without what its methods need is a defect naming it", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [TokenVaultEmulator.ClientConfig, string]> = [
        [
          { clientId: "a", authMethods: ["tls_client_auth"] },
          "allows tls_client_auth but has no tlsClientAuthSubjectDn"
        ],
        [{ clientId: "b", authMethods: ["tls_client_auth"], tlsClientAuthSubjectDn: "no equals sign" }, "not a DN"],
        [
          { clientId: "c", authMethods: ["self_signed_tls_client_auth"] },
          "allows self_signed_tls_client_auth but has no selfSignedCertificates"
        ],
        [
          { clientId: "d", authMethods: ["self_signed_tls_client_auth"], selfSignedCertificates: ["not a pem"] },
          "selfSignedCertificates[0] that is not a PEM certificate"
        ],
        [{ clientId: "e" }, "allows client_secret_post but has no clientSecret"],
        [
          { clientId: "f", authMethods: ["client_secret_basic", "tls_client_auth"], tlsClientAuthSubjectDn: "CN=f" },
          "no clientSecret"
        ]
      ]
      for (const [client, message] of cases) {
        const text = defect(yield* Effect.exit(TokenVaultEmulator.make({ ...tenant, clients: [client] })))
        expect(text).toContain(`client "${client.clientId}"`)
        expect(text).toContain(message)
      }
    }))

  it.effect("discovery lists the mTLS methods and the configured mTLS alias", () =>
    Effect.gen(function*() {
      const discovery = { method: "GET", url: "/.well-known/openid-configuration", headers: {}, body: "" }
      const byOrigin = yield* TokenVaultEmulator.make({ ...tenant, mtlsEndpoint: "https://mtls.tenant.example.com" })
      const doc = json(yield* byOrigin.handle(discovery))
      expect(doc["mtls_endpoint_aliases"]).toStrictEqual({
        token_endpoint: "https://mtls.tenant.example.com/oauth/token"
      })
      expect(doc["token_endpoint_auth_methods_supported"]).toContain("tls_client_auth")
      expect(doc["token_endpoint_auth_methods_supported"]).toContain("self_signed_tls_client_auth")
      expect(yield* byOrigin.mtlsEndpoint).toBe("https://mtls.tenant.example.com/oauth/token")
      const byUrl = yield* TokenVaultEmulator.make({ ...tenant, mtlsEndpoint: "https://127.0.0.1:8443/custom/token" })
      expect(json(yield* byUrl.handle(discovery))["mtls_endpoint_aliases"]).toStrictEqual({
        token_endpoint: "https://127.0.0.1:8443/custom/token"
      })
      const bad = defect(yield* Effect.exit(TokenVaultEmulator.make({ ...tenant, mtlsEndpoint: "mtls.example.com" })))
      expect(bad).toContain("TenantConfig.mtlsEndpoint")
    }))

  it.effect("an advertised alias lasts as long as its scope, and the configured one wins", () =>
    Effect.gen(function*() {
      const discovery = { method: "GET", url: "/.well-known/openid-configuration", headers: {}, body: "" }
      const e = yield* TokenVaultEmulator.make(tenant)
      yield* Effect.scoped(
        Effect.gen(function*() {
          yield* e.advertiseMtlsEndpoint("https://127.0.0.1:9999/oauth/token")
          expect(json(yield* e.handle(discovery))["mtls_endpoint_aliases"]).toStrictEqual({
            token_endpoint: "https://127.0.0.1:9999/oauth/token"
          })
        })
      )
      expect(json(yield* e.handle(discovery))).not.toHaveProperty("mtls_endpoint_aliases")
      const configured = yield* TokenVaultEmulator.make({ ...tenant, mtlsEndpoint: "https://mtls.example.com" })
      yield* configured.advertiseMtlsEndpoint("https://127.0.0.1:9999/oauth/token")
      expect(yield* configured.mtlsEndpoint).toBe("https://mtls.example.com/oauth/token")
    }))
})
