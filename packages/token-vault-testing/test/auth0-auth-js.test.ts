/**
 * Auth0's own SDK against the emulator: if `@auth0/auth0-auth-js` (discovery through
 * `openid-client`, then the Token Vault exchange) accepts the emulator's answers, the emulator
 * speaks Auth0's protocol closely enough for our client's tests to mean something.
 */
import { AuthClient, TokenForConnectionError } from "@auth0/auth0-auth-js"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { APP_ID, APP_SECRET, GOOGLE_SCOPE, tenant } from "./fixtures.js"

/** Sends `https://{domain}` requests to the loopback server instead. */
const rewritingFetch = (domain: string, serverUrl: string): typeof fetch => (input, init) => {
  const from = `https://${domain}`
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
  const target = url.startsWith(from) ? `${serverUrl}${url.slice(from.length)}` : url
  return input instanceof Request ? fetch(new Request(target, input), init) : fetch(target, init)
}

const withSdk = <A>(
  domain: string,
  use: (client: AuthClient, emulator: TokenVaultEmulator.TokenVaultEmulator) => Promise<A>
) =>
  Effect.scoped(
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make({ ...tenant, domain })
      const server = yield* EmulatorServer.serve(emulator)
      const client = new AuthClient({
        domain,
        clientId: APP_ID,
        clientSecret: APP_SECRET,
        customFetch: rewritingFetch(domain, server.url)
      })
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
})
