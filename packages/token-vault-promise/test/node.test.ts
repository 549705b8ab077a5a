import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { ApiClient as FetchApiClient, TokenForConnectionError as CoreTokenForConnectionError } from "@effect-auth0/token-vault/promise"
import {
  ApiClient,
  InvalidConfigurationError,
  MissingRequiredArgumentError,
  TokenForConnectionError
} from "@effect-auth0/token-vault-node/promise"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { CLIENT_ID, CLIENT_SECRET, connectProxy, tenant, withEnvironment } from "./helpers.js"

const google = { connection: "google-oauth2", accessToken: "at-alice" } as const

describe("the Node Promise facade (@effect-auth0/token-vault-node/promise)", () => {
  it.scoped("exchanges over this package's undici client, not the global fetch", () =>
    Effect.gen(function*() {
      yield* withEnvironment({})
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const proxy = yield* connectProxy()
      const options = { domain: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
      const node = new ApiClient({ ...options, proxy: proxy.url })
      const tokenSet = yield* Effect.promise(() => node.getAccessTokenForConnection(google))
      expect(Object.keys(tokenSet).sort()).toEqual(["accessToken", "connection", "expiresAt", "loginHint", "scope"])
      expect(tokenSet.accessToken).toBe("ya29.alice")
      // The undici option took effect: the request went through the proxy.
      expect(proxy.tunnels()).toBe(1)
      yield* Effect.promise(() => node.dispose())

      // The core facade on the global fetch sends Node's user agent; undici's request() sends none.
      const viaFetch = new FetchApiClient(options)
      yield* Effect.promise(() => viaFetch.getAccessTokenForConnection(google))
      yield* Effect.promise(() => viaFetch.dispose())
      const [first, second] = (yield* server.emulator.requests).filter((request) => request.path === "/oauth/token")
      expect(first!.headers["user-agent"]).toBeUndefined()
      expect(second!.headers["user-agent"]).toBe("node")
    }))

  it.scoped("rejects with the core facade's error classes", () =>
    Effect.gen(function*() {
      const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
      const node = new ApiClient({ domain: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
      const error = yield* Effect.flip(Effect.tryPromise({
        try: () => node.getAccessTokenForConnection({ connection: "slack", accessToken: "at-alice" }),
        catch: (error) => error
      }))
      expect(error).toBeInstanceOf(TokenForConnectionError)
      expect(TokenForConnectionError).toBe(CoreTokenForConnectionError)
      expect((error as TokenForConnectionError).cause?.error).toBe("federated_connection_refresh_token_not_found")
      yield* Effect.promise(() => node.dispose())
    }))

  it.effect("invalid undici options reject the calls with InvalidConfigurationError naming the option", () =>
    Effect.gen(function*() {
      const node = new ApiClient({ domain: "tenant.example.com", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, connections: -1 })
      const error = yield* Effect.flip(Effect.tryPromise({
        try: () => node.getAccessTokenForConnection(google),
        catch: (error) => error
      }))
      expect(error).toBeInstanceOf(InvalidConfigurationError)
      expect((error as Error).message).toContain("connections")
      yield* Effect.promise(() => node.dispose())
    }))

  it.effect("bad options end in the core facade's errors, not a TypeError", () =>
    Effect.gen(function*() {
      expect(() => new ApiClient(undefined as never)).toThrow(MissingRequiredArgumentError)
      const throwing = Object.defineProperty({ domain: "tenant.auth0.com", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, "tls", {
        enumerable: true,
        get: () => {
          throw new Error("boom")
        }
      })
      const client = new ApiClient(throwing as never)
      const error = yield* Effect.flip(Effect.tryPromise({
        try: () => client.getAccessTokenForConnection(google),
        catch: (error) => error
      }))
      expect(error).toBeInstanceOf(InvalidConfigurationError)
      expect(String(error)).not.toContain("boom")
      yield* Effect.promise(() => client.dispose())
    }))
})
