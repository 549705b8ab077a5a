/**
 * The consumer check: packs the core and the Node adapter with `pnpm pack`, installs the tarballs
 * into a fresh temporary npm project, and there typechecks and runs a Promise-facade file and an
 * Effect file against the Token Vault emulator on loopback. Exits non-zero on any mismatch.
 *
 *   pnpm consumer-check      (after pnpm build)
 */
import { Effect } from "effect"
import { NodeRuntime } from "@effect/platform-node"
import { execFile } from "node:child_process"
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"

const exec = promisify(execFile)
const root = fileURLToPath(new URL("..", import.meta.url))
/** Folder under packages/ → npm name. */
const packages: Record<string, string> = {
  "token-vault": "@effect-auth0/token-vault",
  "token-vault-node": "@effect-auth0/token-vault-node"
}

const sh = (command: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  Effect.tryPromise({
    try: () => exec(command, [...args], { cwd, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }),
    catch: (error) => new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${String((error as { stderr?: string }).stderr ?? error)}`)
  })

const check = (condition: boolean, what: string) =>
  condition ? Effect.log(`ok: ${what}`) : Effect.fail(new Error(`consumer check failed: ${what}`))

const program = Effect.gen(function* () {
  const project = yield* Effect.acquireRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), "token-vault-consumer-"))),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  )
  const dependencies: Record<string, string> = {}
  for (const [folder, name] of Object.entries(packages)) {
    const before = new Set(yield* Effect.promise(() => readdir(project)))
    yield* sh("npx", ["--yes", "pnpm@10", "pack", "--pack-destination", project], join(root, "packages", folder))
    const tarball = (yield* Effect.promise(() => readdir(project))).find((file) => !before.has(file))
    yield* check(tarball !== undefined, `packed ${name} as ${tarball}`)
    dependencies[name] = `file:./${tarball}`
  }

  const versions = JSON.parse(
    yield* Effect.promise(() => readFile(join(root, "packages/token-vault-node/package.json"), "utf8"))
  ).devDependencies as Record<string, string>
  yield* Effect.promise(() =>
    writeFile(join(project, "package.json"), JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: {
        ...dependencies,
        effect: versions["effect"],
        "@effect/platform": versions["@effect/platform"],
        "@effect/platform-node": versions["@effect/platform-node"]
      },
      devDependencies: { typescript: "5.9.3", "@types/node": versions["@types/node"] }
    }, null, 2))
  )
  yield* Effect.promise(() =>
    writeFile(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        exactOptionalPropertyTypes: true,
        types: ["node"],
        outDir: "out"
      },
      include: ["*.mts"]
    }, null, 2))
  )
  for (const file of ["promise.mts", "effect.mts"]) {
    yield* Effect.promise(() => copyFile(join(root, "scripts/consumer", file), join(project, file)))
  }
  yield* sh("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project)
  yield* sh("npx", ["tsc", "-p", "tsconfig.json"], project)
  yield* Effect.log("ok: both consumer files typecheck against the packed packages")

  const emulator = yield* TokenVaultEmulator.make({
    domain: "consumer.example",
    clients: [{ clientId: "consumer-app", clientSecret: "consumer-secret" }],
    users: [{
      userId: "auth0|consumer",
      accessTokens: ["consumer-user-token"],
      connections: { github: [{ accessToken: "gho_consumer", scope: "repo" }] }
    }]
  })
  const server = yield* EmulatorServer.serve(emulator)
  const env = { ...process.env, EMULATOR_URL: server.url }

  const promiseRun = yield* sh("node", ["out/promise.mjs"], project, env)
  const [result, failure] = promiseRun.stdout.trim().split("\n").map((line) => JSON.parse(line))
  yield* check(result.matches === true && result.keys.length === 5, "the Promise facade returns the five keys and the token")
  yield* check(
    failure.code === "token_for_connection_error" && failure.cause.error === "federated_connection_refresh_token_not_found",
    "the Promise facade rejects an Auth0 error with TokenForConnectionError"
  )

  const effectRun = JSON.parse((yield* sh("node", ["out/effect.mjs"], project, env)).stdout)
  yield* check(effectRun.matches === true, "the Effect API over the Node layer returns the token")
  yield* check(!effectRun.printed.includes("gho_consumer"), "the token set prints redacted")
  yield* check(effectRun.failure === "TokenExchangeError", "the Effect API fails with a TokenExchangeError")
  yield* check((yield* emulator.requests).length === 4, "four requests reached the emulator")
})

NodeRuntime.runMain(Effect.scoped(program))
