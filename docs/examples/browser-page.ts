/**
 * A browser page script: shows whether the signed-in user has connected Google Calendar, by
 * exchanging their Auth0 access token at Token Vault, straight from the page.
 *
 * The exchange authenticates the application with its client secret, so whoever can read the page
 * can read the secret. Run it only where the page is as trusted as a backend: an internal tool on
 * a managed network, a kiosk, your own machine against the emulator. A public web app does the
 * exchange on its backend (`NodeTokenVault`, or a Worker as in `worker-cloudflare.ts`) and hands
 * the page only what it needs.
 *
 * The page gives its configuration in `<script type="application/json" id="token-vault-config">`
 * (`domain`, `clientId`, `clientSecret`, and the user's Auth0 `accessToken`, which a real page gets
 * from its Auth0 SDK, e.g. `auth0-spa-js`'s `getTokenSilently()`); the status goes into
 * `<output id="token-vault-status">`. The tenant must list the page's origin in the application's
 * "Allowed Web Origins", or the browser blocks the request (CORS).
 *
 * Bundle with esbuild (`--bundle --format=esm --platform=browser --minify`); import Effect per
 * module, as here, to keep the bundle small.
 */
import { TokenVault } from "@effect-auth0/token-vault"
import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/** What the page is configured with. */
export interface PageConfig {
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  readonly accessToken: string
}

/** What the page shows. */
export type CalendarStatus =
  | { readonly state: "connected"; readonly scope: string | undefined; readonly expiresAt: number }
  | { readonly state: "not-connected" }
  | { readonly state: "error"; readonly message: string }

/** Whether the user's Google account is connected, and with which scopes. */
export const calendarStatus = (config: PageConfig): Effect.Effect<CalendarStatus> =>
  TokenVault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: config.accessToken }).pipe(
    // The token itself (`Redacted.value(google.accessToken)`) would call Google's APIs from here.
    Effect.map((google): CalendarStatus => ({ state: "connected", scope: google.scope, expiresAt: google.expiresAt })),
    Effect.catchTag("AccountNotConnectedError", () => Effect.succeed<CalendarStatus>({ state: "not-connected" })),
    Effect.catch((error) => Effect.succeed<CalendarStatus>({ state: "error", message: error.message })),
    Effect.provide(BrowserTokenVault.layer(
      { domain: config.domain, clientId: config.clientId, clientSecret: Redacted.make(config.clientSecret) },
      // No cookies, and no page URL, go to the tenant.
      { credentials: "omit", referrerPolicy: "no-referrer" }
    )),
    Effect.catch((error) => Effect.succeed<CalendarStatus>({ state: "error", message: error.message }))
  )

const describe = (status: CalendarStatus): string => {
  switch (status.state) {
    case "connected":
      return `Google Calendar is connected (${status.scope ?? "no scopes"}), token valid until ` +
        new Date(status.expiresAt * 1000).toLocaleTimeString()
    case "not-connected":
      return "Google Calendar is not connected yet."
    case "error":
      return `Could not check Google Calendar: ${status.message}`
  }
}

const configElement = document.getElementById("token-vault-config")
const output = document.getElementById("token-vault-status")
if (configElement !== null && output !== null) {
  const config = JSON.parse(configElement.textContent ?? "{}") as PageConfig
  void Effect.runPromise(calendarStatus(config)).then((status) => {
    output.dataset["state"] = status.state
    output.textContent = describe(status)
  })
}
