import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { TransportError, UnexpectedResponseError } from "../TokenVaultError.js"
import { readBody } from "./body.js"
import { parseEndpoint } from "./domain.js"

const DiscoveryDocument = Schema.parseJson(Schema.Struct({
  mtls_endpoint_aliases: Schema.Struct({ token_endpoint: Schema.String })
}))

const parseJsonDocument = Schema.decodeUnknownOption(DiscoveryDocument)

/**
 * Reads the mTLS alias of the token endpoint from the tenant's discovery document, once: the
 * first success is kept, a failure is not, so a later call tries again. Each lookup is bounded as
 * a token request is: it ends within `timeoutMillis` (what the calling attempt may still spend),
 * and a document over `maxBytes` is not read.
 */
export const makeMtlsEndpointLookup = (httpClient: HttpClient.HttpClient, discoveryUrl: string, maxBytes: number) => {
  let found: Option.Option<string> = Option.none()
  const failed = (description: string, responseReceived: boolean) =>
    new TransportError({ url: discoveryUrl, description: `discovery failed (${description})`, responseReceived })
  const fetchAlias = httpClient.execute(HttpClientRequest.get(discoveryUrl, { acceptJson: true })).pipe(
    Effect.mapError((error) => failed(error.reason, false)),
    Effect.flatMap((response) => {
      const unexpected = (description: string) =>
        new UnexpectedResponseError({ status: response.status, description, excerpt: "" })
      return readBody(response, maxBytes).pipe(
        Effect.mapError((failure) =>
          failure._tag === "BodyTooLarge"
            ? unexpected(`the discovery document is larger than the limit of ${maxBytes} bytes`)
            : failed(failure.error.reason, true)
        ),
        Effect.flatMap((text) =>
          Option.match(
            Option.flatMap(
              parseJsonDocument(text),
              (document) => Option.getRight(parseEndpoint(document.mtls_endpoint_aliases.token_endpoint))
            ),
            {
              onNone: () => Effect.fail(unexpected("the discovery document has no valid mtls_endpoint_aliases.token_endpoint")),
              onSome: (url) =>
                Effect.sync(() => {
                  found = Option.some(url)
                  return url
                })
            }
          )
        )
      )
    })
  )
  return (timeoutMillis: number): Effect.Effect<string, TransportError | UnexpectedResponseError> =>
    Effect.suspend(() =>
      Option.match(found, {
        onSome: Effect.succeed,
        onNone: () =>
          Effect.timeoutFail(fetchAlias, {
            duration: Duration.millis(Math.max(0, timeoutMillis)),
            onTimeout: () => failed(`no discovery document within ${Duration.format(Duration.millis(timeoutMillis))}`, false)
          })
      })
    )
}
