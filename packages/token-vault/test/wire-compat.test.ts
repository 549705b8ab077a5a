import { AuthClient } from "@auth0/auth0-auth-js"
import { TokenVault } from "@effect-auth0/token-vault"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { keyForms } from "./utils/signingKeys.js"
import { secretOf, tenant } from "./utils/tenant.js"

/**
 * The same exchange made by Auth0's own SDK (`@auth0/auth0-auth-js`) and by this library, against
 * one loopback emulator: the token requests must carry the same form fields and values and the
 * same client authentication.
 */
const cases = [
  { name: "access token", subject: { accessToken: "alice-access-token" }, connection: "github" },
  { name: "refresh token", subject: { refreshToken: "alice-refresh-token" }, connection: "github" },
  {
    name: "access token + login_hint",
    subject: { accessToken: "alice-access-token" },
    connection: "google-oauth2",
    loginHint: "alice.home@example.com"
  },
  {
    name: "refresh token + login_hint",
    subject: { refreshToken: "alice-refresh-token" },
    connection: "google-oauth2",
    loginHint: "alice@example.com"
  }
] as const

describe("the request on the wire matches @auth0/auth0-auth-js", () => {
  it.effect.each(cases)("$name", (testCase) =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const server = yield* EmulatorServer.serve(emulator)
      const hint = "loginHint" in testCase ? { loginHint: testCase.loginHint } : {}

      // Auth0's SDK insists on https and discovery; point its fetch at the loopback server.
      const toLoopback: typeof fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input)
        return fetch(url.replace(`https://${tenant.domain}`, server.url), init)
      }
      const auth0 = new AuthClient({
        domain: tenant.domain,
        clientId: "web-app",
        clientSecret: secretOf("web-app"),
        customFetch: toLoopback
      })
      const theirs = yield* Effect.promise(() =>
        auth0.getTokenForConnection({ connection: testCase.connection, ...hint, ...testCase.subject })
      )
      const ours = yield* TokenVault.getAccessTokenForConnection({
        connection: testCase.connection,
        ...hint,
        ...testCase.subject
      }).pipe(
        Effect.provide(TokenVault.layer({
          domain: server.url,
          clientId: "web-app",
          clientSecret: Redacted.make(secretOf("web-app"))
        })),
        Effect.provide(NodeHttpClient.layerUndici)
      )
      expect(Redacted.value(ours.accessToken)).toBe(theirs.accessToken)

      const tokenRequests = (yield* emulator.requests).filter((request) => request.path === "/oauth/token")
      expect(tokenRequests).toHaveLength(2)
      const [auth0Request, ourRequest] = tokenRequests
      expect(ourRequest!.form).toEqual(auth0Request!.form)
      expect(ourRequest!.headers["authorization"]).toBe(auth0Request!.headers["authorization"])
      expect(ourRequest!.headers["content-type"]?.split(";")[0]).toBe(
        auth0Request!.headers["content-type"]?.split(";")[0]
      )
      expect(Object.keys(ourRequest!.form)).toContain("client_secret")
    }))
})

/** The header and claims of a compact JWT, unverified. */
const jwtParts = (token: string) => {
  const [header, claims] = token.split(".").slice(0, 2).map((part) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>
  )
  return { header: header!, claims: claims! }
}

describe("private_key_jwt on the wire matches @auth0/auth0-auth-js", () => {
  // Live clock: Auth0's SDK signs with the real time, and the emulator checks both assertions with its Clock.
  it.live("same form fields, same assertion header and claims (apart from jti, iat, nbf, exp and the signature)", () =>
    Effect.gen(function*() {
      const { pem, publicJwk } = keyForms("RS256")
      const emulator = yield* TokenVaultEmulator.make({
        ...tenant,
        clients: [
          ...tenant.clients,
          {
            clientId: "signing-app",
            authMethods: ["private_key_jwt"],
            clientAssertionKeys: [{ algorithm: "RS256", publicKey: publicJwk }]
          }
        ]
      })
      const server = yield* EmulatorServer.serve(emulator)
      const toLoopback: typeof fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input)
        return fetch(url.replace(`https://${tenant.domain}`, server.url), init)
      }
      const auth0 = new AuthClient({
        domain: tenant.domain,
        clientId: "signing-app",
        clientAssertionSigningKey: pem,
        customFetch: toLoopback
      })
      const call = { connection: "github", accessToken: "alice-access-token" } as const
      const theirs = yield* Effect.promise(() => auth0.getTokenForConnection(call))
      const ours = yield* TokenVault.getAccessTokenForConnection(call).pipe(
        Effect.provide(TokenVault.layer({
          domain: server.url,
          clientId: "signing-app",
          clientAssertionSigningKey: Redacted.make(pem)
        })),
        Effect.provide(NodeHttpClient.layerUndici)
      )
      expect(Redacted.value(ours.accessToken)).toBe(theirs.accessToken)

      const [auth0Request, ourRequest] = (yield* emulator.requests).filter((request) => request.path === "/oauth/token")
      const withoutAssertion = (form: Readonly<Record<string, string>>) => {
        const { client_assertion: _, ...rest } = form
        return rest
      }
      expect(withoutAssertion(ourRequest!.form)).toEqual(withoutAssertion(auth0Request!.form))
      expect(ourRequest!.headers["authorization"]).toBeUndefined()
      const theirAssertion = jwtParts(auth0Request!.form["client_assertion"]!)
      const ourAssertion = jwtParts(ourRequest!.form["client_assertion"]!)
      expect(ourAssertion.header).toEqual(theirAssertion.header)
      expect(Object.keys(ourAssertion.claims).sort()).toEqual(Object.keys(theirAssertion.claims).sort())
      // Each sends the issuer of the domain it was given: Auth0's SDK `https://tenant.test/`, ours the loopback URL's.
      expect(theirAssertion.claims["aud"]).toBe(`https://${tenant.domain}/`)
      expect(ourAssertion.claims["aud"]).toBe(`${server.url}/`)
      for (const claim of ["iss", "sub"]) expect(ourAssertion.claims[claim]).toBe(theirAssertion.claims[claim])
      const lifetime = (claims: Record<string, unknown>) => (claims["exp"] as number) - (claims["iat"] as number)
      expect(lifetime(ourAssertion.claims)).toBe(lifetime(theirAssertion.claims))
    }).pipe(Effect.scoped))
})
