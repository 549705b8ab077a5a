/**
 * The consumer check of the Effect packages: packs the core, the Node and browser adapters and the
 * testing package (`pnpm pack`), and in a fresh npm project in the system's temporary folder:
 *
 * 1. `npm i effect@latest <the four tarballs>` installs with no ERESOLVE and no peer warning, and
 *    leaves a tree with one `effect` 4.x and nothing of Effect 3 (`@effect/platform`,
 *    `@effect/platform-browser`, `@effect/schema`, `fast-check`); `npm ls --all` is clean;
 * 2. `tsc` with `skipLibCheck: false` (strict, NodeNext, no DOM lib) type-checks two programs
 *    (scripts/consumer/*.mts) against the installed packages;
 * 3. the programs run: `TokenVault.layer` over `EmulatorHttpClient.layerTenant`, and
 *    `NodeTokenVault.layer` and `BrowserTokenVault.layer` against `EmulatorServer`, each getting
 *    the token and catching a `TokenExchangeError` by its tag, printing no token.
 *
 * Exits non-zero on any failure. The Promise facade has its own check
 * (scripts/consumer-check-promise.ts).
 *
 *   pnpm consumer-check      (after pnpm build)
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Data, Effect } from "effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Folder under packages/ of each package the check installs. */
const packages = ["token-vault", "token-vault-node", "token-vault-browser", "token-vault-testing"]

/** Nothing of these may be in the installed tree. */
const effect3 = ["@effect/platform", "@effect/platform-browser", "@effect/schema", "fast-check"]

class CheckError extends Data.TaggedError("CheckError")<{ readonly message: string }> {}

/** Our environment less what pnpm sets for its own scripts (npm warns about `verify-deps-before-run`). */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== "npm_config_verify_deps_before_run")
)

/** Runs a command; fails with its output unless it exits 0. Resolves with stdout and stderr. */
const sh = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  Effect.callback<{ readonly stdout: string; readonly stderr: string }, CheckError>((resume) => {
    const child = execFile(
      command,
      [...args],
      { cwd, env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
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

/** The `npm warn` lines of an npm run. */
const warnings = (output: string) => output.split("\n").filter((line) => /^npm (warn|WARN)/.test(line))

interface NpmTree {
  readonly version?: string
  readonly dependencies?: Record<string, NpmTree>
}

/** Every `name@version` in an `npm ls --all --json` tree. */
const flatten = (tree: NpmTree): Array<{ readonly name: string; readonly version: string }> =>
  Object.entries(tree.dependencies ?? {}).flatMap((
    [name, node]
  ) => [{ name, version: node.version ?? "?" }, ...flatten(node)])

const workspaceVersion = (name: string): string => {
  const manifest = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>
  }
  return manifest.devDependencies[name]!
}

const program = Effect.gen(function*() {
  for (const folder of packages) {
    yield* check(
      Fs.existsSync(Path.join(root, "packages", folder, "dist/index.js")),
      `packages/${folder} is built (run pnpm build first)`
    )
  }
  const project = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(tmpdir(), "token-vault-consumer-"))),
    (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
  )
  const tarballs: Array<string> = []
  for (const folder of packages) {
    const before = new Set(Fs.readdirSync(project))
    yield* sh("pnpm", ["pack", "--pack-destination", project], Path.join(root, "packages", folder))
    const tarball = Fs.readdirSync(project).find((file) => !before.has(file) && file.endsWith(".tgz"))
    yield* check(tarball !== undefined, `packed packages/${folder} as ${tarball}`)
    tarballs.push(`./${tarball}`)
  }

  Fs.writeFileSync(
    Path.join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)
  )
  const install = yield* sh("npm", ["i", "--no-audit", "--no-fund", "effect@latest", ...tarballs], project)
  const installWarnings = warnings(`${install.stdout}\n${install.stderr}`)
  for (const line of installWarnings) yield* Console.log(`  ${line}`)
  yield* check(
    !installWarnings.some((line) => /ERESOLVE|peer/i.test(line)),
    "`npm i effect@latest` + the tarballs: no ERESOLVE, no peer warning",
    installWarnings.join("\n")
  )
  yield* sh("npm", ["ls", "--all"], project)
  yield* Console.log("ok: `npm ls --all` is clean")
  const tree = flatten(JSON.parse((yield* sh("npm", ["ls", "--all", "--json"], project)).stdout) as NpmTree)
  const effects = [...new Set(tree.filter((node) => node.name === "effect").map((node) => node.version))]
  yield* check(
    effects.length === 1 && effects[0]!.startsWith("4."),
    `one effect in the tree, 4.x (${effects.join(", ")})`
  )
  const stale = tree.filter((node) => effect3.includes(node.name))
  yield* check(
    stale.length === 0,
    "nothing of Effect 3 in the tree",
    stale.map((node) => `${node.name}@${node.version}`).join(", ")
  )

  yield* sh(
    "npm",
    [
      "i",
      "--no-audit",
      "--no-fund",
      "-D",
      `typescript@${workspaceVersion("typescript")}`,
      `@types/node@${workspaceVersion("@types/node")}`
    ],
    project
  )
  Fs.writeFileSync(
    Path.join(project, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          types: ["node"],
          outDir: "out"
        },
        include: ["*.mts"]
      },
      null,
      2
    )
  )
  for (const file of Fs.readdirSync(Path.join(root, "scripts/consumer"))) {
    Fs.copyFileSync(Path.join(root, "scripts/consumer", file), Path.join(project, file))
  }
  yield* sh(process.execPath, [Path.join(project, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project)
  yield* Console.log(
    "ok: tsc (skipLibCheck: false, no DOM lib) type-checks the programs against the installed packages"
  )

  const refused = "TokenExchangeError 401 federated_connection_refresh_token_not_found"
  const tenant = JSON.parse((yield* sh(process.execPath, ["out/layer-tenant.mjs"], project)).stdout)
  yield* check(tenant.matches === true, "TokenVault.layer over EmulatorHttpClient.layerTenant returns the token")
  yield* check(tenant.refused === refused, "... and a TokenExchangeError is caught by its tag", tenant.refused)
  yield* check(
    !tenant.printed.includes("gho_consumer"),
    "... and the token set prints and serializes redacted",
    tenant.printed
  )
  yield* check(tenant.requests === 2, "... and the in-memory emulator got the two requests")

  const server = JSON.parse((yield* sh(process.execPath, ["out/node-server.mjs"], project)).stdout)
  for (const layer of ["node", "browser"] as const) {
    const name = layer === "node" ? "NodeTokenVault.layer" : "BrowserTokenVault.layer"
    yield* check(server[layer].matches === true, `${name} against EmulatorServer returns the token`)
    yield* check(
      server[layer].refused === refused,
      "... and a TokenExchangeError is caught by its tag",
      server[layer].refused
    )
    yield* check(
      !server[layer].printed.includes("gho_consumer"),
      "... and the token set prints redacted",
      server[layer].printed
    )
  }
  yield* check(server.requests === 4, "the loopback emulator got the four requests")
}).pipe(
  Effect.scoped,
  Effect.tapError((error) => Console.error(error.message))
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
