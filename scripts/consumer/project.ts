/**
 * What the consumer checks (scripts/consumer-check.ts, scripts/consumer-check-promise.ts) share:
 * `ok:` lines and the check's failure, commands in child processes, `pnpm pack` of a workspace
 * package, fresh npm projects in the system's temporary folder, `npm i` and `npm ls`, `tsc` runs
 * and programs run in a project, and the `main` that runs a check.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Data, Effect, type Scope } from "effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/** The workspace's root folder. */
export const root = fileURLToPath(new URL("../..", import.meta.url))

/** A consumer check failed: what failed, with the output that shows why. */
export class CheckError extends Data.TaggedError("CheckError")<{ readonly message: string }> {}

/** Our environment less what pnpm sets for its own scripts (npm warns about `verify-deps-before-run`). */
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== "npm_config_verify_deps_before_run")
)

/** Runs a command; fails with its output unless it exits 0. Resolves with stdout and stderr. */
export const sh = (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) =>
  Effect.callback<{ readonly stdout: string; readonly stderr: string }, CheckError>((resume) => {
    const child = execFile(
      command,
      [...args],
      { cwd, env: { ...baseEnv, ...env }, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
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

/** Prints `ok: <what>`, or fails with `what` and the detail. */
export const check = (condition: boolean, what: string, detail = "") =>
  condition
    ? Console.log(`ok: ${what}`)
    : Effect.fail(new CheckError({ message: `consumer check failed: ${what}${detail === "" ? "" : `\n${detail}`}` }))

/** Checks that `pnpm build` made these files in packages/<folder>/dist. */
export const checkBuilt = (folder: string, files: ReadonlyArray<string>) =>
  Effect.forEach(
    files,
    (file) =>
      check(
        Fs.existsSync(Path.join(root, "packages", folder, "dist", file)),
        `packages/${folder}/dist/${file} is built (run pnpm build first)`
      ),
    { discard: true }
  )

/** Writes a value as a JSON file of the project. */
export const writeJson = (project: string, file: string, value: unknown) =>
  Fs.writeFileSync(Path.join(project, file), JSON.stringify(value, null, 2))

/** A fresh npm project (a `package.json` with `fields`) in the temporary folder, removed with the scope. */
export const makeProject = (name: string, fields: Record<string, unknown> = {}) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const project = Fs.mkdtempSync(Path.join(tmpdir(), `token-vault-consumer-${name}-`))
      writeJson(project, "package.json", { name: "consumer", private: true, ...fields })
      return project
    }),
    (project) => Effect.sync(() => Fs.rmSync(project, { recursive: true, force: true }))
  )

/** `pnpm pack` of packages/<folder> into the destination folder; the tarball's path. */
export const pack = (folder: string, destination: string) =>
  Effect.gen(function*() {
    const before = new Set(Fs.readdirSync(destination))
    yield* sh("pnpm", ["pack", "--pack-destination", destination], Path.join(root, "packages", folder))
    const tarball = Fs.readdirSync(destination).find((file) => !before.has(file) && file.endsWith(".tgz"))
    yield* check(tarball !== undefined, `packed packages/${folder} as ${tarball}`)
    return Path.join(destination, tarball!)
  })

/** `npm i <args>` in the project; the `npm warn` lines of its output. */
export const npmInstall = (project: string, args: ReadonlyArray<string>) =>
  Effect.map(
    sh("npm", ["i", "--no-audit", "--no-fund", ...args], project),
    ({ stderr, stdout }) => `${stdout}\n${stderr}`.split("\n").filter((line) => /^npm (warn|WARN)/.test(line))
  )

interface NpmTree {
  readonly version?: string
  readonly dependencies?: Record<string, NpmTree>
}

/** Every `name@version` in an `npm ls --all --json` tree. */
const flatten = (tree: NpmTree): Array<{ readonly name: string; readonly version: string }> =>
  Object.entries(tree.dependencies ?? {}).flatMap((
    [name, node]
  ) => [{ name, version: node.version ?? "?" }, ...flatten(node)])

/** Every `name@version` installed in the project (`npm ls --all --json`, which fails on a broken tree). */
export const npmTree = (project: string) =>
  Effect.map(sh("npm", ["ls", "--all", "--json"], project), ({ stdout }) => flatten(JSON.parse(stdout) as NpmTree))

/** `name@version, ...` of tree nodes, for a check's detail. */
export const describeNodes = (nodes: ReadonlyArray<{ readonly name: string; readonly version: string }>) =>
  nodes.map((node) => `${node.name}@${node.version}`).join(", ")

/** The version the workspace's root package.json pins for a devDependency. */
export const workspaceVersion = (name: string): string => {
  const manifest = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>
  }
  return manifest.devDependencies[name]!
}

/** The compiler options every consumer type check starts from: strict, and the packages' own types checked too. */
export const strictCompilerOptions = {
  target: "ES2022",
  lib: ["ES2022"],
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false
}

/** The compiler options of a type check of Node programs: {@link strictCompilerOptions}, NodeNext, `@types/node`. */
export const nodeCompilerOptions = {
  ...strictCompilerOptions,
  module: "NodeNext",
  moduleResolution: "NodeNext",
  types: ["node"]
}

/** Runs a `tsc` (the workspace's unless told) on a tsconfig of the project. */
export const tsc = (project: string, config: string, compiler = Path.join(root, "node_modules/typescript/bin/tsc")) =>
  sh(process.execPath, [compiler, "-p", config], project)

/** Runs `node <file>` in the project with these environment variables; the last line it printed. */
export const runProgram = (project: string, file: string, env: Record<string, string> = {}) =>
  Effect.map(sh(process.execPath, [file], project, env), ({ stdout }) => stdout.trim().split("\n").at(-1) ?? "")

/** Runs a check as the main program: its `ok:` lines, or its failure on stderr and a non-zero exit. */
export const runCheck = <E extends { readonly message: string }>(program: Effect.Effect<void, E, Scope.Scope>) =>
  NodeRuntime.runMain(
    program.pipe(
      Effect.scoped,
      Effect.tapError((error) => Console.error(error.message))
    ),
    { disableErrorReporting: true }
  )
