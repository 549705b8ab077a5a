/**
 * How the default build sends: through the core's `FetchTokenTransport`, over `customFetch` or
 * the global `fetch`. The Node HTTP options mean nothing here, so they fail the client instead of
 * being ignored.
 *
 * @internal
 */
import { FetchTokenTransport, type TokenTransport, TokenVaultError } from "@effect-auth0/token-vault"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import { nodeHttpOptionNames, type Settings } from "./settings.js"

/** What a build gives the core: the token transport, and an `HttpClient` for anything else. */
export type HttpLayer = Layer.Layer<
  HttpClient.HttpClient | TokenTransport.TokenTransport,
  TokenVaultError.InvalidConfigurationError
>

/** The transport over `customFetch` when it is given, otherwise over the global `fetch`. */
export const fetchHttp = (customFetch: unknown): HttpLayer =>
  Layer.unwrap(Effect.suspend(() => {
    if (customFetch !== undefined && typeof customFetch !== "function") {
      return Effect.fail(
        new TokenVaultError.InvalidConfigurationError({
          option: "customFetch",
          message: "customFetch must be a function with the signature of fetch"
        })
      )
    }
    const transport = FetchTokenTransport.layer(
      customFetch === undefined ? {} : { fetch: customFetch as typeof globalThis.fetch }
    )
    return Effect.succeed(Layer.merge(transport, FetchHttpClient.layer))
  }))

/** The default build's HTTP: `fetch`. */
export const httpLayer = (settings: Settings): HttpLayer => {
  const nodeOption = nodeHttpOptionNames.find((name) => settings[name] !== undefined)
  if (nodeOption === undefined) return fetchHttp(settings.customFetch)
  return Layer.unwrap(Effect.fail(
    new TokenVaultError.InvalidConfigurationError({
      option: nodeOption,
      message: `${nodeOption} is an option of the Node build (undici), and this runtime sends with fetch`
    })
  ))
}
