import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"

/** One canned answer of {@link stubFetch}. */
export interface StubAnswer {
  readonly status: number
  readonly body: string
  readonly headers?: Readonly<Record<string, string>>
}

/** A request as the stub saw it. */
export interface SeenRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A `fetch` that answers every request with `answer` and records what it was sent. */
export const stubFetch = (answer: StubAnswer) => {
  const seen: Array<SeenRequest> = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    seen.push({
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.text()
    })
    return new Response(answer.body, { status: answer.status, headers: { ...answer.headers } })
  }
  return { fetch, seen: (): ReadonlyArray<SeenRequest> => [...seen] }
}

/** The error a promise rejects with; fails the test when it resolves. */
export const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string; cause?: unknown; statusCode?: number }
  }
  throw new Error("expected the promise to reject")
}

export const CLIENT_ID = "promise-app"
export const CLIENT_SECRET = "promise-app-secret-value"

/** A tenant with one user, alice, linked to Google; Slack is not linked (a refused exchange). */
export const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: ["at-alice", "at-alice-2"],
      connections: {
        "google-oauth2": [{
          loginHint: "alice@example.com",
          accessToken: "ya29.alice",
          scope: "openid",
          expiresIn: 1200
        }]
      }
    }
  ],
  recordRequests: true
}
