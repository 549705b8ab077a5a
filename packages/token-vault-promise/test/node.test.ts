import {
  ApiClient,
  InvalidConfigurationError,
  MissingRequiredArgumentError,
  TokenForConnectionError
} from "@effect-auth0/token-vault-promise"
import { EmulatorServer, TestCertificates, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { connectProxy, PROXIED_NAME, proxiedName, withEnvironment } from "../../token-vault-node/test/helpers.js"
import { CLIENT_ID, CLIENT_SECRET, rejection, tenant } from "./fixtures.js"

const google = { connection: "google-oauth2", accessToken: "at-alice" } as const

const serve = Effect.flatMap(TokenVaultEmulator.make(tenant), (emulator) => EmulatorServer.serve(emulator))

/** The client, disposed when the test's scope closes. */
const client = (options: ConstructorParameters<typeof ApiClient>[0]) =>
  Effect.acquireRelease(
    Effect.sync(() => new ApiClient(options)),
    (apiClient) => Effect.promise(() => apiClient.dispose())
  )

const call = <A>(promise: () => Promise<A>) => Effect.promise(promise)

const rejectionOf = (promise: () => Promise<unknown>) => Effect.promise(() => rejection(promise()))

// The tests import the package by name: vitest runs on Node, so `#http` is the Node build's.
describe("the Node build of the facade (undici)", () => {
  it.live("exchanges over undici by default, not the global fetch; customFetch replaces it", () =>
    Effect.gen(function*() {
      const server = yield* serve
      const options = { domain: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
      const viaUndici = yield* client(options)
      const tokenSet = yield* call(() => viaUndici.getAccessTokenForConnection(google))
      expect(Object.keys(tokenSet).sort()).toEqual(["accessToken", "connection", "expiresAt", "loginHint", "scope"])
      expect(tokenSet.accessToken).toBe("ya29.alice")

      // The global fetch sends Node's user agent; undici's dispatcher sends none.
      const viaFetch = yield* client({ ...options, customFetch: fetch })
      yield* call(() => viaFetch.getAccessTokenForConnection(google))
      const [first, second] = (yield* server.emulator.requests).filter((request) => request.path === "/oauth/token")
      expect(first!.headers["user-agent"]).toBeUndefined()
      expect(second!.headers["user-agent"]).toBe("node")
    }))

  it.live("takes undici's options as plain values: tls.ca to trust a server, proxy to tunnel through", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const certificates = yield* Effect.orDie(TestCertificates.make({ dnsNames: ["localhost", PROXIED_NAME] }))
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant), {
        tls: { cert: certificates.server.cert, key: certificates.server.key }
      })
      const options = { domain: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, retry: false } as const

      // Node's trust store does not know the test CA.
      const untrusting = yield* client(options)
      const untrusted = yield* rejectionOf(() => untrusting.getAccessTokenForConnection(google))
      expect(untrusted).toBeInstanceOf(TokenForConnectionError)
      expect((yield* server.emulator.requests).length).toBe(0)

      const trusting = yield* client({ ...options, tls: { ca: certificates.ca.cert } })
      expect((yield* call(() => trusting.getAccessTokenForConnection(google))).accessToken).toBe("ya29.alice")

      // A loopback origin never goes through a proxy: the proxy reaches the server under a name
      // only it resolves.
      const proxy = yield* connectProxy()
      const named = yield* proxiedName(server)
      const proxied = yield* client({
        ...options,
        domain: named.url,
        tls: { ca: certificates.ca.cert },
        proxy: proxy.url
      })
      expect((yield* call(() => proxied.getAccessTokenForConnection(google))).accessToken).toBe("ya29.alice")
      expect(proxy.targets).toEqual([named.domain])
    }))

  it.live("keeps its sockets open between calls and closes them on dispose()", () =>
    Effect.gen(function*() {
      const server = yield* serve
      const apiClient = new ApiClient({
        domain: server.url,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        cache: false
      })
      for (let i = 0; i < 3; i++) yield* call(() => apiClient.getAccessTokenForConnection(google))
      expect((yield* server.emulator.requests).length).toBe(3)
      expect(yield* server.connections).toBeLessThan(3)
      expect(yield* server.openConnections).toBeGreaterThan(0)
      yield* call(() => apiClient.dispose())
      // undici closes the pool's sockets; the server sees the close soon after.
      for (let attempt = 0; attempt < 100 && (yield* server.openConnections) > 0; attempt++) {
        yield* Effect.sleep("10 millis")
      }
      expect(yield* server.openConnections).toBe(0)
    }))

  it.live("rejects a refused exchange with TokenForConnectionError carrying Auth0's error", () =>
    Effect.gen(function*() {
      const server = yield* serve
      const apiClient = yield* client({ domain: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
      const error = yield* rejectionOf(() =>
        apiClient.getAccessTokenForConnection({ connection: "slack", accessToken: "at-alice" })
      )
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect(error.code).toBe("token_for_connection_error")
      expect((error as TokenForConnectionError).cause?.error).toBe("federated_connection_refresh_token_not_found")
    }))

  it.live("authenticates with a client certificate given as plain values (mTLS), no secret on the wire", () =>
    Effect.gen(function*() {
      const certificates = yield* Effect.orDie(TestCertificates.make())
      const certificate = yield* Effect.orDie(certificates.issueClient("CN=mtls-app, O=Example"))
      const emulator = yield* TokenVaultEmulator.make({
        ...tenant,
        clients: [{
          clientId: "mtls-app",
          authMethods: ["tls_client_auth"],
          tlsClientAuthSubjectDn: certificate.subjectDn
        }]
      })
      const server = yield* EmulatorServer.serve(emulator, {
        tls: {
          cert: certificates.server.cert,
          key: certificates.server.key,
          ca: certificates.ca.cert,
          requestClientCertificate: true
        }
      })
      const apiClient = yield* client({
        domain: server.url,
        clientId: "mtls-app",
        clientAuthentication: "tls_client_auth",
        mtlsEndpoint: server.tokenEndpoint,
        tls: { cert: certificate.cert, key: Redacted.value(certificate.key), ca: certificates.ca.cert }
      })
      const tokenSet = yield* call(() => apiClient.getAccessTokenForConnection(google))
      expect(tokenSet.accessToken).toBe("ya29.alice")
      const [request] = yield* server.emulator.requests
      expect(request?.clientCertificate?.verified).toBe(true)
      expect(request?.form["client_secret"]).toBeUndefined()
      expect(request?.headers["authorization"]).toBeUndefined()
    }))

  it.live("a wrong key (plain text) rejects with InvalidConfigurationError that does not show it", () =>
    Effect.gen(function*() {
      const certificates = yield* Effect.orDie(TestCertificates.make())
      const certificate = yield* Effect.orDie(certificates.issueClient("CN=mtls-app, O=Example"))
      const other = yield* Effect.orDie(certificates.issueClient("CN=other, O=Example"))
      const key = Redacted.value(other.key)
      const apiClient = yield* client({
        domain: "tenant.example.com",
        clientId: "mtls-app",
        clientAuthentication: "tls_client_auth",
        mtlsEndpoint: "https://mtls.tenant.example.com/oauth/token",
        tls: { cert: certificate.cert, key }
      })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(google))
      expect(error).toBeInstanceOf(InvalidConfigurationError)
      expect(error.message).toContain("tls.key")
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(key.slice(40, 80))
    }))

  it.effect("invalid undici options reject the calls with InvalidConfigurationError naming the option", () =>
    Effect.gen(function*() {
      const apiClient = yield* client({
        domain: "tenant.example.com",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        connections: -1
      })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(google))
      expect(error).toBeInstanceOf(InvalidConfigurationError)
      expect(error.code).toBe("invalid_configuration_error")
      expect(error.message).toContain("connections")
    }))

  it.effect("customFetch together with an undici option rejects instead of silently picking one", () =>
    Effect.gen(function*() {
      const apiClient = yield* client({
        domain: "tenant.example.com",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        customFetch: fetch,
        proxy: "http://127.0.0.1:3128"
      })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(google))
      expect(error).toBeInstanceOf(InvalidConfigurationError)
      expect(error.message).toContain("customFetch")
      expect(error.message).toContain("proxy")
      expect(error.message).not.toContain("3128")
    }))

  it.effect("bad options end in the facade's errors, not a TypeError, and never show what a getter threw", () =>
    Effect.gen(function*() {
      expect(() => new ApiClient(undefined as never)).toThrow(MissingRequiredArgumentError)
      const options = { domain: "tenant.auth0.com", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
      const throwing = (target: object, name: string) =>
        Object.defineProperty({ ...target }, name, {
          enumerable: true,
          get: () => {
            throw new Error("boom")
          }
        })
      // An option read when the client is made: the constructor throws.
      expect(() => new ApiClient(throwing(options, "tls") as never)).toThrow(InvalidConfigurationError)
      expect(() => new ApiClient(throwing(options, "tls") as never)).not.toThrow(/boom/)
      // A nested option, read when the HTTP client is built: the calls reject.
      const apiClient = yield* client({ ...options, tls: throwing({ cert: "-----BEGIN CERTIFICATE-----" }, "key") })
      const error = yield* rejectionOf(() => apiClient.getAccessTokenForConnection(google))
      expect(error).toBeInstanceOf(InvalidConfigurationError)
      expect(String(error)).not.toContain("boom")
    }))
})
