import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { TransportError, UnexpectedResponseError } from "../TokenVaultError.js"
import { parseEndpoint } from "./domain.js"

const DiscoveryDocument = Schema.Struct({
  mtls_endpoint_aliases: Schema.Struct({ token_endpoint: Schema.String })
})

/**
 * Reads the mTLS alias of the token endpoint from the tenant's discovery document, once: the
 * first success is kept, a failure is not, so a later call tries again.
 */
export const makeMtlsEndpointLookup = (httpClient: HttpClient.HttpClient, discoveryUrl: string) => {
  let found: Option.Option<string> = Option.none()
  const fetchAlias = httpClient.execute(HttpClientRequest.get(discoveryUrl, { acceptJson: true })).pipe(
    Effect.mapError((error) =>
      new TransportError({ url: discoveryUrl, description: `discovery failed (${error.reason})`, responseReceived: false })
    ),
    Effect.flatMap((response) =>
      Effect.flatMap(
        Effect.orElseSucceed(response.json, () => undefined),
        (json) => {
          const alias = Schema.decodeUnknownOption(DiscoveryDocument)(json).pipe(
            Option.flatMap((document) => Option.getRight(parseEndpoint(document.mtls_endpoint_aliases.token_endpoint)))
          )
          return Option.match(alias, {
            onNone: () =>
              Effect.fail(
                new UnexpectedResponseError({
                  status: response.status,
                  description: "the discovery document has no valid mtls_endpoint_aliases.token_endpoint",
                  excerpt: ""
                })
              ),
            onSome: (url) =>
              Effect.sync(() => {
                found = Option.some(url)
                return url
              })
          })
        }
      )
    )
  )
  return Effect.suspend(() => Option.match(found, { onNone: () => fetchAlias, onSome: Effect.succeed }))
}
