/**
 * This library's Promise facade `ApiClient`, on its default transport (global `fetch`) and over
 * the Node adapter's undici client (`httpClient` option), with `cache: false` like the Effect
 * drivers (every exchange also uses a token it has not seen).
 */
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { ApiClient, type ApiClientOptions } from "@effect-auth0/token-vault/promise"
import { clientId, clientSecret, connection, subjectToken } from "../tenant.js"
import type { Driver, DriverSpec } from "./driver.js"

const promiseDriver = (name: string, options: ApiClientOptions): Driver => {
  const client = new ApiClient(options)
  return {
    name,
    exchange: async (i) => {
      await client.getAccessTokenForConnection({ connection, accessToken: subjectToken(i) })
    },
    close: () => client.dispose()
  }
}

export const promiseFetch: DriverSpec = {
  key: "promise-fetch",
  role: "library",
  make: (url) =>
    promiseDriver("Promise ApiClient, default (global fetch)", { domain: url, clientId, clientSecret, cache: false })
}

export const promiseNode: DriverSpec = {
  key: "promise-node",
  role: "library",
  make: (url) =>
    promiseDriver("Promise ApiClient, httpClient: NodeTokenVault", {
      domain: url,
      clientId,
      clientSecret,
      cache: false,
      httpClient: NodeTokenVault.layerHttpClient()
    })
}
