import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type BrowserContext, chromium } from "playwright-core"
import { findChromium } from "../../../../scripts/ensure-chromium.js"

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
 * Launches headless Chromium (`CHROMIUM_PATH`, else the usual install locations and `PATH`: the
 * lookup of `scripts/ensure-chromium.ts`, which `pnpm test` runs first) with a fresh profile,
 * closed (and the profile removed) with the scope. A missing browser is a test failure with the
 * lookup's one line, not a skip.
 */
export const launchChromium: Effect.Effect<BrowserContext, never, Scope.Scope> = Effect.gen(function*() {
  const found = findChromium()
  if ("problem" in found) return yield* Effect.die(new Error(found.problem))
  const profile = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "token-vault-chromium-"))),
    (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
  )
  return yield* Effect.acquireRelease(
    Effect.promise(() =>
      chromium.launchPersistentContext(profile, { executablePath: found.path, headless: true, args, timeout: 30_000 })
    ),
    (context) => Effect.promise(() => context.close())
  )
})
