/**
 * Token Vault on Node with mTLS client authentication and an outbound proxy.
 *
 * - `mtlsLayer`: the application authenticates with a client certificate (`tls_client_auth`), no
 *   client secret exists; requests go to the tenant's mTLS endpoint alias, read from discovery.
 * - `proxiedLayer`: a client secret, through the corporate proxy named by `HTTPS_PROXY` /
 *   `NO_PROXY` (opt-in with `proxyFromEnvironment`).
 * - `bothLayer`: mTLS through an explicit proxy, with proxy credentials; TLS (and the client
 *   certificate) runs end to end with Auth0 inside the proxy's `CONNECT` tunnel.
 *
 * Nothing is read or connected at import time: the files are read when a layer is built.
 */
import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { Config, Effect, Layer, Redacted } from "effect"
import * as Fs from "node:fs/promises"

/** The client certificate and its encrypted key, from files; the passphrase from the environment. */
const clientCertificate = Effect.gen(function*() {
  const cert = yield* Effect.promise(() => Fs.readFile("/etc/auth0/client.crt"))
  const key = yield* Effect.promise(() => Fs.readFile("/etc/auth0/client.key"))
  const passphrase = yield* Config.Redacted("AUTH0_MTLS_KEY_PASSPHRASE")
  return { cert, key: Redacted.make(key), passphrase } satisfies NodeTokenVault.TlsOptions
}).pipe(Effect.orDie)

export const mtlsLayer = Layer.unwrap(
  Effect.map(clientCertificate, (tls) =>
    NodeTokenVault.layer({
      domain: "login.example.com",
      clientId: "my-client-id",
      clientAuthentication: "tls_client_auth",
      discoverMtlsEndpoint: true,
      tls,
      connections: 8
    }))
)

export const proxiedLayer = NodeTokenVault.layerConfig({
  domain: Config.String("AUTH0_DOMAIN"),
  clientId: Config.String("AUTH0_CLIENT_ID"),
  clientSecret: Config.Redacted("AUTH0_CLIENT_SECRET"),
  proxyFromEnvironment: Config.succeed(true)
})

export const bothLayer = Layer.unwrap(
  Effect.gen(function*() {
    const tls = yield* clientCertificate
    const proxy = yield* Config.Redacted("OUTBOUND_PROXY_URL") // http://user:password@proxy.internal:3128
    return NodeTokenVault.layer({
      domain: "login.example.com",
      clientId: "my-client-id",
      clientAuthentication: "tls_client_auth",
      mtlsEndpoint: "https://mtls.login.example.com/oauth/token",
      tls,
      proxy,
      connectTimeout: "3 seconds"
    })
  }).pipe(Effect.orDie)
)

/** The user's Slack token, with any of the layers above. */
export const slackToken = (auth0AccessToken: string) =>
  Effect.map(
    TokenVault.getAccessTokenForConnection({ connection: "sign-in-with-slack", accessToken: auth0AccessToken }),
    (tokenSet) => tokenSet.accessToken
  )
