/**
 * A minimal browser app on the Effect API: `TokenVault.getAccessTokenForConnection` provided with
 * `BrowserTokenVault.layer`, run on a `ManagedRuntime` (as an application keeps one).
 */
import { TokenVault } from "@effect-auth0/token-vault"
import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"

const runtime = ManagedRuntime.make(
  BrowserTokenVault.layer({
    domain: "tenant.example.com",
    clientId: "client-id",
    clientSecret: Redacted.make("client-secret")
  })
)

export const federatedToken = (auth0AccessToken: string): Promise<string> =>
  runtime.runPromise(
    TokenVault.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: auth0AccessToken }).pipe(
      Effect.map((tokenSet) => Redacted.value(tokenSet.accessToken))
    )
  )
