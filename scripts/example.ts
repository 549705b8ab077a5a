/**
 * `pnpm example <name>`: runs `docs/examples/<name>.ts` against the Token Vault emulator.
 *
 * Starts the emulator on 127.0.0.1 with the demo's tenant (docs/examples/demoTenant.ts: Alice, with
 * a GitHub and two Google accounts linked) and a stub of the GitHub and Google APIs that accepts
 * Alice's federated tokens, then runs the example as a program (`node --import tsx`) with the
 * environment a real deployment would give it:
 *
 *   AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET   the emulator and its client
 *   AUTH0_SUBJECT_TOKEN                                  Alice's Auth0 access token
 *   GITHUB_API_URL, GOOGLE_API_URL                       the stub APIs
 *
 * and prints how many token requests reached the emulator. `pnpm example <name>.test` runs that
 * test file with vitest instead; `pnpm example` lists the examples.
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Data, Effect } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { demoTenant } from "../docs/examples/demoTenant.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const examplesDir = Path.join(root, "docs/examples")

/** The examples that run as programs, and what they show. */
const programs: Record<string, string> = {
  demo: "the README's demo; given AUTH0_SUBJECT_TOKEN, it makes one exchange against the configured tenant",
  "effect-exchange": "the Effect API: GitHub repositories of the user, every exchange failure turned into an answer",
  "promise-exchange": "the Promise facade in a plain TypeScript app, Auth0's error classes",
  "client-options": "cache, retry and time limit options, a call that skips the cache, the metrics",
  "node-express": "an Express 5 API that exchanges the bearer token of a request",
  "effect3-recipe": "the Promise facade in an Effect 3 app: Effect.tryPromise and tagged errors"
}

/** The examples that make an emulator of their own: they run as they are, without the demo's. */
const standalone: Record<string, string> = {
  "private-key-jwt": "private_key_jwt with a generated key pair, scope and forwardedFor, on an emulator of its own"
}

/** The other files, and where they run. */
const elsewhere: Record<string, string> = {
  "browser-page": "a browser page script: packages/token-vault-browser/test/chromium.test.ts runs it in Chromium",
  "worker-cloudflare": "a Cloudflare Worker: packages/token-vault-browser/test/workerd.test.ts runs it in workerd",
  "node-mtls-proxy": "mTLS and proxy layers: they need a client certificate and a proxy (type-checked only)",
  demoTenant: "the tenant the emulator serves to the demo and to these examples"
}

class ExampleError extends Data.TaggedError("ExampleError")<{ readonly message: string }> {}

const usage = () => {
  const width = Math.max(...Object.keys({ ...programs, ...standalone, ...elsewhere }).map((name) => name.length))
  const line = ([name, what]: [string, string]) => `  ${name.padEnd(width)}  ${what}`
  const tests = Fs.readdirSync(examplesDir).filter((file) => file.endsWith(".test.ts")).map((file) => file.slice(0, -3))
  return [
    "usage: pnpm example <name>",
    "",
    "Run against the Token Vault emulator:",
    ...Object.entries(programs).map(line),
    "",
    "Run with an emulator of their own:",
    ...Object.entries(standalone).map(line),
    "",
    "Not programs:",
    ...Object.entries(elsewhere).map(line),
    "",
    `Tests (run with vitest): ${tests.join(", ")}`
  ].join("\n")
}

/** Runs `command args` with the given environment, output to ours; fails unless it exits 0. */
const run = (command: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  Effect.callback<void, ExampleError>((resume) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] })
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000)
    child.once("error", (error) => resume(Effect.fail(new ExampleError({ message: `${command}: ${error.message}` }))))
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      resume(
        code === 0
          ? Effect.void
          : Effect.fail(new ExampleError({ message: `the example exited with ${signal ?? `code ${code}`}` }))
      )
    })
    return Effect.sync(() => child.kill("SIGKILL"))
  })

/** Alice's federated tokens, as the stub APIs accept them. */
const federatedTokens = new Set(
  demoTenant.users.flatMap((user) =>
    Object.values(user.connections ?? {}).flat().map((identity) => identity.accessToken)
  )
)

/** A stub of the two third-party APIs the examples call, on 127.0.0.1 until the scope closes. */
const stubApis = Effect.acquireRelease(
  Effect.callback<Http.Server>((resume) => {
    const server = Http.createServer((request, response) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1]
      const answer = (status: number, body: unknown) =>
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body))
      if (token === undefined || !federatedTokens.has(token)) return answer(401, { message: "Bad credentials" })
      if (request.url === "/user/repos") {
        return answer(200, [{ full_name: "alice/dotfiles" }, { full_name: "alice/notes" }])
      }
      if (request.url === "/calendar/v3/users/me/calendarList") return answer(200, { items: [{ id: "primary" }] })
      return answer(404, { message: "Not Found" })
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.callback<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

const main = Effect.gen(function*() {
  const name = (process.argv[2] ?? "").replace(/\.ts$/, "")
  if (name === "" || name === "--help") return yield* Console.log(usage())

  if (name.endsWith(".test")) {
    if (!Fs.existsSync(Path.join(examplesDir, `${name}.ts`))) {
      return yield* new ExampleError({ message: `no docs/examples/${name}.ts\n\n${usage()}` })
    }
    return yield* run(process.execPath, [
      Path.join(root, "node_modules/vitest/vitest.mjs"),
      "run",
      `docs/examples/${name}.ts`
    ], process.env)
  }
  if (elsewhere[name] !== undefined) {
    return yield* new ExampleError({ message: `docs/examples/${name}.ts is not a program: ${elsewhere[name]}` })
  }
  if (standalone[name] !== undefined) {
    yield* Console.log(`docs/examples/${name}.ts (${standalone[name]})\n`)
    return yield* run(process.execPath, ["--import", "tsx", `docs/examples/${name}.ts`], process.env)
  }
  if (programs[name] === undefined) {
    return yield* new ExampleError({ message: `no example named "${name}"\n\n${usage()}` })
  }

  const emulator = yield* TokenVaultEmulator.make(demoTenant)
  const server = yield* EmulatorServer.serve(emulator)
  const apis = `http://127.0.0.1:${(((yield* stubApis).address()) as AddressInfo).port}`
  const client = demoTenant.clients[0]!
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AUTH0_DOMAIN: server.url,
    AUTH0_CLIENT_ID: client.clientId,
    AUTH0_CLIENT_SECRET: client.clientSecret,
    AUTH0_SUBJECT_TOKEN: "alice-auth0-access-token",
    GITHUB_API_URL: apis,
    GOOGLE_API_URL: apis
  }
  yield* Console.log(
    `docs/examples/${name}.ts (${programs[name]})\n` +
      `against the Token Vault emulator at ${server.url} (tenant of docs/examples/demoTenant.ts)\n`
  )
  yield* run(process.execPath, ["--import", "tsx", `docs/examples/${name}.ts`], env)
  yield* Console.log(`\nThe emulator answered ${(yield* emulator.requests).length} token request(s).`)
}).pipe(
  Effect.scoped,
  Effect.tapError((error) => Console.error(error.message))
)

NodeRuntime.runMain(main, { disableErrorReporting: true })
