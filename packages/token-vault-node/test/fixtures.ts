/**
 * Shared mTLS fixtures: the emulator's test CA and server certificate, client certificates, and
 * an HTTPS emulator that asks for client certificates.
 */
import { EmulatorServer, TestCertificates, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { CLIENT_ID, CLIENT_SECRET, PROXIED_NAME, tenant } from "./helpers.js"

export const MTLS_CLIENT_ID = "mtls-app"
export const SELF_SIGNED_CLIENT_ID = "self-signed-app"
export const PASSPHRASE = "mtls key passphrase 9f3b"

export interface Fixtures {
  readonly certificates: TestCertificates.TestCertificates
  /** CA-signed, the subject `mtls-app` is registered with. */
  readonly client: TestCertificates.ClientCertificate
  /** `client`'s key, encrypted with {@link PASSPHRASE}. */
  readonly clientEncryptedKey: Redacted.Redacted<string>
  /** CA-signed, with a subject nobody registered. */
  readonly intruder: TestCertificates.ClientCertificate
  /** Self-signed, registered for `self-signed-app`. */
  readonly selfSigned: TestCertificates.ClientCertificate
  /** Self-signed with `client`'s subject: not issued by the CA. */
  readonly impostor: TestCertificates.ClientCertificate
}

export const Fixtures = Context.Service<Fixtures>("token-vault-node/test/Fixtures")

export const FixturesLive: Layer.Layer<Fixtures> = Layer.effect(
  Fixtures,
  Effect.gen(function*() {
    // The server certificate also names the host only the test proxy resolves (helpers.ts).
    const certificates = yield* TestCertificates.make({ dnsNames: ["localhost", PROXIED_NAME] })
    const client = yield* certificates.issueClient("CN=mtls-app, O=Example")
    return {
      certificates,
      client,
      clientEncryptedKey: yield* TestCertificates.encryptKey(client.key, Redacted.make(PASSPHRASE)),
      intruder: yield* certificates.issueClient("CN=intruder, O=Example"),
      selfSigned: yield* TestCertificates.selfSigned("CN=self-signed-app"),
      impostor: yield* TestCertificates.selfSigned("CN=mtls-app, O=Example")
    }
  }).pipe(Effect.orDie)
)

/** The tenant with an mTLS client of each kind (and the secret client of `helpers`). */
export const mtlsTenant = (fixtures: Fixtures): TokenVaultEmulator.TenantConfig => ({
  ...tenant,
  clients: [
    { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    { clientId: MTLS_CLIENT_ID, authMethods: ["tls_client_auth"], tlsClientAuthSubjectDn: fixtures.client.subjectDn },
    {
      clientId: SELF_SIGNED_CLIENT_ID,
      authMethods: ["self_signed_tls_client_auth"],
      selfSignedCertificates: [fixtures.selfSigned.cert]
    }
  ]
})

/** The emulator over HTTPS with the test CA's server certificate, asking for client certificates. */
export const serveHttps: Effect.Effect<
  { readonly fixtures: Fixtures; readonly server: EmulatorServer.EmulatorServer },
  never,
  Fixtures | Scope.Scope
> = Effect.gen(function*() {
  const fixtures = yield* Fixtures
  const emulator = yield* TokenVaultEmulator.make(mtlsTenant(fixtures))
  const server = yield* EmulatorServer.serve(emulator, {
    tls: {
      cert: fixtures.certificates.server.cert,
      key: fixtures.certificates.server.key,
      ca: fixtures.certificates.ca.cert,
      requestClientCertificate: true
    }
  })
  return { fixtures, server }
})

/** The first base64 line of a PEM key: if it shows up anywhere, the key leaked. */
export const keyBody = (pem: string | Redacted.Redacted<string>): string => {
  const text = typeof pem === "string" ? pem : Redacted.value(pem)
  return text.split("\n").find((line) => line.length > 0 && !line.startsWith("-----")) ?? text
}
