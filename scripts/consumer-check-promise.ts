/**
 * The consumer check of the Promise facade: packs `@effect-auth0/token-vault-promise`
 * (`pnpm pack`) and, in fresh npm projects in the system's temporary folder:
 *
 * 1. with no Effect: `npm i <tarball>` leaves no `effect` (nor any `@effect/*`) in `npm ls --all`;
 *    an ESM and a CommonJS program (scripts/consumer/promise-program.ts) exchange against the
 *    emulator's loopback server (started in this process) and get `TokenForConnectionError`
 *    (`token_for_connection_error`) for a refused exchange, and `InvalidConfigurationError` for an
 *    empty domain; the workspace's `tsc` type-checks a program under `moduleResolution` nodenext
 *    (an ESM `.mts` and a CommonJS `.cts`), bundler and node10 (`module: commonjs`), each with
 *    `skipLibCheck: false` and `lib: ["es2022"]` (no DOM, no `@types/node`), and once more with the
 *    DOM lib, where `customFetch: fetch` fits;
 * 2. next to `effect@3` (`npm i effect@3 <tarball>`): the tree keeps its one `effect`, 3.x, the
 *    same ESM program runs, and the recipe for Effect 3 apps (docs/examples/effect3-recipe.ts)
 *    type-checks (NodeNext, `skipLibCheck: false`) and runs, for a user with GitHub linked and
 *    one without.
 *
 * Exits non-zero on any failure.
 *
 *   pnpm exec tsx scripts/consumer-check-promise.ts      (after pnpm build)
 */
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { Console, Effect } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Consumer from "./consumer/project.js"
import { promiseProgram } from "./consumer/promise-program.js"

const CLIENT_ID = "consumer-app"
const CLIENT_SECRET = "consumer-app-secret"

const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
  users: [
    {
      userId: "auth0|consumer",
      accessTokens: ["at-consumer"],
      connections: { github: [{ accessToken: "gho_consumer", scope: "repo", expiresIn: 600 }] }
    },
    { userId: "auth0|no-github", accessTokens: ["at-no-github"] }
  ]
}

const program = promiseProgram({ connection: "github", accessToken: "at-consumer" })

/** The program's files, ESM and CommonJS. */
const programs = { "program.mjs": program.module, "program.cjs": program.commonjs }

/**
 * A typed use of the package through a namespace import (effect3-recipe.ts, checked next to
 * Effect 3, imports by name); the `@ts-expect-error` lines fail if the types resolved to `any`.
 */
const typed = `import * as TokenVault from "@effect-auth0/token-vault-promise"

const options: TokenVault.ApiClientOptions = {
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
const apiClient = new TokenVault.ApiClient(options)

// @ts-expect-error domain is a string
new TokenVault.ApiClient({ domain: 1 })

export const exchange = async (): Promise<string> => {
  try {
    const tokenSet: TokenVault.ConnectionTokenSet = await apiClient.getAccessTokenForConnection({
      connection: "github",
      accessToken: "eyJ...",
      loginHint: undefined
    })
    // @ts-expect-error accessToken is a string, not a number
    const wrong: number = tokenSet.accessToken
    return tokenSet.accessToken + String(tokenSet.expiresAt) + String(wrong)
  } catch (error) {
    if (error instanceof TokenVault.TokenForConnectionError) {
      const code: "token_for_connection_error" = error.code
      return \`\${code} \${error.cause?.error ?? ""} \${error.cause?.error_description ?? ""} \${error.statusCode ?? ""}\`
    }
    if (error instanceof TokenVault.InvalidConfigurationError) return error.code
    if (error instanceof TokenVault.MissingClientAuthError) return error.code
    if (error instanceof TokenVault.MissingRequiredArgumentError) return error.code
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

const compilerOptions = { ...Consumer.strictCompilerOptions, types: [], noEmit: true }

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

/** Runs a program of {@link programs} in the project against the loopback emulator and checks what it printed. */
const checkProgram = (project: string, file: string, server: EmulatorServer.EmulatorServer) =>
  Effect.gen(function*() {
    const output = JSON.parse(
      yield* Consumer.runProgram(project, file, { DOMAIN: server.url, CLIENT_ID, CLIENT_SECRET })
    )
    yield* Consumer.check(
      output.tokenSet?.accessToken === "gho_consumer",
      `${file}: the exchange against the loopback emulator returns the token`
    )
    yield* Consumer.check(
      JSON.stringify(output.keys) === JSON.stringify(["accessToken", "connection", "expiresAt", "loginHint", "scope"]),
      `${file}: the result has the five keys of @auth0/auth0-api-js`,
      JSON.stringify(output.keys)
    )
    yield* Consumer.check(
      output.refused?.instance === true && output.refused.code === "token_for_connection_error" &&
        output.refused.cause?.error === "federated_connection_refresh_token_not_found",
      `${file}: a refused exchange rejects with TokenForConnectionError (token_for_connection_error) and Auth0's error`,
      JSON.stringify(output.refused)
    )
    yield* Consumer.check(
      output.emptyDomain?.instance === true && output.emptyDomain.code === "invalid_configuration_error",
      `${file}: an empty domain throws InvalidConfigurationError (invalid_configuration_error)`,
      JSON.stringify(output.emptyDomain)
    )
  })

/**
 * docs/examples/effect3-recipe.ts in a project with Effect 3: type-checked with `@types/node`
 * (NodeNext, `skipLibCheck: false`, so Effect 3's declarations too), then run as a program by
 * Node's type stripping against the loopback emulator, as `pnpm example effect3-recipe` runs it.
 */
const checkRecipe = (project: string, server: EmulatorServer.EmulatorServer) =>
  Effect.gen(function*() {
    yield* Consumer.npmInstall(project, ["-D", `@types/node@${Consumer.workspaceVersion("@types/node")}`])
    Fs.copyFileSync(
      Path.join(Consumer.root, "docs/examples/effect3-recipe.ts"),
      Path.join(project, "effect3-recipe.mts")
    )
    Consumer.writeJson(project, "tsconfig.json", {
      compilerOptions: { ...Consumer.nodeCompilerOptions, noEmit: true },
      files: ["effect3-recipe.mts"]
    })
    yield* Consumer.tsc(project, "tsconfig.json")
    yield* Console.log("ok: tsc type-checks docs/examples/effect3-recipe.ts against effect 3 (skipLibCheck false)")
    const users = [
      ["at-consumer", `Got a GitHub token (${"gho_consumer".length} characters).`],
      ["at-no-github", "No GitHub account connected."]
    ] as const
    for (const [subjectToken, expected] of users) {
      const printed = yield* Consumer.runProgram(project, "effect3-recipe.mts", {
        AUTH0_DOMAIN: server.url,
        AUTH0_CLIENT_ID: CLIENT_ID,
        AUTH0_CLIENT_SECRET: CLIENT_SECRET,
        AUTH0_SUBJECT_TOKEN: subjectToken
      })
      yield* Consumer.check(printed === expected, `effect3-recipe.ts runs on effect 3: ${expected}`, printed)
    }
  })

Consumer.runCheck(Effect.gen(function*() {
  yield* Consumer.checkBuilt("token-vault-promise", [
    "node.js",
    "node.cjs",
    "index.js",
    "index.cjs",
    "index.d.ts",
    "index.d.cts"
  ])
  const tarball = yield* Consumer.pack("token-vault-promise", yield* Consumer.makeProject("pack"))

  const server = yield* EmulatorServer.serve(yield* TokenVaultEmulator.make(tenant))
  yield* Console.log(`the emulator listens on ${server.url}`)

  // 1. A project with no Effect.
  const plain = yield* Consumer.makeProject("plain")
  yield* Consumer.npmInstall(plain, [tarball])
  const plainTree = yield* Consumer.npmTree(plain)
  const effects = plainTree.filter((node) => node.name === "effect" || node.name.startsWith("@effect/"))
  yield* Consumer.check(
    effects.length === 0,
    "`npm i <tarball>`: no effect (nor @effect/*) in `npm ls --all`",
    Consumer.describeNodes(effects)
  )
  yield* Consumer.check(
    plainTree.every((node) => ["@effect-auth0/token-vault-promise", "undici"].includes(node.name)),
    "... the tree is the package and undici",
    Consumer.describeNodes(plainTree)
  )
  for (const [file, text] of Object.entries(programs)) Fs.writeFileSync(Path.join(plain, file), text)
  for (const file of Object.keys(programs)) yield* checkProgram(plain, file, server)

  for (const file of ["typed.mts", "typed.cts", "typed.ts"]) Fs.writeFileSync(Path.join(plain, file), typed)
  Fs.writeFileSync(Path.join(plain, "typed-dom.ts"), typedDom)
  for (const [name, { files, options }] of Object.entries(typeChecks)) {
    const config = `tsconfig.${Object.keys(typeChecks).indexOf(name)}.json`
    Consumer.writeJson(plain, config, { compilerOptions: { ...compilerOptions, ...options }, files })
    yield* Consumer.tsc(plain, config)
    yield* Console.log(`ok: tsc ${name}: skipLibCheck false, ${JSON.stringify({ ...compilerOptions, ...options }.lib)}`)
  }

  // 2. Next to Effect 3.
  const withEffect3 = yield* Consumer.makeProject("effect3")
  yield* Consumer.npmInstall(withEffect3, ["effect@3", tarball])
  const effect3Tree = yield* Consumer.npmTree(withEffect3)
  const versions = [...new Set(effect3Tree.filter((node) => node.name === "effect").map((node) => node.version))]
  yield* Consumer.check(
    versions.length === 1 && versions[0]!.startsWith("3."),
    `\`npm i effect@3 <tarball>\`: the tree keeps one effect, 3.x (${versions.join(", ")})`
  )
  Fs.writeFileSync(Path.join(withEffect3, "program.mjs"), programs["program.mjs"])
  yield* checkProgram(withEffect3, "program.mjs", server)
  yield* checkRecipe(withEffect3, server)
}))
