/**
 * The demo: exchanges Auth0 tokens for federated connection tokens through the Effect API and
 * the Promise facade, over real HTTP.
 *
 * Without configuration it starts the bundled Token Vault emulator on 127.0.0.1 and runs four
 * exchanges against it. With AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET (or, for
 * private_key_jwt, AUTH0_CLIENT_ASSERTION_SIGNING_KEY: a PKCS#8 PEM) and AUTH0_SUBJECT_TOKEN set (optionally AUTH0_SUBJECT_TOKEN_TYPE=refresh_token, AUTH0_CONNECTION,
 * AUTH0_LOGIN_HINT) it makes one exchange against that tenant instead. With the tenant's variables
 * set but no AUTH0_SUBJECT_TOKEN it stops and says so, rather than quietly using the emulator.
 *
 *   pnpm demo
 */
import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { ApiClient, type ConnectionTokenSet } from "@effect-auth0/token-vault-promise"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Config, Console, Data, Effect, Option, Redacted } from "effect"
import { demoTenant } from "./demoTenant.js"

/** The demo was half configured for a real tenant. */
class DemoConfigurationError extends Data.TaggedError("DemoConfigurationError")<{ readonly message: string }> {}

/** The variables that point the demo at a real tenant, next to AUTH0_SUBJECT_TOKEN. */
const tenantVariables = [
  "AUTH0_DOMAIN",
  "AUTH0_CLIENT_ID",
  "AUTH0_CLIENT_SECRET",
  "AUTH0_CLIENT_ASSERTION_SIGNING_KEY"
] as const

/** A Promise-facade result on one line, its plain-string token shown the way `Redacted` shows one. */
const showPlain = (tokenSet: ConnectionTokenSet) => JSON.stringify({ ...tokenSet, accessToken: "<redacted>" })

const againstEmulator = Effect.gen(function*() {
  const emulator = yield* TokenVaultEmulator.make(demoTenant)
  const server = yield* EmulatorServer.serve(emulator)
  yield* Console.log(`Token Vault emulator listening on ${server.url}\n`)

  const vault = NodeTokenVault.layer({
    domain: server.url,
    clientId: "demo-backend",
    clientSecret: Redacted.make("demo-backend-secret")
  })

  yield* Effect.gen(function*() {
    const github = yield* TokenVault.getAccessTokenForConnection({
      connection: "github",
      accessToken: "alice-auth0-access-token"
    })
    yield* Console.log("1. Effect API, access token -> github:\n  ", String(github))

    const google = yield* TokenVault.getAccessTokenForConnection({
      connection: "google-oauth2",
      refreshToken: Redacted.make("alice-auth0-refresh-token"),
      loginHint: "alice@home.example"
    })
    yield* Console.log("2. Effect API, refresh token + login_hint -> google-oauth2:\n  ", String(google))

    const slack = yield* TokenVault.getAccessTokenForConnection({
      connection: "slack",
      accessToken: "alice-auth0-access-token"
    }).pipe(
      Effect.map((tokenSet) => `unexpectedly got ${String(tokenSet)}`),
      Effect.catchTag("AccountNotConnectedError", (error) => Effect.succeed(`handled ${error._tag}: ${error.message}`))
    )
    yield* Console.log("3. Effect API, a connection Alice never linked -> slack:\n  ", slack)
  }).pipe(Effect.provide(vault))

  const apiClient = new ApiClient({ domain: server.url, clientId: "demo-backend", clientSecret: "demo-backend-secret" })
  const fromPromise = yield* Effect.promise(() =>
    apiClient.getAccessTokenForConnection({
      connection: "google-oauth2",
      accessToken: "alice-auth0-access-token",
      loginHint: "alice@work.example"
    }).finally(() => apiClient.dispose())
  )
  yield* Console.log(
    "4. Promise facade (ApiClient), access token + login_hint -> google-oauth2:\n  ",
    showPlain(fromPromise)
  )

  const requests = yield* emulator.requests
  yield* Console.log(`\nThe emulator answered ${requests.length} token requests.`)
})

const againstTenant = (subjectToken: Redacted.Redacted<string>) =>
  Effect.gen(function*() {
    const kind = yield* Config.Literals(["access_token", "refresh_token"], "AUTH0_SUBJECT_TOKEN_TYPE").pipe(
      Config.withDefault("access_token" as const)
    )
    const connection = yield* Config.String("AUTH0_CONNECTION").pipe(Config.withDefault("google-oauth2"))
    const loginHint = Option.getOrUndefined(yield* Config.option(Config.String("AUTH0_LOGIN_HINT")))
    const subject = kind === "access_token" ? { accessToken: subjectToken } : { refreshToken: subjectToken }
    const tokenSet = yield* TokenVault.getAccessTokenForConnection({ connection, loginHint, ...subject }).pipe(
      Effect.provide(NodeTokenVault.layerConfig())
    )
    const subjectName = kind === "access_token" ? "an Auth0 access token" : "an Auth0 refresh token"
    yield* Console.log(`Exchanged ${subjectName} for the user's ${connection} token:\n  `, String(tokenSet))
  })

/** Fails when the tenant's variables are set without AUTH0_SUBJECT_TOKEN, naming what is set. */
const checkNoTenantConfigured = Effect.gen(function*() {
  const set: Array<string> = []
  for (const name of tenantVariables) {
    if (Option.isSome(yield* Config.option(Config.String(name)))) set.push(name)
  }
  if (set.length === 0) return
  return yield* new DemoConfigurationError({
    message: `${set.join(", ")} ${set.length === 1 ? "is" : "are"} set but AUTH0_SUBJECT_TOKEN is not. ` +
      "To exchange against your tenant, set AUTH0_SUBJECT_TOKEN to a user's Auth0 access token (or a refresh " +
      "token, with AUTH0_SUBJECT_TOKEN_TYPE=refresh_token). To run against the bundled emulator, unset " +
      `${tenantVariables.join(", ")}.`
  })
})

const main = Effect.gen(function*() {
  const subjectToken = yield* Config.option(Config.Redacted("AUTH0_SUBJECT_TOKEN"))
  if (Option.isSome(subjectToken)) return yield* againstTenant(subjectToken.value)
  yield* checkNoTenantConfigured
  yield* Effect.scoped(againstEmulator)
}).pipe(
  Effect.tapCause((cause) => {
    const failure = Cause.squash(cause)
    return Console.error(`The demo failed: ${failure instanceof Error ? failure.message : String(failure)}`)
  })
)

NodeRuntime.runMain(main, { disableErrorReporting: true })
