import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { type TransportError, UnexpectedResponseError } from "../TokenVaultError.js"
import { parseEndpoint } from "./domain.js"
import { exchange } from "./httpTransport.js"
import { failureToError } from "./outcome.js"

const DiscoveryDocument = Schema.fromJsonString(Schema.Struct({
  mtls_endpoint_aliases: Schema.Struct({ token_endpoint: Schema.String })
}))

const parseDocument = Schema.decodeUnknownOption(DiscoveryDocument)

/**
 * Reads the mTLS alias of the token endpoint from the tenant's discovery document, once: the
 * first success is kept, a failure is not, so a later call tries again. Each lookup is bounded as
 * a token request is: it ends within `timeoutMillis` (what the calling attempt may still spend),
 * and a document over `maxBytes` is not read.
 */
export const makeMtlsEndpointLookup = (httpClient: HttpClient.HttpClient, discoveryUrl: string, maxBytes: number) => {
  let found: string | undefined
  const request = HttpClientRequest.get(discoveryUrl, { acceptJson: true })
  const lookup = (timeoutMillis: number): Effect.Effect<string, TransportError | UnexpectedResponseError> =>
    exchange(httpClient, request, maxBytes, Math.max(0, timeoutMillis)).pipe(
      Effect.mapError((failure) =>
        failureToError(failure, {
          url: discoveryUrl,
          maxBytes,
          timedOut: `no discovery document within ${Duration.format(Duration.millis(Math.max(0, timeoutMillis)))}`,
          prefix: "discovery failed",
          body: "the discovery document",
          secrets: []
        })
      ),
      Effect.flatMap((response) => {
        const url = Option.flatMap(
          parseDocument(response.body),
          (document) => Result.getSuccess(parseEndpoint(document.mtls_endpoint_aliases.token_endpoint))
        )
        if (Option.isNone(url)) {
          return Effect.fail(
            new UnexpectedResponseError({
              status: response.status,
              description: "the discovery document has no valid mtls_endpoint_aliases.token_endpoint",
              excerpt: ""
            })
          )
        }
        found = url.value
        return Effect.succeed(url.value)
      })
    )
  return (timeoutMillis: number): Effect.Effect<string, TransportError | UnexpectedResponseError> =>
    Effect.suspend(() => (found === undefined ? lookup(timeoutMillis) : Effect.succeed(found)))
}
