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
  "clientAssertionSigningAlg",
  "dpop",
  "customFetch",
  "connection",
  "accessToken",
  "refreshToken",
  "loginHint",
  "scope",
  "forwardedFor"
] as const

/** Sets these entries on `Object.prototype`; `afterEach` removes them. */
const pollute = (entries: Record<string, unknown>) => {
  for (const [key, value] of Object.entries(entries)) {
    Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true })
  }
}

/** A client built AFTER the pollution, over its own stub `fetch`. */
const ownClient = () => {
  const own = stubFetch(success)
  const client = new ApiClient({
    domain: "tenant.auth0.com",
    clientId: "client",
    clientSecret: "client-secret-value",
    customFetch: own.fetch
  })
  return { client, own }
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
      clientAssertionSigningAlg: "HS256",
      dpop: { privateKey: "key" },
      customFetch: attacker.fetch
    })
    const { client, own } = ownClient()
    try {
      const tokenSet = await client.getAccessTokenForConnection({ connection: "github", accessToken: "subject" })
      expect(tokenSet.accessToken).toBe("federated-token")
      expect(own.seen().map((request) => request.url)).toEqual(["https://tenant.auth0.com/oauth/token"])
      // The client secret authenticated (no client assertion), and no DPoP proof was sent.
      expect(new URLSearchParams(own.seen()[0]!.body).get("client_secret")).toBe("client-secret-value")
      // (Own keys: with Object.prototype polluted, every object "has" the polluted names.)
      expect(Object.keys(own.seen()[0]!.headers)).not.toContain("dpop")
      expect(attacker.seen()).toEqual([])
      expect(received).toEqual([])
    } finally {
      await client.dispose()
    }
  })

  it("a polluted Object.prototype (connection, refreshToken, loginHint, scope, forwardedFor) does not reach a call's options", async () => {
    pollute({
      connection: "polluted-connection",
      accessToken: "polluted-access-token",
      refreshToken: "polluted-refresh-token",
      loginHint: "evil",
      scope: "admin",
      forwardedFor: "198.51.100.66"
    })
    const { client, own } = ownClient()
    try {
      const tokenSet = await client.getAccessTokenForConnection({ connection: "github", accessToken: "subject" })
      expect(tokenSet.accessToken).toBe("federated-token")
      expect(tokenSet.loginHint).toBeUndefined()
      const [form] = own.seen().map((request) => Object.fromEntries(new URLSearchParams(request.body)))
      expect(form).toMatchObject({
        connection: "github",
        subject_token: "subject",
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token"
      })
      expect(form).not.toHaveProperty("login_hint")
      expect(Object.keys(form!)).not.toContain("scope")
      expect(Object.keys(own.seen()[0]!.headers)).not.toContain("auth0-forwarded-for")
      // A call without its own connection is still refused, as unpolluted.
      const missing = client.getAccessTokenForConnection({ accessToken: "subject" } as never)
      await expect(missing).rejects.toThrow("The argument 'connection' is required but was not provided.")
      expect(own.seen()).toHaveLength(1)
    } finally {
      await client.dispose()
    }
  })
})
