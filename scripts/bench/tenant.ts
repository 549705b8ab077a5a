/**
 * The emulated tenant every benchmark talks to: one client (`client_secret_post`), one user
 * holding `tokenCount` distinct Auth0 access tokens, all linked to one `github` identity.
 */
import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as Effect from "effect/Effect"

/** The tenant's domain as Auth0's SDK sees it (its fetch is rewritten to the loopback server). */
export const domain = "tenant.bench"
export const clientId = "bench-app"
export const clientSecret = "bench-app-secret-5d2e"
export const connection = "github"

/** The `i`-th Auth0 access token of the user. */
export const subjectToken = (i: number): string => `bench-access-token-${i}`

/** The client that authenticates with `private_key_jwt` (RS256, the default algorithm). */
export const jwtClientId = "bench-jwt-app"

/**
 * The tenant, with `recordRequests: false` (the record would only grow). With the public key of
 * the `private_key_jwt` client (an SPKI PEM: the key pair is made by the benchmark's process, the
 * emulator process gets the public half).
 */
export const tenantConfig = (tokenCount: number, assertionKey?: string): TokenVaultEmulator.TenantConfig => ({
  domain,
  recordRequests: false,
  clients: [
    { clientId, clientSecret, authMethods: ["client_secret_post"] },
    ...(assertionKey === undefined ? [] : [{
      clientId: jwtClientId,
      authMethods: ["private_key_jwt"] as const,
      clientAssertionKeys: [{ algorithm: "RS256" as const, publicKey: assertionKey }]
    }])
  ],
  users: [{
    userId: "auth0|bench-user",
    accessTokens: Array.from({ length: tokenCount }, (_, i) => subjectToken(i)),
    connections: {
      [connection]: [{ accessToken: "gho_bench0123456789abcdefghijklmnopqrstuvwx", scope: "repo", expiresIn: 3600 }]
    }
  }]
})

/** An emulator that counts the token requests (`POST /oauth/token`) it answers. */
export interface CountingEmulator {
  readonly emulator: TokenVaultEmulator.TokenVaultEmulator
  readonly tokenRequests: () => number
}

/** Wraps `emulator` so that its transports' requests to `/oauth/token` are counted. */
export const countTokenRequests = (emulator: TokenVaultEmulator.TokenVaultEmulator): CountingEmulator => {
  let count = 0
  const dispatch: TokenVaultEmulator.TokenVaultEmulator["dispatch"] = (request) =>
    Effect.suspend(() => {
      if (new URL(request.url, "http://emulator").pathname === "/oauth/token") count++
      return emulator.dispatch(request)
    })
  return { emulator: { ...emulator, dispatch }, tokenRequests: () => count }
}
