/**
 * Auth0's own SDK against the emulator: if `@auth0/auth0-auth-js` (discovery through
 * `openid-client`, then the Token Vault exchange) accepts the emulator's answers, the emulator
 * speaks Auth0's protocol closely enough for our client's tests to mean something.
 */
import { AuthClient, TokenForConnectionError } from "@auth0/auth0-auth-js"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { APP_ID, APP_SECRET, GOOGLE_SCOPE, tenant } from "./fixtures.js"
import { generateKey } from "./jose-fixtures.js"

/** Sends `https://{domain}` requests to the loopback server instead. */
const rewritingFetch = (domain: string, serverUrl: string): typeof fetch => (input, init) => {
  const from = `https://${domain}`
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
  const target = url.startsWith(from) ? `${serverUrl}${url.slice(from.length)}` : url
  return input instanceof Request ? fetch(new Request(target, input), init) : fetch(target, init)
}

type Credentials =
  | { readonly clientId: string; readonly clientSecret: string }
  | {
    readonly clientId: string
    readonly clientAssertionSigningKey: string
    readonly clientAssertionSigningAlg: string
  }

const withSdk = <A>(
  domain: string,
  use: (client: AuthClient, emulator: TokenVaultEmulator.TokenVaultEmulator) => Promise<A>,
  credentials: Credentials = { clientId: APP_ID, clientSecret: APP_SECRET },
  config: TokenVaultEmulator.TenantConfig = tenant
) =>
  Effect.scoped(
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make({ ...config, domain })
      const server = yield* EmulatorServer.serve(emulator)
      const client = new AuthClient({ domain, ...credentials, customFetch: rewritingFetch(domain, server.url) })
      return yield* Effect.promise(() => use(client, emulator))
    })
  )

describe("@auth0/auth0-auth-js against the emulator", () => {
  it.live("discovers the tenant and exchanges an access token with login_hint", () =>
    withSdk("sdk-success.example.com", async (client, emulator) => {
      const before = Math.floor(Date.now() / 1000)
      const result = await client.getTokenForConnection({
        connection: "google-oauth2",
        accessToken: "at-alice",
        loginHint: "alice@work.example"
      })
      expect(result.accessToken).toBe("ya29.alice-work")
      expect(result.scope).toBe("openid")
      expect(result.expiresAt).toBeGreaterThanOrEqual(before + 3600)

      const primary = await client.getTokenForConnection({ connection: "google-oauth2", refreshToken: "rt-alice" })
      expect(primary.accessToken).toBe("ya29.alice-personal")
      expect(primary.scope).toBe(GOOGLE_SCOPE)

      const requests = await Effect.runPromise(emulator.requests)
      expect(requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([
        "GET /.well-known/openid-configuration",
        "POST /oauth/token",
        "POST /oauth/token"
      ])
      expect(requests[1]?.form).toMatchObject({
        grant_type: TokenVaultEmulator.GRANT_TYPE,
        subject_token_type: TokenVaultEmulator.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN,
        requested_token_type: TokenVaultEmulator.REQUESTED_TOKEN_TYPE,
        connection: "google-oauth2",
        login_hint: "alice@work.example"
      })
    }))

  it.live("surfaces the emulator's OAuth error as TokenForConnectionError", () =>
    withSdk("sdk-error.example.com", async (client) => {
      const error = await client
        .getTokenForConnection({ connection: "slack", accessToken: "at-alice" })
        .then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect((error as TokenForConnectionError).cause).toMatchObject({
        error: "federated_connection_refresh_token_not_found",
        error_description: "Federated connection Refresh Token not found."
      })
    }))

  for (const algorithm of ["RS256", "ES256"] as const) {
    it.live(`authenticates with private_key_jwt (${algorithm}): the emulator verifies the SDK's assertion`, () =>
      Effect.gen(function*() {
        const key = yield* Effect.promise(() => generateKey(algorithm))
        const jwtTenant: TokenVaultEmulator.TenantConfig = {
          ...tenant,
          clients: [{
            clientId: "sdk-jwt-client",
            authMethods: ["private_key_jwt"],
            clientAssertionKeys: [{ algorithm, publicKey: key.spkiPem }]
          }]
        }
        return yield* withSdk(
          "sdk-jwt.example.com",
          async (client, emulator) => {
            const result = await client.getTokenForConnection({ connection: "google-oauth2", accessToken: "at-alice" })
            expect(result.accessToken).toBe("ya29.alice-personal")
            const second = await client.getTokenForConnection({ connection: "github", refreshToken: "rt-alice" })
            expect(second.accessToken).toBe("gho_alice")
            const requests = await Effect.runPromise(emulator.requests)
            expect(requests.at(-1)?.form).toMatchObject({
              client_id: "sdk-jwt-client",
              client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            })
          },
          {
            clientId: "sdk-jwt-client",
            clientAssertionSigningKey: Redacted.value(key.pkcs8Pem),
            clientAssertionSigningAlg: algorithm
          },
          jwtTenant
        )
      }))
  }
})
