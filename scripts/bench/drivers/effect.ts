/**
 * This library's Effect API with its DEFAULT options (the token cache on: every exchange uses a
 * subject token the client has not seen, so every call is a cache miss and an exchange), on the
 * Node layer (undici) and on the browser layer (`fetch`). Each exchange is one `runPromise` of
 * `TokenVault.getAccessTokenForConnection` on a `ManagedRuntime` holding the layer, as an
 * application at the edge of Effect runs it.
 */
import { TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { BrowserTokenVault } from "@effect-auth0/token-vault-browser"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { assertionKeyPair, dpopKeyPem } from "../signingKeys.js"
import { clientId, clientSecret, connection, jwtClientId, subjectToken } from "../tenant.js"
import type { Driver, DriverSpec } from "./driver.js"

/** The client options of every Effect driver: the emulator, everything else the defaults. */
export const effectOptions = (url: string): TokenVaultOptions.TokenVaultOptions => ({
  domain: url,
  clientId,
  clientSecret: Redacted.make(clientSecret)
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
  make: (url) => effectDriver("Effect API, NodeTokenVault.layer, defaults", NodeTokenVault.layer(effectOptions(url)))
}

export const effectNodeJwt: DriverSpec = {
  key: "effect-node-jwt",
  role: "library",
  make: (url) =>
    effectDriver(
      "Effect API, NodeTokenVault.layer, private_key_jwt (RS256)",
      NodeTokenVault.layer({
        domain: url,
        clientId: jwtClientId,
        clientAssertionSigningKey: Redacted.make(assertionKeyPair().privateKeyPem)
      })
    )
}

export const effectNodeDpop: DriverSpec = {
  key: "effect-node-dpop",
  role: "library",
  make: (url) =>
    effectDriver(
      "Effect API, NodeTokenVault.layer, client secret + DPoP (ES256)",
      NodeTokenVault.layer({ ...effectOptions(url), dpop: { privateKey: Redacted.make(dpopKeyPem()) } })
    )
}

export const effectFetch: DriverSpec = {
  key: "effect-fetch",
  role: "library",
  make: (url) =>
    effectDriver("Effect API, BrowserTokenVault.layer (fetch), defaults", BrowserTokenVault.layer(effectOptions(url)))
}
