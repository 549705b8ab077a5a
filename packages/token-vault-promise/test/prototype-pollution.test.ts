import { ApiClient } from "@effect-auth0/token-vault-promise"
import { afterEach, describe, expect, it } from "vitest"
import { stubFetch } from "./fixtures.js"

const success = { status: 200, body: JSON.stringify({ access_token: "federated-token", expires_in: 600 }) }

const polluting = [
  "mtlsEndpoint",
  "clientAuthentication",
  "discoverMtlsEndpoint",
  "cache",
  "store",
  "retry",
  "timeout",
  "tls",
  "proxy",
  "proxyFromEnvironment",
  "clientAssertionSigningKey",
  "customFetch"
] as const

/** Sets these entries on `Object.prototype`; `afterEach` removes them. */
const pollute = (entries: Record<string, unknown>) => {
  for (const [key, value] of Object.entries(entries)) {
    Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true })
  }
}

afterEach(() => {
  for (const key of polluting) delete (Object.prototype as Record<string, unknown>)[key]
})

describe("ApiClient reads its options as own properties only", () => {
  // (Not `Object.prototype.cache`: `fetch` itself reads `cache` from its RequestInit, inherited or not.)
  it("a polluted Object.prototype (mtlsEndpoint, store, proxy, tls, customFetch, ...) changes nothing", async () => {
    const received: Array<unknown> = []
    const attacker = stubFetch(success)
    pollute({
      mtlsEndpoint: "https://attacker.example/oauth/token",
      clientAuthentication: "tls_client_auth",
      discoverMtlsEndpoint: true,
      store: { get: () => undefined, set: (_: string, value: unknown) => received.push(value) },
      retry: "bogus",
      timeout: "bogus",
      tls: { cert: "not a certificate" },
      proxy: "http://attacker.example:3128",
      proxyFromEnvironment: true,
      clientAssertionSigningKey: "key",
      customFetch: attacker.fetch
    })
    const own = stubFetch(success)
    const client = new ApiClient({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientSecret: "client-secret-value",
      customFetch: own.fetch
    })
    try {
      const tokenSet = await client.getAccessTokenForConnection({ connection: "github", accessToken: "subject" })
      expect(tokenSet.accessToken).toBe("federated-token")
      expect(own.seen().map((request) => request.url)).toEqual(["https://tenant.auth0.com/oauth/token"])
      expect(attacker.seen()).toEqual([])
      expect(received).toEqual([])
    } finally {
      await client.dispose()
    }
  })
})
