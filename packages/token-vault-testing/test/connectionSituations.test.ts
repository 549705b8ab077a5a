/**
 * The situations an application must handle, produced on demand: connected accounts in each state
 * (configured, or set at run time), a client that is not first-party, down-scoping with `scope`,
 * and the forwarded end-user IP.
 */
import { EmulatorHttpClient, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { APP_ID, GOOGLE_SCOPE, json, type Params, tenant, tokenRequest } from "./fixtures.js"

const ALICE_GOOGLE = { userId: "auth0|alice", connection: "google-oauth2" } as const

const exchangeWith = (
  emulator: TokenVaultEmulator.TokenVaultEmulator,
  overrides: Params = {},
  headers: Record<string, string> = {}
) => emulator.handle(tokenRequest(overrides, headers))

const answers: ReadonlyArray<
  readonly [TokenVaultEmulator.IdentityStatus, number, Record<string, unknown>]
> = [
  ["refresh_token_not_found", 401, {
    error: "federated_connection_refresh_token_not_found",
    error_description: "Federated connection Refresh Token not found."
  }],
  ["tokenset_not_found", 401, {
    error: "tokenset_not_found",
    error_description: "Tokenset not found for the connection."
  }],
  ["refresh_failed", 401, {
    error: "federated_connection_refresh_token_flow_failed",
    error_description:
      "Failed to refresh the federated connection's access token: the provider rejected the stored refresh token."
  }]
]

describe("connected account states", () => {
  for (const [status, httpStatus, body] of answers) {
    it.effect(`${status}: configured, and set at run time`, () =>
      Effect.gen(function*() {
        const configured = yield* TokenVaultEmulator.make({
          ...tenant,
          users: [{
            userId: "auth0|carol",
            accessTokens: ["at-carol"],
            connections: { github: [{ accessToken: "gho_carol", status }] }
          }]
        })
        const fromConfig = yield* exchangeWith(configured, { subject_token: "at-carol", connection: "github" })
        expect(fromConfig.status).toBe(httpStatus)
        expect(json(fromConfig)).toStrictEqual(body)
        expect(fromConfig.body).not.toContain("gho_carol")

        const emulator = yield* TokenVaultEmulator.make(tenant)
        yield* emulator.setIdentityStatus(ALICE_GOOGLE, status)
        const atRunTime = yield* exchangeWith(emulator)
        expect(atRunTime.status).toBe(httpStatus)
        expect(json(atRunTime)).toStrictEqual(body)
      }))
  }

  it.effect("mfa_required: 403 with a fresh random mfa_token each time", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      yield* emulator.setIdentityStatus(ALICE_GOOGLE, "mfa_required")
      const first = yield* exchangeWith(emulator)
      const second = yield* exchangeWith(emulator)
      expect(first.status).toBe(403)
      const body = json(first)
      expect(body).toMatchObject({ error: "mfa_required", error_description: "Multifactor authentication required" })
      expect(Object.keys(body).sort()).toStrictEqual(["error", "error_description", "mfa_token"])
      expect(body["mfa_token"]).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(json(second)["mfa_token"]).not.toBe(body["mfa_token"])
    }))

  it.effect("a loginHint selects one identity; without it every identity of the connection changes", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      yield* emulator.setIdentityStatus({ ...ALICE_GOOGLE, loginHint: "alice@work.example" }, "refresh_failed")
      expect((yield* exchangeWith(emulator, { login_hint: "alice@work.example" })).status).toBe(401)
      expect((yield* exchangeWith(emulator, { login_hint: "alice@example.com" })).status).toBe(200)
      expect((yield* exchangeWith(emulator)).status).toBe(200)
      // Other connections of the user are untouched.
      expect((yield* exchangeWith(emulator, { connection: "github" })).status).toBe(200)

      yield* emulator.setIdentityStatus(ALICE_GOOGLE, "tokenset_not_found")
      expect(json(yield* exchangeWith(emulator))["error"]).toBe("tokenset_not_found")
      expect(json(yield* exchangeWith(emulator, { login_hint: "alice@work.example" }))["error"]).toBe(
        "tokenset_not_found"
      )
    }))

  it.effect("\"connected\" restores the normal answer, over a configured status too", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make({
        ...tenant,
        users: [{
          userId: "auth0|carol",
          accessTokens: ["at-carol"],
          connections: { github: [{ accessToken: "gho_carol", status: "refresh_failed" }] }
        }]
      })
      const carol = { subject_token: "at-carol", connection: "github" }
      expect((yield* exchangeWith(emulator, carol)).status).toBe(401)
      yield* emulator.setIdentityStatus({ userId: "auth0|carol", connection: "github" }, "connected")
      const restored = yield* exchangeWith(emulator, carol)
      expect(restored.status).toBe(200)
      expect(json(restored)["access_token"]).toBe("gho_carol")
    }))

  it.effect("states belong to the emulator instance", () =>
    Effect.gen(function*() {
      const one = yield* TokenVaultEmulator.make(tenant)
      const two = yield* TokenVaultEmulator.make(tenant)
      yield* one.setIdentityStatus(ALICE_GOOGLE, "refresh_failed")
      expect((yield* exchangeWith(one)).status).toBe(401)
      expect((yield* exchangeWith(two)).status).toBe(200)
    }))

  it.effect("the accessor sets the state of the emulator in context", () =>
    Effect.gen(function*() {
      yield* TokenVaultEmulator.setIdentityStatus(ALICE_GOOGLE, "refresh_token_not_found")
      const emulator = yield* TokenVaultEmulator.TokenVaultEmulator
      expect(json(yield* exchangeWith(emulator))["error"]).toBe("federated_connection_refresh_token_not_found")
    }).pipe(Effect.provide(EmulatorHttpClient.layerTenant(tenant))))

  it.effect("a selector matching no identity, or an unknown status, is a defect naming it", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const defect = (selector: TokenVaultEmulator.IdentitySelector, status: TokenVaultEmulator.IdentityStatus) =>
        Effect.map(Effect.exit(emulator.setIdentityStatus(selector, status)), (exit) => {
          expect(Exit.isFailure(exit)).toBe(true)
          return Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
        })
      expect(yield* defect({ userId: "auth0|nobody", connection: "github" }, "refresh_failed")).toContain(
        `no user "auth0|nobody"`
      )
      expect(yield* defect({ userId: "auth0|alice", connection: "slack" }, "refresh_failed")).toContain(
        `user "auth0|alice" has no identity at connection "slack"`
      )
      expect(yield* defect({ ...ALICE_GOOGLE, loginHint: "who@example.com" }, "refresh_failed")).toContain(
        `with loginHint "who@example.com"`
      )
      expect(yield* defect(ALICE_GOOGLE, "broken" as TokenVaultEmulator.IdentityStatus)).toContain(
        `status must be one of connected, refresh_token_not_found, tokenset_not_found, refresh_failed, mfa_required`
      )
    }))

  it.effect("an unknown configured status is a defect at make", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(TokenVaultEmulator.make({
        ...tenant,
        users: [{
          userId: "auth0|carol",
          connections: { github: [{ accessToken: "gho_carol", status: "gone" as TokenVaultEmulator.IdentityStatus }] }
        }]
      }))
      expect(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "").toContain(
        `user "auth0|carol" has connections["github"][0] with an unknown status "gone"`
      )
    }))
})

describe("clients that may not use the grant", () => {
  it.effect("firstParty: false answers 403 access_denied; tokenVaultGrant: false stays 403 unauthorized_client", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make({
        ...tenant,
        clients: [...tenant.clients, { clientId: "third-party", clientSecret: "third-secret", firstParty: false }]
      })
      const thirdParty = yield* exchangeWith(emulator, { client_id: "third-party", client_secret: "third-secret" })
      expect(thirdParty.status).toBe(403)
      expect(json(thirdParty)).toStrictEqual({
        error: "access_denied",
        error_description: `Grant type '${TokenVaultEmulator.GRANT_TYPE}' not allowed: the client is not first-party.`
      })
      const noGrant = yield* exchangeWith(emulator, { client_id: "no-grant-client", client_secret: "no-grant-secret" })
      expect(noGrant.status).toBe(403)
      expect(json(noGrant)["error"]).toBe("unauthorized_client")
      // Authentication comes first.
      const wrongSecret = yield* exchangeWith(emulator, { client_id: "third-party", client_secret: "wrong" })
      expect(wrongSecret.status).toBe(401)
    }))
})

describe("scope (down-scoping)", () => {
  it.effect("a subset of the granted scopes is answered as requested", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const calendar = "https://www.googleapis.com/auth/calendar"
      const narrowed = yield* exchangeWith(emulator, { scope: calendar })
      expect(narrowed.status).toBe(200)
      expect(json(narrowed)).toMatchObject({ access_token: "ya29.alice-personal", scope: calendar })
      const reordered = yield* exchangeWith(emulator, { scope: `  ${calendar}   openid ${calendar}` })
      expect(json(reordered)["scope"]).toBe(`${calendar} openid`)
      const all = yield* exchangeWith(emulator, { scope: GOOGLE_SCOPE })
      expect(json(all)["scope"]).toBe(GOOGLE_SCOPE)
      const none = yield* exchangeWith(emulator)
      expect(json(none)["scope"]).toBe(GOOGLE_SCOPE)
    }))

  it.effect("a scope beyond the granted ones, a blank one, or any scope for an identity without scopes: invalid_scope", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      const superset = yield* exchangeWith(emulator, { scope: `${GOOGLE_SCOPE} https://mail.google.com/` })
      expect(superset.status).toBe(400)
      expect(json(superset)).toStrictEqual({
        error: "invalid_scope",
        error_description:
          "The requested scope is not a subset of the scopes granted for the connection: https://mail.google.com/"
      })
      const blank = yield* exchangeWith(emulator, { scope: "   " })
      expect(json(blank)).toStrictEqual({
        error: "invalid_scope",
        error_description: "The scope parameter must name at least one scope"
      })
      const unscoped = yield* exchangeWith(emulator, { connection: "github", scope: "repo" })
      expect(unscoped.status).toBe(400)
      expect(json(unscoped)["error"]).toBe("invalid_scope")
    }))
})

describe("auth0-forwarded-for", () => {
  it.effect("is recorded as forwardedFor, and absent when not sent", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(tenant)
      yield* exchangeWith(emulator, {}, { "Auth0-Forwarded-For": "203.0.113.7" })
      yield* exchangeWith(emulator, { client_id: APP_ID })
      const [forwarded, plain] = yield* emulator.requests
      expect(forwarded?.forwardedFor).toBe("203.0.113.7")
      expect(plain).not.toHaveProperty("forwardedFor")
    }))
})
