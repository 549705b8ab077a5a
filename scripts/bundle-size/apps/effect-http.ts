/**
 * The same-shaped app without this library, the reference of the Effect API's bundle: the
 * exchange written by hand with `effect` (per-module imports), a `ManagedRuntime`, a `Schema`
 * class decoding the response, and an `effect/http/FetchHttpClient` POST. No typed errors,
 * validation, cache, retries, redaction or telemetry.
 *
 * `run.ts` also bundles it with these imports from the package roots (`effect`, `effect/http`):
 * what root imports cost, the reason the library imports per module.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"

class TokenResponse extends Schema.Class<TokenResponse>("TokenResponse")({
  access_token: Schema.String,
  expires_in: Schema.Number,
  scope: Schema.optional(Schema.String)
}) {}

const runtime = ManagedRuntime.make(FetchHttpClient.layer)

export const federatedToken = (auth0AccessToken: string): Promise<string> =>
  runtime.runPromise(
    Effect.gen(function*() {
      const client = HttpClient.filterStatusOk(yield* HttpClient.HttpClient)
      const response = yield* client.execute(
        HttpClientRequest.post("https://tenant.example.com/oauth/token").pipe(
          HttpClientRequest.bodyUrlParams({
            grant_type: "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token",
            subject_token: auth0AccessToken,
            subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
            requested_token_type: "http://auth0.com/oauth/token-type/federated-connection-access-token",
            connection: "google-oauth2",
            client_id: "client-id",
            client_secret: "client-secret"
          })
        )
      )
      const body = yield* HttpClientResponse.schemaBodyJson(TokenResponse)(response)
      return body.access_token
    })
  )
