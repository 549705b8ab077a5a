import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { execFile } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import { fileURLToPath } from "node:url"
import { demoTenant } from "./demoTenant.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const tenantVariables = [
  "AUTH0_DOMAIN",
  "AUTH0_CLIENT_ID",
  "AUTH0_CLIENT_SECRET",
  "AUTH0_CLIENT_ASSERTION_SIGNING_KEY",
  "AUTH0_SUBJECT_TOKEN"
]

/** Runs `tsx docs/examples/demo.ts` with `env` over the process's environment less the AUTH0_* variables. */
const runDemo = (env: Record<string, string> = {}) =>
  Effect.callback<{ readonly code: number; readonly stdout: string; readonly stderr: string }>((resume) => {
    const environment = { ...process.env }
    for (const name of [...tenantVariables, "AUTH0_SUBJECT_TOKEN_TYPE", "AUTH0_CONNECTION", "AUTH0_LOGIN_HINT"]) {
      delete environment[name]
    }
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "docs/examples/demo.ts"],
      { cwd: root, env: { ...environment, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }))
    )
    return Effect.sync(() => child.kill())
  })

/** Every token and secret of the demo tenant. */
const secrets: Array<string> = [
  ...demoTenant.users.flatMap((user) => [
    ...[...(user.accessTokens ?? []), ...(user.refreshTokens ?? [])].map((token) =>
      typeof token === "string" ? token : token.token
    ),
    ...Object.values(user.connections ?? {}).flat().map((identity) => identity.accessToken)
  ]),
  ...demoTenant.clients.flatMap((client) => (client.clientSecret === undefined ? [] : [client.clientSecret]))
]

describe("the demo (pnpm demo)", () => {
  it.effect("runs the four exchanges against the emulator and prints no token or secret", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* runDemo()
      expect(code).toBe(0)
      expect(stdout).toMatch(/emulator listening on http:\/\/127\.0\.0\.1:\d+/)
      // The token sets as `String(tokenSet)` shows them: every field but the token.
      expect(stdout).toMatch(/"scope": ?"repo read:user", ?"expiresAt": ?\d+/)
      expect(stdout).toMatch(/"loginHint": ?"alice@home\.example"/)
      expect(stdout).toContain("handled AccountNotConnectedError")
      expect(stdout).toContain(`"loginHint":"alice@work.example"`)
      expect(stdout).toContain("answered 4 token requests")
      expect(secrets.length).toBeGreaterThan(4)
      for (const secret of secrets) expect(stdout + stderr).not.toContain(secret)
    }), { timeout: 60_000 })

  it.effect(
    "with the tenant's variables set but no AUTH0_SUBJECT_TOKEN, stops and says what to set",
    () =>
      Effect.gen(function*() {
        const { code, stderr, stdout } = yield* runDemo({
          AUTH0_DOMAIN: "example.us.auth0.com",
          AUTH0_CLIENT_ID: "my-app"
        })
        expect(code).not.toBe(0)
        expect(stdout).not.toContain("emulator listening")
        expect(stderr).toContain("AUTH0_DOMAIN, AUTH0_CLIENT_ID are set but AUTH0_SUBJECT_TOKEN is not")
        expect(stderr).toContain("unset AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET")
      }),
    { timeout: 60_000 }
  )

  it.effect("with AUTH0_SUBJECT_TOKEN, exchanges once against the configured tenant", () =>
    Effect.gen(function*() {
      const emulator = yield* TokenVaultEmulator.make(demoTenant)
      const server = yield* EmulatorServer.serve(emulator)
      const tenant = {
        AUTH0_DOMAIN: server.url,
        AUTH0_CLIENT_ID: "demo-backend",
        AUTH0_CLIENT_SECRET: "demo-backend-secret"
      }

      const access = yield* runDemo({
        ...tenant,
        AUTH0_SUBJECT_TOKEN: "alice-auth0-access-token",
        AUTH0_CONNECTION: "github"
      })
      expect(access.code).toBe(0)
      expect(access.stdout).toContain("Exchanged an Auth0 access token for the user's github token:")
      expect(access.stdout).toMatch(/"scope": ?"repo read:user"/)

      const refresh = yield* runDemo({
        ...tenant,
        AUTH0_SUBJECT_TOKEN: "alice-auth0-refresh-token",
        AUTH0_SUBJECT_TOKEN_TYPE: "refresh_token",
        AUTH0_LOGIN_HINT: "alice@work.example"
      })
      expect(refresh.code).toBe(0)
      expect(refresh.stdout).toContain("Exchanged an Auth0 refresh token for the user's google-oauth2 token:")
      expect(refresh.stdout).toMatch(/"loginHint": ?"alice@work\.example"/)

      const requests = yield* emulator.requests
      expect(requests.map((request) => request.form["subject_token_type"])).toEqual([
        TokenVaultEmulator.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN,
        TokenVaultEmulator.SUBJECT_TOKEN_TYPE_REFRESH_TOKEN
      ])
      for (const secret of secrets) {
        expect(access.stdout + access.stderr + refresh.stdout + refresh.stderr).not.toContain(secret)
      }
    }), { timeout: 60_000 })

  it.effect(
    "with AUTH0_CLIENT_ASSERTION_SIGNING_KEY instead of a secret, exchanges with private_key_jwt",
    () =>
      Effect.gen(function*() {
        // The emulator checks the assertion's `exp` against its Clock: the demo signs with the real time.
        yield* TestClock.setTime(Date.now())
        const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
        const emulator = yield* TokenVaultEmulator.make({
          ...demoTenant,
          clients: [...demoTenant.clients, {
            clientId: "demo-jwt-backend",
            authMethods: ["private_key_jwt"],
            clientAssertionKeys: [{
              algorithm: "RS256",
              publicKey: key.publicKey.export({ format: "pem", type: "spki" }) as string
            }]
          }]
        })
        const server = yield* EmulatorServer.serve(emulator)
        const pem = key.privateKey.export({ format: "pem", type: "pkcs8" }) as string
        const run = yield* runDemo({
          AUTH0_DOMAIN: server.url,
          AUTH0_CLIENT_ID: "demo-jwt-backend",
          AUTH0_CLIENT_ASSERTION_SIGNING_KEY: pem,
          AUTH0_SUBJECT_TOKEN: "alice-auth0-access-token",
          AUTH0_CONNECTION: "github"
        })
        expect(run.code, run.stderr).toBe(0)
        expect(run.stdout).toContain("Exchanged an Auth0 access token for the user's github token:")
        const [request] = yield* emulator.requests
        expect(request?.form["client_assertion_type"]).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        expect(run.stdout + run.stderr).not.toContain(pem.split("\n")[1])
      }),
    { timeout: 60_000 }
  )
})
