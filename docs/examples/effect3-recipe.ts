/**
 * A recipe for applications on Effect 3: the Effect API of this library needs Effect 4, but the
 * Promise facade has Effect bundled inside and works next to any `effect`. Wrap its calls in
 * `Effect.tryPromise` and map its error classes to tagged errors of your own, and the rest of the
 * program handles them with `Effect.catchTag(s)` as usual.
 *
 * Everything here (`Data.TaggedError`, `Effect.try`, `Effect.tryPromise`, `Effect.acquireRelease`,
 * `Effect.catchTags`) is written the same in Effect 3 and Effect 4, so the file compiles and runs
 * on either: docs/examples/effect3-recipe.test.ts runs it on the workspace's Effect 4, and
 * `pnpm consumer-check` type-checks and runs it next to `effect@3`.
 *
 *   npm i @effect-auth0/token-vault-promise        (next to your effect@3)
 *   pnpm example effect3-recipe                    (against the emulator)
 */
import {
  type AccessTokenForConnectionOptions,
  ApiClient,
  type ApiClientOptions,
  type ConnectionTokenSet,
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  TokenForConnectionError
} from "@effect-auth0/token-vault-promise"
import { Data, Effect } from "effect"
import { fileURLToPath } from "node:url"

/** Auth0 refused the exchange, or it could not be made (rate limit, network, odd answer). */
export class ConnectionTokenError extends Data.TaggedError("ConnectionTokenError")<{
  readonly message: string
  /** Auth0's OAuth error code (`federated_connection_refresh_token_not_found`, ...), when Auth0 sent one. */
  readonly error: string | undefined
  readonly errorDescription: string | undefined
}> {}

/** The call's arguments were wrong (no connection, neither or both tokens, ...). */
export class ConnectionTokenArgumentError extends Data.TaggedError("ConnectionTokenArgumentError")<{
  readonly message: string
}> {}

/** The client's options were wrong (domain, client id, no client authentication). */
export class TokenVaultConfigurationError extends Data.TaggedError("TokenVaultConfigurationError")<{
  readonly message: string
  readonly code: string
}> {}

/** The facade's error classes, as tagged errors. */
const toTagged = (
  error: unknown
): ConnectionTokenError | ConnectionTokenArgumentError | TokenVaultConfigurationError => {
  if (error instanceof TokenForConnectionError) {
    return new ConnectionTokenError({
      message: error.message,
      error: error.cause?.error,
      errorDescription: error.cause?.error_description
    })
  }
  if (error instanceof MissingRequiredArgumentError) return new ConnectionTokenArgumentError({ message: error.message })
  if (error instanceof MissingClientAuthError || error instanceof InvalidConfigurationError) {
    return new TokenVaultConfigurationError({ message: error.message, code: error.code })
  }
  // The facade rejects with the classes above only; anything else is reported as a failed exchange.
  return new ConnectionTokenError({ message: String(error), error: undefined, errorDescription: undefined })
}

/**
 * An `ApiClient` for the lifetime of a scope: its constructor throws on a missing or malformed
 * `domain` (as Auth0's SDK does; other bad options reject the calls), and `dispose()` closes its
 * connections when the scope closes.
 */
export const apiClient = (options: ApiClientOptions) =>
  Effect.acquireRelease(
    Effect.try({ try: () => new ApiClient(options), catch: toTagged }),
    (client) => Effect.promise(() => client.dispose())
  )

/** `getAccessTokenForConnection` as an Effect with tagged errors. */
export const getAccessTokenForConnection = (
  client: ApiClient,
  options: AccessTokenForConnectionOptions
): Effect.Effect<
  ConnectionTokenSet,
  ConnectionTokenError | ConnectionTokenArgumentError | TokenVaultConfigurationError
> => Effect.tryPromise({ try: () => client.getAccessTokenForConnection(options), catch: toTagged })

/** In the application: the user's GitHub token, or `undefined` when they never connected GitHub. */
export const githubToken = (client: ApiClient, auth0AccessToken: string) =>
  getAccessTokenForConnection(client, { connection: "github", accessToken: auth0AccessToken }).pipe(
    Effect.map((tokenSet): string | undefined => tokenSet.accessToken),
    Effect.catchTags({
      ConnectionTokenError: (error) =>
        error.error === "federated_connection_refresh_token_not_found" ? Effect.succeed(undefined) : Effect.fail(error)
    })
  )

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const program = Effect.gen(function*() {
    const client = yield* apiClient({
      domain: process.env["AUTH0_DOMAIN"] ?? "",
      clientId: process.env["AUTH0_CLIENT_ID"],
      clientSecret: process.env["AUTH0_CLIENT_SECRET"]
    })
    const token = yield* githubToken(client, process.env["AUTH0_SUBJECT_TOKEN"] ?? "")
    return token === undefined ? "No GitHub account connected." : `Got a GitHub token (${token.length} characters).`
  })
  console.log(await Effect.runPromise(Effect.scoped(program)))
}
