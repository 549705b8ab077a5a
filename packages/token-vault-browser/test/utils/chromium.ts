import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { chromium, type BrowserContext } from "playwright-core"

/** The Chromium binary: `CHROMIUM_PATH`, or Debian's package. */
export const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"

const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/**
 * Launches headless Chromium with a fresh profile, closed (and the profile removed) with the
 * scope. A missing browser is a test failure, not a skip: CI must install it.
 */
export const launchChromium: Effect.Effect<BrowserContext, never, Scope.Scope> = Effect.gen(function*() {
  if (!Fs.existsSync(chromiumPath)) {
    return yield* Effect.dieMessage(
      `Chromium not found at ${chromiumPath}. The browser tests need a real Chromium: install it ` +
        "(Debian/Ubuntu: apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH to a " +
        "Chromium or Chrome binary. Do not run `playwright install`."
    )
  }
  const profile = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "token-vault-chromium-"))),
    (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
  )
  return yield* Effect.acquireRelease(
    Effect.promise(() =>
      chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args, timeout: 30_000 })
    ),
    (context) => Effect.promise(() => context.close())
  )
})
