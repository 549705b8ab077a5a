/**
 * The exchange in Cloudflare's runtime: a Worker module bundled by esbuild, run by workerd through
 * Miniflare, calls the emulator on loopback with the Worker's own `fetch`.
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { TestClock } from "effect/testing"
import { Miniflare } from "miniflare"
import type { Report } from "./fixtures/scenarios.js"
import { bundle, fixture, repositoryRoot } from "./utils/bundle.js"
import { expectExchanges, expectNoTracePropagation, expectScenarioPosts, tokenPosts } from "./utils/report.js"
import { serveLoopback } from "./utils/staticServer.js"
import {
  ACCESS_TOKEN,
  BOB_ACCESS_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  FEDERATED_TOKEN,
  scenarioConfig,
  tenant
} from "./utils/tenant.js"

/** workerd running the bundled Worker module `entry` with `bindings`, disposed with the scope. */
const startWorker = (entry: string, bindings: Record<string, string> = {}) =>
  Effect.flatMap(bundle(entry, "worker"), (script) =>
    Effect.acquireRelease(
      Effect.promise(async () => {
        const miniflare = new Miniflare({
          modules: true,
          script,
          bindings,
          compatibilityDate: "2025-09-01",
          host: "127.0.0.1",
          port: 0
        })
        await miniflare.ready
        return miniflare
      }),
      (miniflare) => Effect.promise(() => miniflare.dispose())
    ))

describe("BrowserTokenVault in workerd (Cloudflare Workers)", () => {
  it.effect(
    "exchanges through the Effect and Promise APIs with the Worker's fetch, with typed errors",
    () =>
      Effect.gen(function*() {
        // The emulator checks DPoP proofs' `iat` against its Clock: the runtime signs with the real time.
        yield* TestClock.setTime(Date.now())
        const emulator = yield* TokenVaultEmulator.make(tenant([]))
        const server = yield* EmulatorServer.serve(emulator)
        const miniflare = yield* startWorker(fixture("worker.ts"))

        const before = Math.floor(Date.now() / 1000)
        const answer = yield* Effect.promise(async () => {
          const response = await miniflare.dispatchFetch("http://worker.test/", {
            method: "POST",
            body: JSON.stringify(scenarioConfig(server.url))
          })
          return (await response.json()) as { report: Report } | { fatal: string }
        })
        if ("fatal" in answer) throw new Error(`the Worker failed: ${answer.fatal}`)
        expectExchanges(answer.report, before)

        const requests = yield* emulator.requests
        expectScenarioPosts(tokenPosts(requests))
        expectNoTracePropagation(requests)
      }),
    { timeout: 60_000 }
  )

  it.effect(
    "docs/examples/worker-cloudflare.ts lists a connected user's calendars and explains a missing connection",
    () =>
      Effect.gen(function*() {
        const emulator = yield* TokenVaultEmulator.make(tenant([]))
        const server = yield* EmulatorServer.serve(emulator)
        // Google's calendar API, as far as the example needs it.
        const google = yield* serveLoopback((req, res) => {
          const authorized = req.url === "/calendar/v3/users/me/calendarList" &&
            req.headers.authorization === `Bearer ${FEDERATED_TOKEN}`
          res.writeHead(authorized ? 200 : 401, { "content-type": "application/json" })
          res.end(
            JSON.stringify(authorized ? { items: [{ id: "primary", summary: "Alice" }] } : { error: "unauthorized" })
          )
        })
        const miniflare = yield* startWorker(`${repositoryRoot}docs/examples/worker-cloudflare.ts`, {
          AUTH0_DOMAIN: server.url,
          AUTH0_CLIENT_ID: CLIENT_ID,
          AUTH0_CLIENT_SECRET: CLIENT_SECRET,
          GOOGLE_API_URL: google.origin
        })
        const get = (path: string, headers: Record<string, string> = {}) =>
          Effect.promise(async () => {
            const response = await miniflare.dispatchFetch(`http://worker.test${path}`, { headers })
            return { status: response.status, body: await response.json() as unknown }
          })

        expect(yield* get("/calendars", { authorization: `Bearer ${ACCESS_TOKEN}` })).toStrictEqual({
          status: 200,
          body: { items: [{ id: "primary", summary: "Alice" }] }
        })
        // The isolate's TokenVault cached Alice's token: a second call needs no exchange.
        expect((yield* get("/calendars", { authorization: `Bearer ${ACCESS_TOKEN}` })).status).toBe(200)
        expect(yield* get("/calendars", { authorization: `Bearer ${BOB_ACCESS_TOKEN}` })).toStrictEqual({
          status: 403,
          body: { error: "google_not_connected", message: "Connect your Google account first." }
        })
        expect((yield* get("/calendars")).status).toBe(401)
        expect(tokenPosts(yield* emulator.requests).length).toBe(2)
      }),
    { timeout: 60_000 }
  )

  it.effect(
    "docs/examples/worker-cloudflare.ts answers 500 when its bindings are missing, without calling out",
    () =>
      Effect.gen(function*() {
        const miniflare = yield* startWorker(`${repositoryRoot}docs/examples/worker-cloudflare.ts`, {
          AUTH0_DOMAIN: "tenant.example.com"
        })
        const response = yield* Effect.promise(() =>
          miniflare.dispatchFetch("http://worker.test/calendars", {
            headers: { authorization: `Bearer ${ACCESS_TOKEN}` }
          })
        )
        expect(response.status).toBe(500)
        expect(yield* Effect.promise(() => response.json())).toStrictEqual({ error: "misconfigured" })
      }),
    { timeout: 60_000 }
  )
})
