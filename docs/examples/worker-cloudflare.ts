/**
 * A Cloudflare Worker: `GET /calendars` with the user's Auth0 access token as a bearer token
 * exchanges it at Auth0 Token Vault for their Google token and lists their Google calendars.
 *
 * Bindings: the variable `AUTH0_DOMAIN`, the secrets `AUTH0_CLIENT_ID` and `AUTH0_CLIENT_SECRET`
 * (`wrangler secret put AUTH0_CLIENT_SECRET`), and optionally `GOOGLE_API_URL` (another base URL
 * for the Google API, e.g. a stub in tests). Bundle with wrangler or esbuild; nothing else to set:
 * the HTTP client is the Worker's own `fetch`.
 *
 * Written against the standard `Request` / `Response` types only (no `@cloudflare/workers-types`).
 */
import { TokenVault, type TokenVaultError } from "@effect-auth0/token-vault"
import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"

/** The Worker's bindings. */
export interface Env {
  readonly AUTH0_DOMAIN: string
  readonly AUTH0_CLIENT_ID: string
  readonly AUTH0_CLIENT_SECRET: string
  readonly GOOGLE_API_URL?: string
}

type Runtime = ManagedRuntime.ManagedRuntime<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError>

// One runtime per isolate, built on the first request (bindings arrive with requests): the
// TokenVault's token cache then serves every request this isolate handles.
let runtime: Runtime | undefined

const runtimeFor = (env: Env): Runtime =>
  runtime ??= ManagedRuntime.make(
    BrowserTokenVault.layer({
      domain: env.AUTH0_DOMAIN,
      clientId: env.AUTH0_CLIENT_ID,
      clientSecret: Redacted.make(env.AUTH0_CLIENT_SECRET)
    })
  )

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers })

/** The Google calendars of the user whose Auth0 access token this is. */
const listCalendars = (auth0AccessToken: string, env: Env) =>
  Effect.gen(function*() {
    const google = yield* TokenVault.getAccessTokenForConnection({
      connection: "google-oauth2",
      accessToken: auth0AccessToken
    })
    const api = env.GOOGLE_API_URL ?? "https://www.googleapis.com"
    const response = yield* Effect.tryPromise(() =>
      fetch(`${api}/calendar/v3/users/me/calendarList`, {
        headers: { authorization: `Bearer ${Redacted.value(google.accessToken)}` }
      })
    )
    return json(response.status, yield* Effect.tryPromise(() => response.json()))
  })

/** The calendars, or every failure as an answer for the caller; nothing secret goes into one. */
const calendarsOrExplain = (auth0AccessToken: string, env: Env) =>
  listCalendars(auth0AccessToken, env).pipe(
    Effect.catchTags({
      InvalidArgumentError: (error) => Effect.succeed(json(400, { error: error.message })),
      AccountNotConnectedError: () =>
        Effect.succeed(json(403, { error: "google_not_connected", message: "Connect your Google account first." })),
      ReconnectRequiredError: () =>
        Effect.succeed(json(403, { error: "google_reconnect", message: "Reconnect your Google account." })),
      InvalidSubjectTokenError: () => Effect.succeed(json(401, { error: "sign_in_again" })),
      MfaRequiredError: () => Effect.succeed(json(403, { error: "mfa_required" })),
      ClientNotAllowedError: (error) => Effect.succeed(json(500, { error: error.error })),
      TokenExchangeError: (error) =>
        Effect.succeed(json(403, { error: error.error, message: "Auth0 refused the token exchange." })),
      RateLimitError: (error) =>
        Effect.succeed(json(503, { error: "rate_limited" }, { "retry-after": String(error.retryAfter ?? 1) })),
      TransportError: () => Effect.succeed(json(502, { error: "auth0_unreachable" })),
      UnexpectedResponseError: () => Effect.succeed(json(502, { error: "auth0_unexpected_response" })),
      UnknownError: () => Effect.succeed(json(502, { error: "google_unreachable" }))
    })
  )

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (request.method !== "GET" || url.pathname !== "/calendars") return json(404, { error: "not_found" })
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]
    if (bearer === undefined) return json(401, { error: "missing_bearer_token" })
    return runtimeFor(env).runPromise(calendarsOrExplain(bearer, env)).catch(
      // Only a layer that could not be built gets here: the bindings are wrong.
      () => json(500, { error: "misconfigured" })
    )
  }
}
