/**
 * The consumer check of the Promise facade: packs `@effect-auth0/token-vault-promise`
 * (`pnpm pack`) and, in fresh npm projects in the system's temporary folder:
 *
 * 1. with no Effect: `npm i <tarball>` leaves no `effect` (nor any `@effect/*`) in `npm ls --all`;
 *    an ESM and a CommonJS program exchange against the emulator's loopback server (started in
 *    this process) and get `TokenForConnectionError` (`token_for_connection_error`) for a refused
 *    exchange, and `InvalidConfigurationError` for an empty domain; the workspace's `tsc`
 *    type-checks a program under `moduleResolution` nodenext (an ESM `.mts` and a CommonJS `.cts`),
 *    bundler and node10 (`module: commonjs`), each with `skipLibCheck: false` and `lib: ["es2022"]`
 *    (no DOM, no `@types/node`), and once more with the DOM lib, where `customFetch: fetch` fits;
 * 2. next to `effect@3` (`npm i effect@3 <tarball>`): the tree keeps its one `effect`, 3.x, and
 *    the same ESM program runs.
 *
 * Exits non-zero on any failure.
 *
 *   pnpm exec tsx scripts/consumer-check-promise.ts      (after pnpm build)
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Data, Effect } from "effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const packageDir = Path.join(root, "packages/token-vault-promise")
const tsc = Path.join(root, "node_modules/typescript/bin/tsc")

class CheckError extends Data.TaggedError("CheckError")<{ readonly message: string }> {}

/** Runs a command; fails with its output unless it exits 0. */
const sh = (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) =>
  Effect.callback<{ readonly stdout: string; readonly stderr: string }, CheckError>((resume) => {
    const child = execFile(
      command,
      [...args],
      { cwd, env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resume(
          error === null
            ? Effect.succeed({ stdout, stderr })
            : Effect.fail(
              new CheckError({ message: `${command} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}` })
            )
        )
    )
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const check = (condition: boolean, what: string, detail = "") =>
  condition
    ? Console.log(`ok: ${what}`)
    : Effect.fail(new CheckError({ message: `consumer check failed: ${what}${detail === "" ? "" : `\n${detail}`}` }))

interface NpmTree {
  readonly version?: string
  readonly dependencies?: Record<string, NpmTree>
}

/** Every `name@version` in an `npm ls --all --json` tree. */
const flatten = (tree: NpmTree): Array<{ readonly name: string; readonly version: string }> =>
  Object.entries(tree.dependencies ?? {}).flatMap((
    [name, node]
  ) => [{ name, version: node.version ?? "?" }, ...flatten(node)])

const CLIENT_ID = "consumer-app"
const CLIENT_SECRET = "consumer-app-secret"

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
  users: [{
    userId: "auth0|consumer",
    accessTokens: ["at-consumer"],
    connections: { github: [{ accessToken: "gho_consumer", scope: "repo", expiresIn: 600 }] }
  }]
}

/** The body of the programs, given the package's exports as `M`; prints one JSON line. */
const body = `
  const { ApiClient, InvalidConfigurationError, TokenForConnectionError } = M
  const apiClient = new ApiClient({
    domain: process.env.AUTH0_DOMAIN,
    clientId: process.env.AUTH0_CLIENT_ID,
    clientSecret: process.env.AUTH0_CLIENT_SECRET
  })
  const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "github", accessToken: "at-consumer" })
  let refused
  try {
    await apiClient.getAccessTokenForConnection({ connection: "slack", accessToken: "at-consumer" })
  } catch (error) {
    refused = { tokenForConnection: error instanceof TokenForConnectionError, code: error.code, cause: error.cause?.error }
  }
  let emptyDomain
  try {
    new ApiClient({ domain: "" })
  } catch (error) {
    emptyDomain = { invalidConfiguration: error instanceof InvalidConfigurationError, code: error.code }
  }
  await apiClient.dispose()
  console.log(JSON.stringify({ accessToken: tokenSet.accessToken, keys: Object.keys(tokenSet).sort(), refused, emptyDomain }))
`

const programs = {
  "program.mjs": `import * as M from "@effect-auth0/token-vault-promise"\n${body}`,
  "program.cjs":
    `const M = require("@effect-auth0/token-vault-promise")\n;(async () => {${body}})().catch((error) => {\n  console.error(error)\n  process.exitCode = 1\n})\n`
}

/** A typed use of the package; the `@ts-expect-error` lines fail if the types resolved to `any`. */
const typed = `import {
  ApiClient,
  type ApiClientOptions,
  type ConnectionTokenSet,
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  TokenForConnectionError
} from "@effect-auth0/token-vault-promise"

const options: ApiClientOptions = {
  domain: "tenant.example.com",
  audience: "https://api.example.com",
  clientId: "client",
  clientSecret: "secret",
  connections: 8,
  keepAliveTimeout: "10 seconds",
  tls: { cert: "-----BEGIN CERTIFICATE-----", key: new Uint8Array(0) },
  proxy: "http://127.0.0.1:3128",
  cache: { maxEntries: 100, skew: 30_000 },
  retry: false,
  timeout: { total: "5 seconds" }
}
const apiClient = new ApiClient(options)

// @ts-expect-error domain is a string
new ApiClient({ domain: 1 })

export const exchange = async (): Promise<string> => {
  try {
    const tokenSet: ConnectionTokenSet = await apiClient.getAccessTokenForConnection({
      connection: "github",
      accessToken: "eyJ...",
      loginHint: undefined
    })
    // @ts-expect-error accessToken is a string, not a number
    const wrong: number = tokenSet.accessToken
    return tokenSet.accessToken + String(tokenSet.expiresAt) + String(wrong)
  } catch (error) {
    if (error instanceof TokenForConnectionError) {
      const code: "token_for_connection_error" = error.code
      return \`\${code} \${error.cause?.error ?? ""} \${error.cause?.error_description ?? ""} \${error.statusCode ?? ""}\`
    }
    if (error instanceof InvalidConfigurationError) return error.code
    if (error instanceof MissingClientAuthError) return error.code
    if (error instanceof MissingRequiredArgumentError) return error.code
    throw error
  } finally {
    await apiClient.dispose()
  }
}
`

/** With the DOM lib, `customFetch` takes `fetch` itself and a `CryptoKey` is a signing key. */
const typedDom = `import { ApiClient } from "@effect-auth0/token-vault-promise"

declare const key: CryptoKey
export const apiClient = new ApiClient({
  domain: "tenant.example.com",
  clientId: "client",
  clientAssertionSigningKey: key,
  customFetch: (input, init) => fetch(input, init)
})
export const plain = new ApiClient({ domain: "tenant.example.com", customFetch: fetch })
`

const compilerOptions = {
  target: "ES2022",
  lib: ["ES2022"],
  types: [],
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true
}

/** tsconfig name → module settings and files, each type-checked by the workspace's tsc. */
const typeChecks: Record<string, { readonly options: Record<string, unknown>; readonly files: ReadonlyArray<string> }> =
  {
    "nodenext (ESM .mts and CommonJS .cts)": {
      options: { module: "NodeNext", moduleResolution: "NodeNext" },
      files: ["typed.mts", "typed.cts"]
    },
    bundler: { options: { module: "ESNext", moduleResolution: "Bundler" }, files: ["typed.ts"] },
    "node10 (module commonjs)": {
      options: { module: "CommonJS", moduleResolution: "Node10", esModuleInterop: true },
      files: ["typed.ts"]
    },
    "bundler with the DOM lib (customFetch: fetch, CryptoKey)": {
      options: { module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"] },
      files: ["typed-dom.ts"]
    }
  }

const makeProject = (name: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const directory = Fs.mkdtempSync(Path.join(tmpdir(), `token-vault-promise-${name}-`))
      Fs.writeFileSync(
        Path.join(directory, "package.json"),
        JSON.stringify({ name: "consumer", private: true }, null, 2)
      )
      return directory
    }),
    (directory) => Effect.sync(() => Fs.rmSync(directory, { recursive: true, force: true }))
  )

const npmInstall = (project: string, packages: ReadonlyArray<string>) =>
  sh("npm", ["i", "--no-audit", "--no-fund", ...packages], project)

const npmTree = (project: string) =>
  Effect.map(sh("npm", ["ls", "--all", "--json"], project), ({ stdout }) => flatten(JSON.parse(stdout) as NpmTree))

const runProgram = (project: string, file: string, server: EmulatorServer.EmulatorServer) =>
  Effect.gen(function*() {
    const { stdout } = yield* sh(process.execPath, [file], project, {
      AUTH0_DOMAIN: server.url,
      AUTH0_CLIENT_ID: CLIENT_ID,
      AUTH0_CLIENT_SECRET: CLIENT_SECRET
    })
    const output = JSON.parse(stdout.trim().split("\n").at(-1)!)
    yield* check(
      output.accessToken === "gho_consumer",
      `${file}: the exchange against the loopback emulator returns the token`
    )
    yield* check(
      JSON.stringify(output.keys) === JSON.stringify(["accessToken", "connection", "expiresAt", "loginHint", "scope"]),
      `${file}: the result has the five keys of @auth0/auth0-api-js`,
      JSON.stringify(output.keys)
    )
    yield* check(
      output.refused?.tokenForConnection === true && output.refused.code === "token_for_connection_error" &&
        output.refused.cause === "federated_connection_refresh_token_not_found",
      `${file}: a refused exchange rejects with TokenForConnectionError (token_for_connection_error) and Auth0's error`,
      JSON.stringify(output.refused)
    )
    yield* check(
      output.emptyDomain?.invalidConfiguration === true && output.emptyDomain.code === "invalid_configuration_error",
      `${file}: an empty domain throws InvalidConfigurationError (invalid_configuration_error)`,
      JSON.stringify(output.emptyDomain)
    )
  })

const program = Effect.gen(function*() {
  for (const file of ["node.js", "node.cjs", "index.js", "index.cjs", "index.d.ts", "index.d.cts"]) {
    yield* check(Fs.existsSync(Path.join(packageDir, "dist", file)), `dist/${file} is built (run pnpm build first)`)
  }
  const packDir = yield* makeProject("pack")
  yield* sh("pnpm", ["pack", "--pack-destination", packDir], packageDir)
  const tarballName = Fs.readdirSync(packDir).find((file) => file.endsWith(".tgz"))
  yield* check(tarballName !== undefined, `packed @effect-auth0/token-vault-promise as ${tarballName}`)
  const tarball = Path.join(packDir, tarballName!)

  const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
  yield* Console.log(`the emulator listens on ${server.url}`)

  // 1. A project with no Effect.
  const plain = yield* makeProject("plain")
  yield* npmInstall(plain, [tarball])
  const plainTree = yield* npmTree(plain)
  const effects = plainTree.filter((node) => node.name === "effect" || node.name.startsWith("@effect/"))
  yield* check(
    effects.length === 0,
    "`npm i <tarball>`: no effect (nor @effect/*) in `npm ls --all`",
    effects.map((node) => `${node.name}@${node.version}`).join(", ")
  )
  yield* check(
    plainTree.every((node) => ["@effect-auth0/token-vault-promise", "undici"].includes(node.name)),
    "... the tree is the package and undici",
    plainTree.map((node) => `${node.name}@${node.version}`).join(", ")
  )
  for (const [file, text] of Object.entries(programs)) Fs.writeFileSync(Path.join(plain, file), text)
  for (const file of Object.keys(programs)) yield* runProgram(plain, file, server)

  for (const file of ["typed.mts", "typed.cts", "typed.ts"]) Fs.writeFileSync(Path.join(plain, file), typed)
  Fs.writeFileSync(Path.join(plain, "typed-dom.ts"), typedDom)
  for (const [name, { files, options }] of Object.entries(typeChecks)) {
    const config = `tsconfig.${Object.keys(typeChecks).indexOf(name)}.json`
    Fs.writeFileSync(
      Path.join(plain, config),
      JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files }, null, 2)
    )
    yield* sh(process.execPath, [tsc, "-p", config], plain)
    yield* Console.log(`ok: tsc ${name}: skipLibCheck false, ${JSON.stringify({ ...compilerOptions, ...options }.lib)}`)
  }

  // 2. Next to Effect 3.
  const withEffect3 = yield* makeProject("effect3")
  yield* npmInstall(withEffect3, ["effect@3", tarball])
  const effect3Tree = yield* npmTree(withEffect3)
  const versions = [...new Set(effect3Tree.filter((node) => node.name === "effect").map((node) => node.version))]
  yield* check(
    versions.length === 1 && versions[0]!.startsWith("3."),
    `\`npm i effect@3 <tarball>\`: the tree keeps one effect, 3.x (${versions.join(", ")})`
  )
  Fs.writeFileSync(Path.join(withEffect3, "program.mjs"), programs["program.mjs"])
  yield* runProgram(withEffect3, "program.mjs", server)
}).pipe(
  Effect.scoped,
  Effect.tapError((error) => Console.error(error.message))
)

NodeRuntime.runMain(program)
