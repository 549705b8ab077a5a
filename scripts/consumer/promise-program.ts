/**
 * A JavaScript program on the Promise facade, as an application writes it, in both module formats:
 * it reads `DOMAIN`, `CLIENT_ID` and `CLIENT_SECRET` from its environment, makes the exchange it is
 * given and one for `slack` with the same token (which the tenant refuses: no account linked),
 * constructs an `ApiClient` with an empty domain, and prints one JSON line:
 * `{ tokenSet, keys, refused, emptyDomain }`. A failure goes to stderr with a non-zero exit.
 *
 * scripts/consumer-check-promise.ts runs it in fresh npm projects; a test of the built package can
 * run it too (`node --input-type=module --eval <module>`).
 */

/** The exchange the program makes, which the tenant grants. */
export interface Exchange {
  readonly connection: string
  readonly accessToken: string
}

/** The program importing the package (`module`) and requiring it (`commonjs`). */
export const promiseProgram = (exchange: Exchange): { readonly module: string; readonly commonjs: string } => {
  const main = `;(async () => {
  const { ApiClient, InvalidConfigurationError, TokenForConnectionError } = M
  const apiClient = new ApiClient({
    domain: process.env.DOMAIN,
    clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET
  })
  const accessToken = ${JSON.stringify(exchange.accessToken)}
  const tokenSet = await apiClient.getAccessTokenForConnection({ connection: ${
    JSON.stringify(exchange.connection)
  }, accessToken })
  let refused
  try {
    await apiClient.getAccessTokenForConnection({ connection: "slack", accessToken })
  } catch (error) {
    refused = {
      name: error.name,
      code: error.code,
      instance: error instanceof TokenForConnectionError && error instanceof Error,
      cause: error.cause,
      statusCode: error.statusCode
    }
  }
  let emptyDomain
  try {
    new ApiClient({ domain: "" })
  } catch (error) {
    emptyDomain = { code: error.code, instance: error instanceof InvalidConfigurationError }
  }
  await apiClient.dispose()
  console.log(JSON.stringify({ tokenSet, keys: Object.keys(tokenSet).sort(), refused, emptyDomain }))
})().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
`
  return {
    module: `import * as M from "@effect-auth0/token-vault-promise"\n${main}`,
    commonjs: `const M = require("@effect-auth0/token-vault-promise")\n${main}`
  }
}
