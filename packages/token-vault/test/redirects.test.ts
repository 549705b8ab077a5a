import { FetchTokenTransport, type TokenTransport, TokenVault, type TokenVaultError } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** A loopback server answering every request with `answer`; `bodies` holds what it was sent. */
const server = (answer: (res: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly url: string; readonly bodies: Array<string>; readonly close: () => void }>((resume) => {
      const bodies: Array<string> = []
      const http = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")))
        req.on("end", () => {
          bodies.push(body)
          answer(res)
        })
      })
      http.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
          bodies,
          close: () => http.close()
        })))
    }),
    (running) => Effect.sync(running.close)
  )

type Http =
  | Layer.Layer<HttpClient.HttpClient, TokenVaultError.InvalidConfigurationError>
  | Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport, TokenVaultError.InvalidConfigurationError>

const clients: ReadonlyArray<readonly [string, Http]> = [
  ["FetchTokenTransport.layer", Layer.merge(FetchTokenTransport.layer(), FetchHttpClient.layer)],
  ["NodeTokenVault's transport", NodeTokenVault.layerHttpClient()],
  ["FetchHttpClient (the HttpClient path)", FetchHttpClient.layer],
  ["@effect/platform-node's HttpClient", NodeHttpClient.layerUndici]
]

describe("redirects", () => {
  it.live.each(clients)(
    "over %s, a 307 is an UnexpectedResponseError: the form is not sent on to its Location",
    ([_, http]) =>
      Effect.gen(function*() {
        const elsewhere = yield* server((res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"))
        const tenant = yield* server((res) => res.writeHead(307, { location: `${elsewhere.url}/oauth/token` }).end())
        // Built in the test's scope: the Node layers' connection pools live as long as it.
        const built = yield* Layer.build(http)
        const vault = yield* TokenVault.make({
          domain: tenant.url,
          clientId: "client",
          clientSecret: Redacted.make("client-secret-never-forwarded"),
          retry: false
        }).pipe(Effect.provide(built))
        const error = yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: "subject-token" })
        )
        expect(error, error.message).toMatchObject({ _tag: "UnexpectedResponseError", status: 307 })
        expect(tenant.bodies).toHaveLength(1)
        expect(elsewhere.bodies).toEqual([])
      })
  )
})
