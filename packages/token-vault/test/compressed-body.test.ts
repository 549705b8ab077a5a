import { FetchTokenTransport, type TokenTransport, TokenVault, type TokenVaultError } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { gzipSync } from "node:zlib"

/**
 * A token answer padded to 2 MiB, gzipped to a few KiB: its `content-length` is far under the
 * 64 KiB limit, what `fetch` decodes it to far over.
 */
const bomb = gzipSync(
  JSON.stringify({ access_token: "federated", expires_in: 3600, padding: " ".repeat(2 * 1024 * 1024) })
)

/** A loopback server answering every request with the gzipped body and its compressed length. */
const bombServer = Effect.acquireRelease(
  Effect.callback<Http.Server & { readonly url: string }>((resume) => {
    const server = Http.createServer((_, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": String(bomb.length)
      })
      res.end(bomb)
    })
    server.listen(
      0,
      "127.0.0.1",
      () =>
        resume(
          Effect.succeed(Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
        )
    )
  }),
  (server) => Effect.callback<void>((resume) => void server.close(() => resume(Effect.void)))
)

type Http =
  | Layer.Layer<HttpClient.HttpClient, TokenVaultError.InvalidConfigurationError>
  | Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport, TokenVaultError.InvalidConfigurationError>

const clients: ReadonlyArray<readonly [string, Http]> = [
  ["FetchTokenTransport.layer", Layer.merge(FetchTokenTransport.layer(), FetchHttpClient.layer)],
  ["FetchHttpClient (the HttpClient path)", FetchHttpClient.layer]
]

describe("compressed bodies", () => {
  it.live.each(clients)(
    "over %s, a body that decodes past the limit is not read, whatever its content-length",
    ([_, http]) =>
      Effect.gen(function*() {
        expect(bomb.length).toBeLessThan(64 * 1024)
        const server = yield* bombServer
        const vault = yield* TokenVault.make({
          domain: server.url,
          clientId: "client",
          clientSecret: Redacted.make("secret"),
          retry: false
        }).pipe(Effect.provide(http))
        const error = yield* Effect.flip(
          vault.getAccessTokenForConnection({ connection: "github", accessToken: "subject-token" })
        )
        expect(error).toMatchObject({
          _tag: "UnexpectedResponseError",
          description: "the body is larger than the limit of 65536 bytes"
        })
      })
  )
})
