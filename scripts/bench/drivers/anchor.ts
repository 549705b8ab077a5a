/**
 * The anchor: Auth0's own `@auth0/auth0-auth-js` `AuthClient.getTokenForConnection`. It insists on
 * `https://{domain}` and OIDC discovery, so its fetch rewrites `https://tenant.bench` to the
 * loopback emulator. Discovery happens on its first call, in the warm-up.
 */
import { AuthClient } from "@auth0/auth0-auth-js"
import { clientId, clientSecret, connection, domain, subjectToken } from "../tenant.js"
import type { DriverSpec } from "./driver.js"

export const auth0AuthJs: DriverSpec = {
  key: "auth0",
  role: "anchor",
  make: (url) => {
    const toLoopback: typeof fetch = (input, init) => {
      const target = input instanceof Request ? input.url : String(input)
      return fetch(target.replace(`https://${domain}`, url), init)
    }
    const client = new AuthClient({ domain, clientId, clientSecret, customFetch: toLoopback })
    return {
      name: "@auth0/auth0-auth-js getTokenForConnection (anchor)",
      exchange: async (i) => {
        await client.getTokenForConnection({ connection, accessToken: subjectToken(i) })
      },
      close: async () => {}
    }
  }
}
