/**
 * An Express 5 API that uses Token Vault: `GET /connections/:connection/expiry` takes the user's
 * Auth0 access token from the `Authorization: Bearer ...` header, exchanges it for the user's
 * token at that connection, and answers when that federated token expires. The token itself is
 * never sent back or logged.
 *
 * Nothing listens at import time. Start it yourself, for example:
 *
 * ```ts
 * import { app } from "./node-express.js"
 * app.listen(3000, "127.0.0.1")
 * ```
 *
 * `app` reads AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET on its first request (see
 * `NodeTokenVault.layerConfig`); `makeApp` takes any `TokenVault` layer, which is how
 * [node-express.test.ts](node-express.test.ts) runs it against the emulator.
 *
 * Run as a program it serves `app` on a free port of 127.0.0.1, asks it once for the GitHub
 * token's expiry of the user whose Auth0 access token is AUTH0_SUBJECT_TOKEN, prints the answer
 * and stops:
 *
 *   pnpm example node-express          (against the emulator)
 */
import { TokenVault, type TokenVaultError } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { Effect, type Layer, ManagedRuntime } from "effect"
import express from "express"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"

interface Answer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body: unknown
}

/** The bearer token of an `Authorization` header, or `undefined`. */
const bearerToken = (header: string | undefined): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1]

/** What the API answers for each failure of the exchange. */
const answerFor = (error: TokenVaultError.TokenVaultError): Answer => {
  switch (error._tag) {
    case "InvalidArgumentError":
      return { status: 400, body: { error: "invalid_request", message: error.message } }
    case "AccountNotConnectedError":
    case "ReconnectRequiredError":
      return { status: 409, body: { error: "connection_not_linked", message: "Connect this account first." } }
    case "InvalidSubjectTokenError":
    case "TokenExchangeError":
      return { status: 401, body: { error: "token_rejected", message: `Auth0 refused the exchange: ${error.error}` } }
    case "RateLimitError":
      return { status: 503, headers: { "retry-after": String(error.retryAfter ?? 1) }, body: { error: "rate_limited" } }
    default:
      // TransportError, UnexpectedResponseError, InvalidConfigurationError: our side, not the caller's.
      return { status: 502, body: { error: "token_vault_unavailable" } }
  }
}

/** The federated token's expiry for the bearer of `authorization`. */
const expiryFor = (
  connection: string,
  authorization: string | undefined
): Effect.Effect<Answer, never, TokenVault.TokenVault> => {
  const accessToken = bearerToken(authorization)
  if (accessToken === undefined) {
    return Effect.succeed({
      status: 401,
      headers: { "www-authenticate": "Bearer" },
      body: { error: "missing_bearer_token" }
    })
  }
  return TokenVault.getAccessTokenForConnection({ connection, accessToken }).pipe(
    Effect.map((tokenSet): Answer => ({
      status: 200,
      body: {
        connection: tokenSet.connection,
        expiresAt: new Date(tokenSet.expiresAt * 1000).toISOString(),
        scope: tokenSet.scope ?? null
      }
    })),
    Effect.catch((error) => Effect.succeed(answerFor(error))),
    Effect.withSpan("GET /connections/:connection/expiry", { attributes: { "auth0.connection": connection } })
  )
}

/**
 * The Express app over a `TokenVault` layer, and the runtime that owns the layer (its token cache
 * and undici connection pool). `runtime.dispose()` closes them.
 */
export const makeApp = (layer: Layer.Layer<TokenVault.TokenVault, TokenVaultError.InvalidConfigurationError>) => {
  const runtime = ManagedRuntime.make(layer)
  const app = express()
  app.disable("x-powered-by")

  app.get("/connections/:connection/expiry", async (req, res) => {
    // A layer that cannot be built (bad configuration) fails every request with a 500.
    const answer = await runtime.runPromise(expiryFor(req.params.connection, req.get("authorization")))
    res.status(answer.status).set(answer.headers ?? {}).json(answer.body)
  })

  return { app, runtime }
}

/** The app for production: options from the environment, HTTP over undici. */
export const { app, runtime } = makeApp(NodeTokenVault.layerConfig())

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = app.listen(0, "127.0.0.1")
  await new Promise<void>((resolve) => server.once("listening", resolve))
  try {
    const { port } = server.address() as AddressInfo
    const response = await fetch(`http://127.0.0.1:${port}/connections/github/expiry`, {
      headers: { authorization: `Bearer ${process.env["AUTH0_SUBJECT_TOKEN"] ?? ""}` }
    })
    console.log(`GET /connections/github/expiry -> ${response.status} ${JSON.stringify(await response.json())}`)
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await runtime.dispose()
  }
}
