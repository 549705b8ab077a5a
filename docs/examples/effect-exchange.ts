/**
 * The Effect API in an application: exchange the user's Auth0 access token for their GitHub
 * token, call GitHub with it, and turn each failure of the exchange into an answer for the user.
 *
 * The exported `main` needs AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET in the
 * environment and the user's Auth0 access token as its argument.
 */
import { Effect, Redacted } from "effect"
import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"

/** Lists the user's GitHub repositories, with the GitHub token Token Vault holds for them. */
export const listRepositories = (auth0AccessToken: string) =>
  Effect.gen(function* () {
    const github = yield* TokenVault.getAccessTokenForConnection({
      connection: "github",
      accessToken: auth0AccessToken
    })
    yield* Effect.logDebug(`GitHub token valid until ${new Date(github.expiresAt * 1000).toISOString()}`)
    const response = yield* Effect.tryPromise(() =>
      fetch("https://api.github.com/user/repos", {
        headers: { authorization: `Bearer ${Redacted.value(github.accessToken)}` }
      })
    )
    return (yield* Effect.tryPromise(() => response.json())) as ReadonlyArray<{ readonly full_name: string }>
  })

/** What an HTTP handler would answer when the exchange fails. */
export const listRepositoriesOrExplain = (auth0AccessToken: string) =>
  listRepositories(auth0AccessToken).pipe(
    Effect.map((repositories) => ({ status: 200, body: repositories.map((repository) => repository.full_name) })),
    Effect.catchTags({
      InvalidArgumentError: (error) => Effect.succeed({ status: 400, body: error.message }),
      TokenExchangeError: (error) =>
        Effect.succeed({
          status: 403,
          body: error.error === "federated_connection_refresh_token_not_found"
            ? "Connect your GitHub account first."
            : `Auth0 refused the exchange: ${error.error}`
        }),
      RateLimitError: (error) => Effect.succeed({ status: 503, body: `Try again in ${error.retryAfter ?? 1} s.` }),
      TransportError: () => Effect.succeed({ status: 502, body: "Auth0 could not be reached." }),
      UnexpectedResponseError: () => Effect.succeed({ status: 502, body: "Auth0 answered something unexpected." }),
      UnknownException: () => Effect.succeed({ status: 502, body: "GitHub could not be reached." })
    })
  )

/** The whole program: options from the environment, HTTP over undici. */
export const main = (auth0AccessToken: string) =>
  listRepositoriesOrExplain(auth0AccessToken).pipe(
    Effect.provide(NodeTokenVault.layerConfig()),
    Effect.runPromise
  )
