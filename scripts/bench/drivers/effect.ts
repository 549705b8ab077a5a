/**
 * This library's Effect API with `cache: false`, on the Node (undici) layer and on the fetch
 * layer (`TokenTransport.layerFetch()`, which `BrowserTokenVault` uses too). Each exchange is one `runPromise` of `TokenVault.getAccessTokenForConnection` on a
 * `ManagedRuntime` holding the layer, as an application at the edge of Effect would run it.
 */
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { TokenTransport, TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { clientId, clientSecret, connection, subjectToken } from "../tenant.js"
import type { Driver, DriverSpec } from "./driver.js"

/** The client options of every Effect driver: the emulator, no cache. */
export const effectOptions = (url: string): TokenVaultOptions.TokenVaultOptions => ({
  domain: url,
  clientId,
  clientSecret: Redacted.make(clientSecret),
  cache: false
})

const effectDriver = (
  name: string,
  layer: Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError>
): Driver => {
  const runtime = ManagedRuntime.make(layer)
  return {
    name,
    exchange: async (i) => {
      await runtime.runPromise(TokenVault.getAccessTokenForConnection({ connection, accessToken: subjectToken(i) }))
    },
    close: () => runtime.dispose()
  }
}

export const effectNode: DriverSpec = {
  key: "effect-node",
  role: "library",
  make: (url) => effectDriver("Effect API, NodeTokenVault.layer", NodeTokenVault.layer(effectOptions(url)))
}

export const effectFetch: DriverSpec = {
  key: "effect-fetch",
  role: "library",
  make: (url) =>
    effectDriver(
      "Effect API, TokenVault.layer + TokenTransport.layerFetch()",
      TokenVault.layer(effectOptions(url)).pipe(Layer.provide(TokenTransport.layerFetch()))
    )
}
