/**
 * The BUILT package (dist/, from `pnpm build`), imported through its `exports` map in child
 * processes (no vitest alias, no transform), against the emulator on loopback: ESM `import` and
 * CommonJS `require`, under the `node` condition (undici) and the default one (fetch, as a bundler
 * for browsers and edge runtimes resolves it).
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as esbuild from "esbuild"
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { promiseProgram } from "../../../scripts/consumer/promise-program.js"
import { CLIENT_ID, CLIENT_SECRET, generateKey, tenant } from "./fixtures.js"

const exec = promisify(execFile)
const packageDir = fileURLToPath(new URL("..", import.meta.url))

/** The program the consumer check runs in fresh npm projects, importing and requiring the package. */
const { commonjs: cjs, module: esm } = promiseProgram({ connection: "google-oauth2", accessToken: "at-alice" })

/** The Node running the tests (24), and the workspace's Node 22 (the oldest the package supports). */
const nodes = {
  [`Node ${process.versions.node}`]: process.execPath,
  "Node 22": fileURLToPath(new URL("../../../node_modules/node22/bin/node", import.meta.url))
}

const run = (args: ReadonlyArray<string>, env: Record<string, string>, node = process.execPath) =>
  Effect.promise(() =>
    exec(node, [...args], { cwd: packageDir, env: { ...process.env, ...env }, timeout: 60_000 })
      .then(({ stdout }) => JSON.parse(stdout.trim().split("\n").at(-1)!))
  )

/** Node resolves the package by its own name from inside it, with the `node` condition. */
const runOnNode = (format: "module" | "commonjs", env: Record<string, string>, node = process.execPath) =>
  run([`--input-type=${format}`, "--eval", format === "module" ? esm : cjs], env, node)

/**
 * The program bundled by esbuild, as an application would: for `neutral` (a browser, a worker: no
 * `node` condition) the default build, for `node` the Node build. The output goes under the
 * package's `.tmp/` so that a `require("undici")` at run time finds the package's dependency.
 */
const runBundled = (
  source: "esm" | "cjs",
  format: "esm" | "cjs",
  platform: "neutral" | "node",
  env: Record<string, string>
) =>
  Effect.acquireUseRelease(
    Effect.promise(async () => {
      await mkdir(join(packageDir, ".tmp"), { recursive: true })
      return mkdtemp(join(packageDir, ".tmp", "dist-test-"))
    }),
    (directory) =>
      Effect.gen(function*() {
        const outfile = join(directory, format === "esm" ? "program.mjs" : "program.cjs")
        const result = yield* Effect.promise(() =>
          esbuild.build({
            stdin: { contents: source === "esm" ? esm : cjs, resolveDir: packageDir, loader: "js" },
            // Not the workspace's tsconfig paths (which map the package to its sources): its exports.
            tsconfigRaw: {},
            bundle: true,
            platform,
            ...(platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
            format,
            outfile,
            metafile: true,
            logLevel: "silent"
          })
        )
        // The entry file, then the chunks of its build (the ESM builds are split).
        const bundled = Object.keys(result.metafile.inputs)
          .filter((input) => input.includes("token-vault-promise/dist/"))
          .map((input) => input.slice(input.indexOf("dist/")))
          .sort((a, b) => Number(a.startsWith("dist/chunks/")) - Number(b.startsWith("dist/chunks/")))
        return { bundled, output: yield* run([outfile], env) }
      }),
    (directory) => Effect.promise(() => rm(directory, { recursive: true, force: true }))
  )

const serve = Effect.flatMap(TokenVaultEmulator.make(tenant), (emulator) => EmulatorServer.serve(emulator))

/** A `private_key_jwt` client of the tenant (PS256), and a DPoP key (ES256). */
const assertionKey = await generateKey("PS256")
const dpopKey = await generateKey("ES256")
const KEY_CLIENT = "dist-key-app"
const serveWithKeyClient = Effect.flatMap(
  TokenVaultEmulator.make({
    ...tenant,
    clients: [...tenant.clients, {
      clientId: KEY_CLIENT,
      authMethods: ["private_key_jwt"],
      clientAssertionKeys: [{ algorithm: "PS256", publicKey: assertionKey.publicJwk }]
    }],
    dpop: { requireNonce: true }
  }),
  (emulator) => EmulatorServer.serve(emulator)
)

/**
 * A program with private_key_jwt and DPoP: the signing code is a chunk of the ESM builds, loaded by
 * `import()` on first use, and inside the CommonJS builds.
 */
const signingProgram = (load: string) =>
  `${load}
;(async () => {
  const apiClient = new M.ApiClient({
    domain: process.env.DOMAIN,
    clientId: process.env.CLIENT_ID,
    clientAssertionSigningKey: process.env.ASSERTION_KEY,
    clientAssertionSigningAlg: "PS256",
    dpop: { privateKey: process.env.DPOP_KEY }
  })
  const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: "at-alice" })
  console.log(JSON.stringify({ accessToken: tokenSet.accessToken }))
  await apiClient.dispose()
})().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
`

const expectOutput = (output: Record<string, unknown>) => {
  expect(output.tokenSet).toMatchObject({ accessToken: "ya29.alice", scope: "openid", connection: "google-oauth2" })
  expect(output.keys).toEqual(["accessToken", "connection", "expiresAt", "loginHint", "scope"])
  expect(output.refused).toEqual({
    name: "TokenForConnectionError",
    code: "token_for_connection_error",
    instance: true,
    cause: { error: "federated_connection_refresh_token_not_found", error_description: expect.any(String) },
    statusCode: expect.any(Number)
  })
  expect(output.emptyDomain).toEqual({ code: "invalid_configuration_error", instance: true })
}

describe("the built package through its exports", () => {
  it("has been built (pnpm --filter @effect-auth0/token-vault-promise run build)", () => {
    for (const file of ["node.js", "node.cjs", "index.js", "index.cjs", "index.d.ts", "index.d.cts"]) {
      expect(existsSync(join(packageDir, "dist", file)), `dist/${file}`).toBe(true)
    }
  })

  it.live.each(
    Object.entries(nodes).flatMap(([name, node]) => [["module", name, node], ["commonjs", name, node]] as const)
  )(
    "node condition, %s on %s: exchanges over undici",
    ([format, _, node]) =>
      Effect.gen(function*() {
        const server = yield* serve
        const output = yield* runOnNode(format, { DOMAIN: server.url, CLIENT_ID, CLIENT_SECRET }, node)
        expectOutput(output)
        const tokenRequests = (yield* server.emulator.requests).filter((request) => request.path === "/oauth/token")
        expect(tokenRequests).toHaveLength(2)
        // undici's dispatcher sends no user agent; Node's fetch would send "node".
        expect(tokenRequests.map((request) => request.headers["user-agent"])).toEqual([undefined, undefined])
      })
  )

  it.live.each([["module"], ["commonjs"]] as const)(
    "node condition, %s: importing does not load undici; the first call does",
    ([format]) =>
      Effect.gen(function*() {
        const server = yield* serve
        const loaded = "Object.keys(require.cache).some((path) => path.includes(\"/undici/\"))"
        const program = format === "module"
          ? `import * as M from "@effect-auth0/token-vault-promise"
import { createRequire } from "node:module"
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("/undici/"))
const atImport = loaded()
const apiClient = new M.ApiClient({ domain: process.env.DOMAIN, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET })
const atConstruction = loaded()
await apiClient.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: "at-alice" })
console.log(JSON.stringify([atImport, atConstruction, loaded()]))
await apiClient.dispose()
`
          : `const M = require("@effect-auth0/token-vault-promise")
const loaded = () => ${loaded}
const atImport = loaded()
const apiClient = new M.ApiClient({ domain: process.env.DOMAIN, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET })
const atConstruction = loaded()
apiClient.getAccessTokenForConnection({ connection: "google-oauth2", accessToken: "at-alice" })
  .then(() => console.log(JSON.stringify([atImport, atConstruction, loaded()])))
  .finally(() => apiClient.dispose())
`
        const output = yield* run([`--input-type=${format}`, "--eval", program], {
          DOMAIN: server.url,
          CLIENT_ID,
          CLIENT_SECRET
        })
        expect(output).toEqual([false, false, true])
      })
  )

  it.live.each([["esm", "dist/index.js"], ["cjs", "dist/index.cjs"]] as const)(
    "default condition, %s: bundles %s and exchanges over fetch",
    ([format, file]) =>
      Effect.gen(function*() {
        const server = yield* serve
        const { bundled, output } = yield* runBundled(format, format, "neutral", {
          DOMAIN: server.url,
          CLIENT_ID,
          CLIENT_SECRET
        })
        expect(bundled[0]).toBe(file)
        // The chunks of the default build, not the Node build's (`node-…`).
        expect(bundled.slice(1).every((chunk) => /^dist\/chunks\/(?!node-)/.test(chunk))).toBe(true)
        expect(bundled.length > 1).toBe(format === "esm")
        expectOutput(output)
        const tokenRequests = (yield* server.emulator.requests).filter((request) => request.path === "/oauth/token")
        expect(tokenRequests.map((request) => request.headers["user-agent"])).toEqual(["node", "node"])
      })
  )

  it.live.each(
    Object.entries(nodes).flatMap(([name, node]) => [["module", name, node], ["commonjs", name, node]] as const)
  )(
    "node condition, %s on %s: private_key_jwt and DPoP (with a nonce round) through the signing code",
    ([format, _, node]) =>
      Effect.gen(function*() {
        const server = yield* serveWithKeyClient
        const load = format === "module"
          ? "import * as M from \"@effect-auth0/token-vault-promise\""
          : "const M = require(\"@effect-auth0/token-vault-promise\")"
        const output = yield* run([`--input-type=${format}`, "--eval", signingProgram(load)], {
          DOMAIN: server.url,
          CLIENT_ID: KEY_CLIENT,
          ASSERTION_KEY: assertionKey.pem,
          DPOP_KEY: dpopKey.pem
        }, node)
        expect(output).toEqual({ accessToken: "ya29.alice" })
        const tokenRequests = (yield* server.emulator.requests).filter((request) => request.path === "/oauth/token")
        // The first request is refused for want of a nonce, the second carries it.
        expect(tokenRequests).toHaveLength(2)
        expect(tokenRequests.every((request) => request.form.client_assertion !== undefined && request.headers.dpop))
          .toBe(true)
      })
  )

  // A Node application bundled into one CommonJS file (serverless functions often are): its
  // `import` resolves to the ESM Node build, whose `import.meta.url` is then empty.
  it.live("node condition, an ESM program bundled into CommonJS for Node: exchanges over undici", () =>
    Effect.gen(function*() {
      const server = yield* serve
      const { bundled, output } = yield* runBundled("esm", "cjs", "node", {
        DOMAIN: server.url,
        CLIENT_ID,
        CLIENT_SECRET
      })
      expect(bundled[0]).toBe("dist/node.js")
      expect(bundled.length).toBeGreaterThan(1)
      expect(bundled.slice(1).every((chunk) => chunk.startsWith("dist/chunks/node-"))).toBe(true)
      expectOutput(output)
      const tokenRequests = (yield* server.emulator.requests).filter((request) => request.path === "/oauth/token")
      expect(tokenRequests.map((request) => request.headers["user-agent"])).toEqual([undefined, undefined])
    }))
})
