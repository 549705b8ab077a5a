/**
 * The Effect API in an application: exchange the user's Auth0 access token for their GitHub
 * token, call GitHub with it, and turn each failure of the exchange into an answer for the user.
 *
 * The token set comes from the `TokenVault`'s cache when a fresh one is there. When GitHub
 * refuses a token that is still within its lifetime (the user revoked the app at GitHub, say),
 * `TokenVault.invalidate` drops it and the second try exchanges again.
 *
 * The exported `main` needs AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET in the
 * environment and the user's Auth0 access token as its argument; GITHUB_API_URL, when set,
 * replaces `https://api.github.com`. Run as a program it takes the token from AUTH0_SUBJECT_TOKEN:
 *
 *   pnpm example effect-exchange       (against the emulator and a stub GitHub API)
 */
import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { Data, Effect, Redacted } from "effect"
import { fileURLToPath } from "node:url"

const githubApi = process.env["GITHUB_API_URL"] ?? "https://api.github.com"

/** GitHub answered 401 to the token Token Vault gave us. */
class GitHubRefusedToken extends Data.TaggedError("GitHubRefusedToken") {}

/** Lists the user's GitHub repositories, with the GitHub token Token Vault holds for them. */
export const listRepositories = (auth0AccessToken: string) => {
  const exchange = { connection: "github", accessToken: auth0AccessToken } as const
  const once = Effect.gen(function*() {
    const github = yield* TokenVault.getAccessTokenForConnection(exchange)
    const response = yield* Effect.tryPromise(() =>
      fetch(`${githubApi}/user/repos`, {
        headers: { authorization: `Bearer ${Redacted.value(github.accessToken)}` }
      })
    )
    if (response.status === 401) {
      // Forget the cached token set: the next call asks Token Vault again.
      yield* TokenVault.invalidate(exchange)
      return yield* new GitHubRefusedToken()
    }
    return (yield* Effect.tryPromise(() => response.json())) as ReadonlyArray<{ readonly full_name: string }>
  })
  return Effect.retry(once, { times: 1, while: (error) => error._tag === "GitHubRefusedToken" })
}

/** What an HTTP handler would answer when the exchange fails. */
export const listRepositoriesOrExplain = (auth0AccessToken: string) =>
  listRepositories(auth0AccessToken).pipe(
    Effect.map((repositories) => ({ status: 200, body: repositories.map((repository) => repository.full_name) })),
    Effect.catchTags({
      InvalidArgumentError: (error) => Effect.succeed({ status: 400, body: error.message }),
      AccountNotConnectedError: () => Effect.succeed({ status: 403, body: "Connect your GitHub account first." }),
      ReconnectRequiredError: () => Effect.succeed({ status: 403, body: "Reconnect your GitHub account." }),
      InvalidSubjectTokenError: () => Effect.succeed({ status: 401, body: "Sign in again." }),
      MfaRequiredError: () => Effect.succeed({ status: 403, body: "Complete multi-factor authentication first." }),
      ClientNotAllowedError: (error) =>
        Effect.succeed({ status: 500, body: `Misconfigured application: ${error.error}` }),
      TokenExchangeError: (error) =>
        Effect.succeed({ status: 403, body: `Auth0 refused the exchange: ${error.error}` }),
      // The client already retried what was worth retrying; what reaches here is final for this request.
      RateLimitError: (error) => Effect.succeed({ status: 503, body: `Try again in ${error.retryAfter ?? 1} s.` }),
      TransportError: () => Effect.succeed({ status: 502, body: "Auth0 could not be reached." }),
      UnexpectedResponseError: () => Effect.succeed({ status: 502, body: "Auth0 answered something unexpected." }),
      GitHubRefusedToken: () => Effect.succeed({ status: 403, body: "GitHub refused the token; reconnect GitHub." }),
      UnknownError: () => Effect.succeed({ status: 502, body: "GitHub could not be reached." })
    })
  )

/** The whole program: options from the environment, HTTP over undici. */
export const main = (auth0AccessToken: string) =>
  listRepositoriesOrExplain(auth0AccessToken).pipe(
    Effect.provide(NodeTokenVault.layerConfig()),
    Effect.runPromise
  )

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await main(process.env["AUTH0_SUBJECT_TOKEN"] ?? "")))
}
