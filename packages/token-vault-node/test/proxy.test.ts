import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Redacted from "effect/Redacted"
import { type Fixtures, FixturesLive, MTLS_CLIENT_ID, serveHttps } from "./fixtures.js"
import {
  CLIENT_ID,
  CLIENT_SECRET,
  closedPort,
  type ConnectProxy,
  connectProxy,
  proxiedName,
  renderings,
  tenant,
  uncached,
  withEnvironment
} from "./helpers.js"

const google = { connection: "google-oauth2", accessToken: "at-alice" } as const

/** `times` sequential exchanges through one `NodeTokenVault.layer` with these options. */
const exchanges = (options: NodeTokenVault.LayerOptions, times = 1) =>
  Effect.gen(function*() {
    const tokens: Array<string> = []
    for (let i = 0; i < times; i++) {
      const tokenSet = yield* TokenVault.getAccessTokenForConnection(google)
      tokens.push(Redacted.value(tokenSet.accessToken))
    }
    return tokens
  }).pipe(Effect.provide(NodeTokenVault.layer({ ...uncached, ...options })))

/** Every exchange went through the proxy, to `domain`, over at most `atMost` tunnels. */
const expectTunnelsTo = (
  proxy: { readonly tunnels: () => number; readonly targets: ReadonlyArray<string> },
  domain: string,
  { atMost }: { readonly atMost: number }
) => {
  expect(proxy.tunnels()).toBeGreaterThanOrEqual(1)
  expect(proxy.tunnels()).toBeLessThanOrEqual(atMost)
  expect(proxy.targets.length).toBe(proxy.tunnels())
  expect(proxy.targets.every((target) => target === domain)).toBe(true)
}

/** The secret client over plain HTTP. */
const plain = (domain: string, http: NodeTokenVault.HttpClientOptions): NodeTokenVault.LayerOptions => ({
  domain,
  clientId: CLIENT_ID,
  clientSecret: Redacted.make(CLIENT_SECRET),
  ...http
})

/** The tls_client_auth client over HTTPS, to `server` (or to it under `proxiedName`). */
const mtls = (
  fixtures: Fixtures,
  server: { readonly url: string; readonly tokenEndpoint: string },
  http: NodeTokenVault.HttpClientOptions
): NodeTokenVault.LayerOptions => ({
  domain: server.url,
  clientId: MTLS_CLIENT_ID,
  clientAuthentication: "tls_client_auth",
  mtlsEndpoint: server.tokenEndpoint,
  tls: { cert: fixtures.client.cert, key: fixtures.client.key, ca: fixtures.certificates.ca.cert },
  ...http
})

/** Nothing of any exchange reached the proxy: no connection, no tunnel, no plain request. */
const expectUntouched = (proxy: ConnectProxy) => {
  expect(proxy.connections()).toBe(0)
  expect(proxy.tunnels()).toBe(0)
  expect(proxy.plainRequests).toEqual([])
  expect(proxy.seen()).toBe("")
}

describe("proxies never carry a plain-HTTP loopback exchange (plaintext never leaves the machine)", () => {
  it.effect("the proxy option: a loopback http: token endpoint is reached directly, over one pooled socket", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const proxy = yield* connectProxy()
      expect(yield* exchanges(plain(server.url, { proxy: proxy.url }), 3)).toEqual(Array(3).fill("ya29.alice"))
      expectUntouched(proxy)
      expect(yield* server.emulator.requests).toHaveLength(3)
    }))

  it.effect("a proxy URL with credentials is not used for loopback either, nor shown", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const proxy = yield* connectProxy({ authorization: "Basic never" })
      const address = proxy.url.slice("http://".length)
      const ok = yield* exchanges(
        plain(server.url, { proxy: Redacted.make(`http://tv-user:proxy-pa55word@${address}`) })
      )
      expect(ok).toEqual(["ya29.alice"])
      expectUntouched(proxy)
      expect(proxy.authorizations).toEqual([])
    }))

  it.effect("without the option and with the environment mode off (the default), no proxy is used", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const proxy = yield* connectProxy()
      yield* withEnvironment({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url })
      expect(yield* exchanges(plain(server.url, {}))).toEqual(["ya29.alice"])
      expectUntouched(proxy)
    }))

  it.effect("environment mode: HTTP_PROXY / HTTPS_PROXY without NO_PROXY do not carry a loopback http: exchange", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const proxy = yield* connectProxy()
      for (const variable of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy"]) {
        yield* withEnvironment({ [variable]: proxy.url, NO_PROXY: "internal.example" })
        expect(yield* exchanges(plain(server.url, { proxyFromEnvironment: true }))).toEqual(["ya29.alice"])
      }
      expectUntouched(proxy)
    }))

  it.effect("a proxy that is not there does not matter to a loopback http: origin", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const port = yield* closedPort
      expect(yield* exchanges(plain(server.url, { proxy: `http://127.0.0.1:${port}` }))).toEqual(["ya29.alice"])
    }))

  it.effect("mTLS discovery on a loopback http: tenant is not sent through the proxy either", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const proxy = yield* connectProxy()
      // Discovery goes through the HttpClient (not the token transport): same dispatcher, same rule.
      const layer = NodeTokenVault.layerHttpClient({ proxy: proxy.url })
      const status = yield* Effect.flatMap(
        HttpClient.HttpClient,
        (client) => client.get(`${server.url}/.well-known/openid-configuration`)
      ).pipe(Effect.map((response) => response.status), Effect.provide(layer))
      expect(status).toBe(200)
      expectUntouched(proxy)
    }))
})

layer(FixturesLive, { timeout: 60_000 })("proxies, to the HTTPS emulator with mTLS", (it) => {
  it.effect("the proxy option: mTLS runs end to end through the CONNECT tunnel", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const { fixtures, server } = yield* serveHttps
      const named = yield* proxiedName(server)
      const proxy = yield* connectProxy()
      expect(yield* exchanges(mtls(fixtures, named, { proxy: proxy.url }), 3)).toEqual(Array(3).fill("ya29.alice"))
      expectTunnelsTo(proxy, named.domain, { atMost: 2 })
      const requests = yield* server.emulator.requests
      expect(requests.map((request) => request.clientCertificate?.subjectDn)).toEqual(
        Array(3).fill(fixtures.client.subjectDn)
      )
      expect(requests.every((request) => request.clientCertificate?.verified === true)).toBe(true)
      // The proxy only saw TLS records: no form field, no token.
      expect(proxy.seen().length).toBeGreaterThan(0)
      expect(proxy.seen()).not.toContain("subject_token")
      expect(proxy.seen()).not.toContain("at-alice")
    }))

  it.effect("proxy credentials in a Redacted URL are sent as Proxy-Authorization, and never shown", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const { fixtures, server } = yield* serveHttps
      const named = yield* proxiedName(server)
      const expected = `Basic ${Buffer.from("tv-user:proxy-pa55word").toString("base64")}`
      const proxy = yield* connectProxy({ authorization: expected })
      const address = proxy.url.slice("http://".length)

      const ok = yield* exchanges(
        mtls(fixtures, named, { proxy: Redacted.make(`http://tv-user:proxy-pa55word@${address}`) })
      )
      expect(ok).toEqual(["ya29.alice"])
      expect(proxy.authorizations).toEqual([expected])

      const refused = yield* Effect.flip(
        exchanges(mtls(fixtures, named, { proxy: Redacted.make(`http://tv-user:wrong-pa55word@${address}`) }))
      )
      expect(refused._tag).toBe("TransportError")
      expect(refused.message).toMatch(/407/)
      for (const text of renderings(refused)) {
        expect(text).not.toContain("wrong-pa55word")
        expect(text).not.toContain("tv-user")
      }
    }))

  it.effect("a proxy that is not there is a TransportError", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const { fixtures, server } = yield* serveHttps
      const named = yield* proxiedName(server)
      const port = yield* closedPort
      const error = yield* Effect.flip(exchanges(mtls(fixtures, named, { proxy: `http://127.0.0.1:${port}` })))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("ECONNREFUSED")
      expect(yield* server.connections).toBe(0)
    }))

  it.effect("environment mode: HTTPS_PROXY routes https: origins (not HTTP_PROXY), with mTLS", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const named = yield* proxiedName(server)
      const proxy = yield* connectProxy()
      const dead = yield* closedPort
      yield* withEnvironment({
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: `http://127.0.0.1:${dead}`,
        NO_PROXY: "internal.example,.corp"
      })
      expect(yield* exchanges(mtls(fixtures, named, { proxyFromEnvironment: true }), 2)).toEqual([
        "ya29.alice",
        "ya29.alice"
      ])
      expectTunnelsTo(proxy, named.domain, { atMost: 2 })
      const requests = yield* server.emulator.requests
      expect(requests.every((request) => request.clientCertificate?.verified === true)).toBe(true)
    }))

  it.effect("environment mode: NO_PROXY exempts the origin, which the client then resolves itself", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      // Only the test proxy knows the name: exempted, the client looks it up itself and finds nothing.
      const named = yield* proxiedName(server)
      const proxy = yield* connectProxy()
      yield* withEnvironment({ HTTPS_PROXY: proxy.url, NO_PROXY: "internal.example,tenant.test" })
      const error = yield* Effect.flip(exchanges(mtls(fixtures, named, { proxyFromEnvironment: true })))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("ENOTFOUND")
      expect(proxy.tunnels()).toBe(0)
      expect(yield* server.connections).toBe(0)
    }))

  it.effect("environment mode off: HTTPS_PROXY is ignored", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const proxy = yield* connectProxy()
      yield* withEnvironment({ HTTPS_PROXY: proxy.url })
      expect(yield* exchanges(mtls(fixtures, server, {}))).toEqual(["ya29.alice"])
      expect(proxy.tunnels()).toBe(0)
    }))
})

layer(FixturesLive, { timeout: 60_000 })("proxies never carry a loopback https: exchange either", (it) => {
  it.effect("the proxy option and HTTPS_PROXY: a loopback https: token endpoint is reached directly, with mTLS", () =>
    Effect.gen(function*() {
      const { fixtures, server } = yield* serveHttps
      const proxy = yield* connectProxy()
      yield* withEnvironment({})
      expect(yield* exchanges(mtls(fixtures, server, { proxy: proxy.url }), 2)).toEqual(["ya29.alice", "ya29.alice"])
      yield* withEnvironment({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url })
      expect(yield* exchanges(mtls(fixtures, server, { proxyFromEnvironment: true }))).toEqual(["ya29.alice"])
      expectUntouched(proxy)
      const requests = yield* server.emulator.requests
      expect(requests.every((request) => request.clientCertificate?.verified === true)).toBe(true)
    }))

  it.effect("localhost is loopback too; a proxy that is not there does not matter to a loopback https: origin", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const { fixtures, server } = yield* serveHttps
      const port = yield* closedPort
      const { port: serverPort } = new URL(server.url)
      const localhost = {
        url: `https://localhost:${serverPort}`,
        tokenEndpoint: `https://localhost:${serverPort}/oauth/token`
      }
      yield* server.emulator.addHost(`localhost:${serverPort}`)
      expect(yield* exchanges(mtls(fixtures, localhost, { proxy: `http://127.0.0.1:${port}` }))).toEqual(["ya29.alice"])
      expect(yield* exchanges(mtls(fixtures, server, { proxy: `http://127.0.0.1:${port}` }))).toEqual(["ya29.alice"])
    }))

  it.effect("mTLS discovery on a loopback https: tenant is not sent through the proxy", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const { fixtures, server } = yield* serveHttps
      const proxy = yield* connectProxy()
      const options = mtls(fixtures, server, { proxy: proxy.url })
      const { mtlsEndpoint: _, ...discovering } = options as NodeTokenVault.LayerOptions & { mtlsEndpoint?: string }
      expect(yield* exchanges({ ...discovering, discoverMtlsEndpoint: true } as NodeTokenVault.LayerOptions)).toEqual([
        "ya29.alice"
      ])
      expect((yield* server.emulator.requests).length).toBeGreaterThan(0)
      expectUntouched(proxy)
    }))
})
