/**
 * The exchange in Bun and Deno: the scenarios bundled by esbuild into one ES module, run by each
 * runtime's own `fetch` against the emulator on loopback.
 *
 * Both runtimes are root devDependencies (npm packages `bun` and `deno`); a runtime is found
 * through `BUN_PATH` / `DENO_PATH`, the repository's `node_modules/.bin`, or `PATH`, and a missing
 * one fails the test.
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { TestClock } from "effect/testing"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Report } from "./fixtures/scenarios.js"
import { bundle, fixture, repositoryRoot } from "./utils/bundle.js"
import { expectExchanges, expectNoTracePropagation, expectScenarioPosts, tokenPosts } from "./utils/report.js"
import { scenarioConfig, tenant } from "./utils/tenant.js"

interface Runtime {
  readonly name: "bun" | "deno"
  readonly pathVariable: string
  /** The command line that runs `script` with `config` as its first argument. */
  readonly argv: (script: string, config: string) => ReadonlyArray<string>
}

const runtimes: ReadonlyArray<Runtime> = [
  { name: "bun", pathVariable: "BUN_PATH", argv: (script, config) => ["run", "--no-install", script, config] },
  {
    name: "deno",
    pathVariable: "DENO_PATH",
    argv: (script, config) => ["run", "--no-config", "--no-lock", "--allow-net=127.0.0.1", script, config]
  }
]

const onPath = (name: string): string | undefined =>
  (process.env["PATH"] ?? "").split(Path.delimiter)
    .map((dir) => Path.join(dir, name))
    .find((candidate) => Fs.existsSync(candidate))

const locate = (runtime: Runtime): string | undefined => {
  const explicit = process.env[runtime.pathVariable]
  if (explicit !== undefined && explicit !== "") return explicit
  const local = Path.join(repositoryRoot, "node_modules", ".bin", runtime.name)
  return Fs.existsSync(local) ? local : onPath(runtime.name)
}

const run = (binary: string, argv: ReadonlyArray<string>, cwd: string) =>
  Effect.callback<string, Error>((resume) => {
    const child = ChildProcess.execFile(binary, [...argv], {
      cwd,
      timeout: 40_000,
      maxBuffer: 4 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: Path.join(cwd, ".deno") }
    }, (error, stdout, stderr) =>
      resume(
        error === null
          ? Effect.succeed(stdout)
          : Effect.fail(new Error(`${Path.basename(binary)} failed: ${error.message}\n${stderr}`))
      ))
    return Effect.sync(() => child.kill())
  })

describe("BrowserTokenVault in Bun and Deno", () => {
  for (const runtime of runtimes) {
    const binary = locate(runtime)
    it.effect(
      `${runtime.name}: exchanges through the Effect and Promise APIs with the runtime's fetch`,
      () =>
        Effect.gen(function*() {
          if (binary === undefined) {
            return yield* Effect.die(
              new Error(
                `${runtime.name} not found: set ${runtime.pathVariable}, put it on PATH ` +
                  `or add the npm package \`${runtime.name}\` to the root devDependencies`
              )
            )
          }
          const dir = yield* Effect.acquireRelease(
            Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), `token-vault-${runtime.name}-`))),
            (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
          )
          const script = Path.join(dir, "scenarios.mjs")
          Fs.writeFileSync(script, yield* bundle(fixture("standalone.ts"), "worker"))

          // The emulator checks DPoP proofs' `iat` against its Clock: the runtime signs with the real time.
          yield* TestClock.setTime(Date.now())
          const emulator = yield* TokenVaultEmulator.make(tenant([]))
          const server = yield* EmulatorServer.serve(emulator)
          const before = Math.floor(Date.now() / 1000)
          const stdout = yield* Effect.orDie(
            run(binary, runtime.argv(script, JSON.stringify(scenarioConfig(server.url))), dir)
          )
          const { report } = JSON.parse(stdout) as { report: Report }
          expectExchanges(report, before)

          const requests = yield* emulator.requests
          const posts = tokenPosts(requests)
          expectScenarioPosts(posts)
          // Sent by the runtime's own fetch (`Bun/1.x`, `Deno/2.x`), not by Node.
          for (const post of posts) expect(post.headers["user-agent"]).toMatch(new RegExp(`^${runtime.name}/`, "i"))
          expectNoTracePropagation(requests)
        }),
      { timeout: 60_000 }
    )
  }
})
