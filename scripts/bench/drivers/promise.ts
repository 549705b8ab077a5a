/**
 * This library's Promise facade, the `@effect-auth0/token-vault-promise` package as an app that
 * installed it loads it (built, bundled, its `node` export: undici), with its DEFAULT options
 * (the token cache on; every exchange uses a token it has not seen, so every call is a miss); and
 * the same with `customFetch: fetch` (Node's global fetch, the path of other runtimes).
 */
import type { ApiClientOptions } from "@effect-auth0/token-vault-promise"
import { loadFacade } from "../installed.js"
import { clientId, clientSecret, connection, subjectToken } from "../tenant.js"
import type { Driver, DriverSpec } from "./driver.js"

const promiseDriver = async (name: string, options: ApiClientOptions): Promise<Driver> => {
  const { ApiClient } = await loadFacade()
  const client = new ApiClient(options)
  return {
    name,
    exchange: async (i) => {
      await client.getAccessTokenForConnection({ connection, accessToken: subjectToken(i) })
    },
    close: () => client.dispose()
  }
}

export const promiseNode: DriverSpec = {
  key: "promise-node",
  role: "library",
  make: (url) =>
    promiseDriver("token-vault-promise ApiClient, defaults (undici)", { domain: url, clientId, clientSecret })
}

export const promiseFetch: DriverSpec = {
  key: "promise-fetch",
  role: "library",
  make: (url) =>
    promiseDriver("token-vault-promise ApiClient, customFetch: global fetch", {
      domain: url,
      clientId,
      clientSecret,
      customFetch: fetch
    })
}
