import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { NodeHttpClient } from "@effect/platform-node"
import { TokenVault, type TokenVaultError, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { EmulatorServer, Fault, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { recordingLogger } from "./utils/recorders.js"

const clientSecret = "fault-test-secret-6c1e"
const subjects = Array.from({ length: 1000 }, (_, i) => `fault-subject-${i}-q8v`)

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "faults.test",
  clients: [{ clientId: "app", clientSecret }],
  users: [{
    userId: "auth0|many",
    accessTokens: subjects,
    connections: { github: [{ accessToken: "gho_fault_issued_token", scope: "repo" }] }
  }]
}

/** An emulator on loopback with a fault, and a vault over undici pointed at it. */
const setup = (fault: Fault.Fault, options: Partial<TokenVaultOptions.TokenVaultOptions> = {}) =>
  Effect.gen(function* () {
    const emulator = yield* TokenVaultEmulator.make(tenant)
    const server = yield* EmulatorServer.serve(emulator)
    yield* emulator.setFault(fault)
    const undici = yield* Layer.build(NodeHttpClient.layerUndici)
    const vault = yield* TokenVault.make({
      domain: server.url,
      clientId: "app",
      clientSecret: Redacted.make(clientSecret),
      cache: false,
      ...options
    }).pipe(Effect.provide(undici))
    return { emulator, vault }
  })

describe("fault injection", () => {
  it.live("with 20 % random transient faults and default retries, 1 000 exchanges all succeed", () =>
    Effect.gen(function* () {
      const logs = recordingLogger()
      const { emulator, vault } = yield* setup(
        Fault.Random({
          rate: 0.2,
          seed: 20261125,
          faults: [
            Fault.ResetBeforeHeaders(),
            Fault.ServerError({ status: 502 }),
            Fault.ServerError({ status: 503 }),
            Fault.ServerError({ status: 504 }),
            Fault.RateLimited({ retryAfter: 1 }),
            Fault.Latency({ millis: 20 })
          ]
        })
      )
      const results = yield* Effect.forEach(
        subjects,
        (accessToken) =>
          vault.getAccessTokenForConnection({ connection: "github", accessToken }).pipe(
            Effect.tap((tokenSet) => Effect.logDebug("exchanged", tokenSet)),
            Effect.tapErrorCause((cause) => Effect.logError("failed", cause))
          ),
        { concurrency: 50 }
      ).pipe(Effect.timeout("60 seconds"), Effect.provide(logs.logger))
      expect(results).toHaveLength(1000)
      expect(results.every((tokenSet) => Redacted.value(tokenSet.accessToken) === "gho_fault_issued_token")).toBe(true)
      const requests = yield* emulator.requests
      const faulted = requests.filter((request) => request.fault !== undefined && request.fault._tag !== "Latency").length
      expect(faulted).toBeGreaterThan(100)
      expect(requests.length).toBe(1000 + faulted)
      const logged = logs.text()
      for (const secret of [clientSecret, "gho_fault_issued_token", ...subjects.slice(0, 50)]) {
        expect(logged).not.toContain(secret)
      }
    }).pipe(Effect.scoped), { timeout: 90_000 })

  it.live.each([
    ["a reset before the headers", Fault.ResetBeforeHeaders(), "TransportError", false],
    ["a reset after the headers", Fault.ResetAfterHeaders(), "TransportError", true],
    ["truncated JSON", Fault.TruncatedJson(), "TransportError", true],
    ["a stalled body", Fault.StalledBody(), "TransportError", true],
    ["an endless body", Fault.EndlessBody({ intervalMillis: 50 }), "TransportError", true],
    ["an oversized body", Fault.OversizedBody(), "UnexpectedResponseError", undefined],
    ["an oversized body without content-length", Fault.OversizedBody({ contentLength: false }), "UnexpectedResponseError", undefined],
    ["a 503", Fault.ServerError({ status: 503 }), "UnexpectedResponseError", undefined],
    ["a 429", Fault.RateLimited({ retryAfter: 1 }), "RateLimitError", undefined]
  ] as const)("with retries off, %s is a %s", ([_, fault, tag, responseReceived]) =>
    Effect.gen(function* () {
      const { vault } = yield* setup(fault, { retry: false, timeout: { attempt: "300 millis" } })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection({ connection: "github", accessToken: subjects[0]! }))
      expect(error._tag, error.message).toBe(tag)
      if (responseReceived !== undefined) {
        expect((error as TokenVaultError.TransportError).responseReceived).toBe(responseReceived)
      }
    }).pipe(Effect.scoped), { timeout: 20_000 })
})
