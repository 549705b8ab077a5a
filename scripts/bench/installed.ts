/**
 * The built packages as an application that installed them resolves them: `.tmp/installed/` holds
 * a `node_modules/` whose entries link to `packages/*` (and to the `effect` and
 * `@auth0/auth0-auth-js` the workspace has), so that `node` and esbuild, started there, go through
 * each package's `exports` map with the conditions of their runtime (`node` + `import` for Node,
 * `browser` for a browser bundle): the files a user's app loads, not the workspace's sources.
 * `ensureBuilt` builds the packages when a build is missing.
 */
import type * as Facade from "@effect-auth0/token-vault-promise"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import { repoRoot } from "./child.js"

/** `.tmp/installed`: run `node` or esbuild here to resolve the packages as a dependent does. */
export const installedDir = Path.join(repoRoot, ".tmp", "installed")

/** Folder under packages/ of each workspace package. */
export const workspacePackages: Record<string, string> = {
  "@effect-auth0/token-vault": "token-vault",
  "@effect-auth0/token-vault-node": "token-vault-node",
  "@effect-auth0/token-vault-browser": "token-vault-browser",
  "@effect-auth0/token-vault-testing": "token-vault-testing",
  "@effect-auth0/token-vault-promise": "token-vault-promise"
}

/** Links `name` in `.tmp/installed/node_modules` to `target` (replacing a stale link). */
const link = (name: string, target: string) => {
  const at = Path.join(installedDir, "node_modules", name)
  Fs.mkdirSync(Path.dirname(at), { recursive: true })
  try {
    if (Fs.readlinkSync(at) === target) return
    Fs.rmSync(at, { force: true })
  } catch {
    // not there yet
  }
  try {
    Fs.symlinkSync(target, at, "dir")
  } catch (error) {
    // Another process of the benchmark made it at the same moment.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
  }
}

/** Makes `.tmp/installed/` (idempotent); returns its path. */
export const prepareInstalled = (): string => {
  for (const [name, folder] of Object.entries(workspacePackages)) link(name, Path.join(repoRoot, "packages", folder))
  // The same `effect` the packages resolve (pnpm links them all to one copy), so that modules an
  // app imported before the library are the library's too.
  link("effect", Fs.realpathSync(Path.join(repoRoot, "packages/token-vault/node_modules/effect")))
  link("@auth0/auth0-auth-js", Fs.realpathSync(Path.join(repoRoot, "node_modules/@auth0/auth0-auth-js")))
  const shim = Path.join(installedDir, "facade.mjs")
  if (!Fs.existsSync(shim)) Fs.writeFileSync(shim, "export * from \"@effect-auth0/token-vault-promise\"\n")
  return installedDir
}

/**
 * The Promise facade package as Node loads it for an app that installed it: its `exports` map with
 * Node's conditions (its undici build), from `packages/token-vault-promise/dist`.
 */
export const loadFacade = async (): Promise<typeof Facade> => {
  prepareInstalled()
  return (await import(pathToFileURL(Path.join(installedDir, "facade.mjs")).href)) as typeof Facade
}

/** A file of each package's build. */
const builtFiles = [
  "token-vault/dist/index.js",
  "token-vault-node/dist/index.js",
  "token-vault-browser/dist/index.js",
  "token-vault-promise/dist"
]

/**
 * Makes sure the packages are built: builds them when a `dist` is missing. Returns notes for the
 * report: which packages have sources newer than their build (the figures are then those of the
 * last build).
 */
export const ensureBuilt = async (log: (line: string) => void): Promise<ReadonlyArray<string>> => {
  const missing = builtFiles.filter((file) => !Fs.existsSync(Path.join(repoRoot, "packages", file)))
  if (missing.length > 0) {
    log(
      `the measures need the built packages, and ${missing.join(", ")} is missing: building them with ` +
        "`pnpm build` (`pnpm bench` builds them first)"
    )
    const code = await new Promise<number>((resolve) => {
      const child = spawn("pnpm", ["run", "build"], { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] })
      const timer = setTimeout(() => child.kill("SIGKILL"), 300_000)
      child.once("error", () => resolve(1))
      child.once("exit", (exitCode) => {
        clearTimeout(timer)
        resolve(exitCode ?? 1)
      })
    })
    if (code !== 0) throw new Error(`the build failed (exit ${code})`)
    return []
  }
  return ["token-vault", "token-vault-node", "token-vault-browser", "token-vault-promise"].flatMap((name) => {
    const dir = Path.join(repoRoot, "packages", name)
    const newest = (folder: string) =>
      Math.max(
        ...Fs.readdirSync(Path.join(dir, folder), { recursive: true, encoding: "utf8" })
          .map((file) => Fs.statSync(Path.join(dir, folder, file)).mtimeMs)
      )
    return newest("src") > newest("dist")
      ? [`note: packages/${name}/src is newer than its dist/: these figures are of its last build`]
      : []
  })
}
