/**
 * The exchange in a real browser: headless Chromium loads a page from one loopback origin whose
 * script (bundled by esbuild for the browser) calls the emulator on another port, so every token
 * request is a cross-origin `fetch` with a CORS preflight, as against Auth0.
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, layer } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/testing/TestClock"
import type { BrowserContext } from "playwright-core"
import type { PageResults } from "./fixtures/page.js"
import type { Report } from "./fixtures/scenarios.js"
import { bundle, fixture, repositoryRoot } from "./utils/bundle.js"
import { launchChromium } from "./utils/chromium.js"
import {
  expectExchanges,
  expectNoTracePropagation,
  expectScenarioPosts,
  expectTransportFailures,
  tokenPosts
} from "./utils/report.js"
import { serveStatic, type StaticFile } from "./utils/staticServer.js"
import {
  ACCESS_TOKEN,
  BOB_ACCESS_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  scenarioConfig,
  SCOPE,
  tenant
} from "./utils/tenant.js"

/** One Chromium and the bundled page script, shared by the tests of this file. */
class Browser extends Context.Service<Browser, {
  readonly context: BrowserContext
  /** The test page's script. */
  readonly script: string
  /** The test page's web worker. */
  readonly worker: string
  /** `docs/examples/browser-page.ts`. */
  readonly example: string
}>()("test/Browser") {}

const BrowserLive = Layer.effect(
  Browser,
  Effect.all({
    context: launchChromium,
    script: bundle(fixture("page.ts"), "browser"),
    worker: bundle(fixture("webworker.ts"), "browser"),
    example: bundle(`${repositoryRoot}docs/examples/browser-page.ts`, "browser")
  }, { concurrency: 4 })
)

const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>token vault</title></head>
<body><script type="module" src="/app.js"></script></body></html>`

/** Serves the page on a new loopback origin. */
const servePage = Browser.use(({ script, worker }) =>
  serveStatic({
    "/": { contentType: "text/html; charset=utf-8", body: html },
    "/app.js": { contentType: "text/javascript; charset=utf-8", body: script },
    "/webworker.js": { contentType: "text/javascript; charset=utf-8", body: worker }
  })
)

/** Opens the page with the scenario configuration and waits for its results. */
const runPage = (origin: string, emulatorUrl: string, options: { inWorker?: boolean; noRetries?: boolean } = {}) =>
  Browser.use(({ context }) =>
    Effect.acquireUseRelease(
      Effect.promise(() => context.newPage()),
      (page) =>
        Effect.promise(async () => {
          const consoleLines: Array<string> = []
          page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`))
          page.on("pageerror", (error) => consoleLines.push(`pageerror: ${error.message}`))
          const config = encodeURIComponent(
            JSON.stringify({ ...scenarioConfig(emulatorUrl), noRetries: options.noRetries === true })
          )
          await page.goto(`${origin}/?config=${config}${options.inWorker === true ? "&in=worker" : ""}`)
          try {
            await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 25_000 })
          } catch (error) {
            throw new Error(`the page published no results; its console:\n${consoleLines.join("\n")}`, { cause: error })
          }
          const results = await page.evaluate(() => window.__results) as PageResults
          if ("fatal" in results) throw new Error(`the page failed: ${results.fatal}\n${consoleLines.join("\n")}`)
          // The DOM shows the same report, for anyone looking at the page.
          expect(JSON.parse(await page.locator("#results").innerText())).toStrictEqual(results)
          return { ...results, consoleLines }
        }),
      (page) => Effect.promise(() => page.close())
    )
  )

describe("BrowserTokenVault in Chromium", () => {
  layer(BrowserLive, { timeout: 60_000 })((it) => {
    for (const where of ["page", "worker"] as const) {
      const inWorker = where === "worker"
      it.effect(
        `exchanges cross-origin from an allowed origin, with typed errors, through Effect and Promise APIs (${
          inWorker ? "in a dedicated web worker" : "in the page"
        })`,
        () =>
          Effect.gen(function*() {
            const page = yield* servePage
            // The emulator checks DPoP proofs' `iat` against its Clock: the runtime signs with the real time.
            yield* TestClock.setTime(Date.now())
            const emulator = yield* TokenVaultEmulator.make(tenant([page.origin]))
            const server = yield* EmulatorServer.serve(emulator)
            expect(new URL(server.url).origin).not.toBe(page.origin)

            const before = Math.floor(Date.now() / 1000)
            const { ranIn, report, traceparentControl } = yield* runPage(page.origin, server.url, { inWorker })
            expect(ranIn).toBe(inWorker ? "DedicatedWorkerGlobalScope" : "Window")
            expectExchanges(report, before)

            const requests = yield* emulator.requests
            // `Auth0-Client` is not a CORS-safelisted header: the browser asked first.
            const preflights = requests.filter((request) =>
              request.method === "OPTIONS" && request.path === "/oauth/token"
            )
            expect(preflights.length).toBeGreaterThanOrEqual(1)
            expect(preflights[0]?.headers).toMatchObject({
              origin: page.origin,
              "access-control-request-method": "POST",
              "access-control-request-headers": "auth0-client"
            })
            // Five exchanges, each sent by the browser as a cross-origin request from the page.
            const posts = tokenPosts(requests).slice(0, 5)
            expect(posts.length).toBe(5)
            for (const post of posts) {
              expect(post.headers["origin"]).toBe(page.origin)
              expect(post.headers["user-agent"]).toMatch(/HeadlessChrome\//)
              expect(post.headers["auth0-client"]).toBeDefined()
            }
            expectNoTracePropagation(requests)
            // `layerHttpClient` options reach `fetch`: `referrerPolicy: "no-referrer"` drops the Referer.
            expect(posts[0]?.headers["referer"]).toBe(`${page.origin}/`)
            expect(posts[1]?.headers["referer"]).toBeUndefined()
            // The control: the same exchange with a `traceparent` header is blocked at the preflight.
            expect(traceparentControl).toMatchObject({ ok: false, name: "TransportError" })
            expectScenarioPosts(tokenPosts(requests))
            expect(
              preflights.some((request) => request.headers["access-control-request-headers"]?.includes("traceparent"))
            )
              .toBe(true)
          }),
        { timeout: 60_000 }
      )
    }

    it.effect(
      "a page on an origin the tenant does not allow fails with TransportError / TokenForConnectionError",
      () =>
        Effect.gen(function*() {
          const allowed = yield* servePage
          const page = yield* servePage
          const emulator = yield* TokenVaultEmulator.make(tenant([allowed.origin]))
          const server = yield* EmulatorServer.serve(emulator)

          // Every request fails on CORS; without retries the page reports at once.
          const { consoleLines, report } = yield* runPage(page.origin, server.url, { noRetries: true })
          expectTransportFailures(report satisfies Report)
          // Chromium blocked the requests on CORS, not on something else.
          expect(consoleLines.join("\n")).toMatch(/CORS policy/)
          // The browser sent its preflight, got no CORS headers back, and sent no token request.
          const requests = yield* emulator.requests
          expect(requests.some((request) => request.method === "OPTIONS" && request.headers["origin"] === page.origin))
            .toBe(true)
          expect(tokenPosts(requests)).toStrictEqual([])
        }),
      { timeout: 60_000 }
    )

    it.effect("docs/examples/browser-page.ts shows a connected and a not-connected user", () =>
      Effect.gen(function*() {
        const { context, example } = yield* Browser
        // The example reads its configuration from the page; this page is rendered per user.
        const pageFor = (domain: string, accessToken: string) =>
          `<!doctype html>
<html><head><meta charset="utf-8"><title>calendar</title></head><body>
<script type="application/json" id="token-vault-config">${
            JSON.stringify({ domain, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken })
          }</script>
<output id="token-vault-status"></output>
<script type="module" src="/example.js"></script>
</body></html>`
        // The page's origin goes into the tenant, the tenant's URL into the page: serve, then fill in.
        const files: Record<string, StaticFile> = {}
        const page = yield* serveStatic(files)
        const emulator = yield* TokenVaultEmulator.make(tenant([page.origin]))
        const server = yield* EmulatorServer.serve(emulator)
        files["/alice"] = { contentType: "text/html; charset=utf-8", body: pageFor(server.url, ACCESS_TOKEN) }
        files["/bob"] = { contentType: "text/html; charset=utf-8", body: pageFor(server.url, BOB_ACCESS_TOKEN) }
        files["/example.js"] = { contentType: "text/javascript; charset=utf-8", body: example }

        const statusOf = (path: string) =>
          Effect.acquireUseRelease(
            Effect.promise(() => context.newPage()),
            (tab) =>
              Effect.promise(async () => {
                await tab.goto(`${page.origin}${path}`)
                const status = tab.locator("#token-vault-status[data-state]")
                await status.waitFor({ timeout: 25_000 })
                return { state: await status.getAttribute("data-state"), text: await status.innerText() }
              }),
            (tab) => Effect.promise(() => tab.close())
          )
        const alice = yield* statusOf("/alice")
        expect(alice.state).toBe("connected")
        expect(alice.text).toContain(SCOPE)
        const bob = yield* statusOf("/bob")
        expect(bob).toStrictEqual({ state: "not-connected", text: "Google Calendar is not connected yet." })
        // With `referrerPolicy: "no-referrer"` the tenant never sees the page's URL.
        for (const post of tokenPosts(yield* emulator.requests)) expect(post.headers["referer"]).toBeUndefined()
      }), { timeout: 60_000 })
  })
})
