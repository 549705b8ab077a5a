/**
 * `effect-http.ts` with its imports from the package roots (`effect`, `effect/http`) instead of
 * per module: what root imports cost, the reason the library imports per module.
 */
import { Effect, ManagedRuntime, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "effect/http"

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
