/**
 * Finds the Chromium that the browser tests drive, installing Debian's where it can, and prints its
 * path on stdout (and nothing else there):
 *
 *   CHROMIUM_PATH="$(tsx scripts/ensure-chromium.ts)" && export CHROMIUM_PATH && vitest run
 *
 * The lookup: `CHROMIUM_PATH` when set (and then only it: a variable that names no executable
 * file is an error, not a hint), else the usual install locations, else the usual command names
 * on `PATH` (as `command -v` would). With none found, as root on Debian or Ubuntu, it runs
 * `apt-get update && apt-get install -y chromium` (noninteractive, its output kept unless it fails)
 * and looks again. Otherwise it exits 1 with one line on stderr saying what to install or which
 * variable to set. Never a browser download of a test tool's own (`playwright install`).
 *
 * The browser tests import {@link findChromium} from here: one lookup, one message.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/** Where Chromium or Chrome is installed by the usual packages (Debian, Ubuntu, Fedora, Google's, macOS). */
export const usualLocations: ReadonlyArray<string> = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/usr/lib/chromium/chromium",
  "/opt/google/chrome/chrome",
  "/snap/bin/chromium",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
]

/** The command names looked up on `PATH`. */
export const commandNames: ReadonlyArray<string> = [
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
  "chrome"
]

/** What the lookup reads: the environment (`CHROMIUM_PATH`, `PATH`) and the locations to try. */
export interface Lookup {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly locations: ReadonlyArray<string>
}

/** This process's environment and the usual install locations. */
const processLookup: Lookup = { env: process.env, locations: usualLocations }

/** A Chromium binary's path, or the one line that says why there is none. */
export type Found = { readonly path: string } | { readonly problem: string }

/** The line printed when no Chromium is found and none can be installed here. */
export const notFoundLine = "No Chromium found for the browser tests: install Chromium or Chrome " +
  "(Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to its binary."

/** `names` in each directory of `env.PATH`, in order, as `command -v` tries them. */
const onPath = (env: Lookup["env"], names: ReadonlyArray<string>): ReadonlyArray<string> =>
  (env["PATH"] ?? "").split(Path.delimiter)
    .filter((dir) => dir !== "")
    .flatMap((dir) => names.map((name) => Path.join(dir, name)))

const isExecutableFile = (path: string): boolean => {
  try {
    Fs.accessSync(path, Fs.constants.X_OK)
    return Fs.statSync(path).isFile()
  } catch {
    return false
  }
}

/** Looks for Chromium in `CHROMIUM_PATH`, then `lookup.locations`, then on `PATH`; installs nothing. */
export const findChromium = (lookup: Lookup = processLookup): Found => {
  const explicit = lookup.env["CHROMIUM_PATH"]
  if (explicit !== undefined && explicit !== "") {
    return isExecutableFile(explicit)
      ? { path: explicit }
      : {
        problem: `CHROMIUM_PATH is ${JSON.stringify(explicit)}, which is not an executable file: ` +
          "set it to a Chromium or Chrome binary, or unset it to look in the usual places."
      }
  }
  const path = [...lookup.locations, ...onPath(lookup.env, commandNames)].find(isExecutableFile)
  return path === undefined ? { problem: notFoundLine } : { path }
}

/** Installs a Chromium; returns `undefined` when it worked, or the one line that says why not. */
export type Installer = () => string | undefined

const isDebianLike = (): boolean => {
  if (Fs.existsSync("/etc/debian_version")) return true
  try {
    return /^ID(_LIKE)?=.*\b(debian|ubuntu)\b/m.test(Fs.readFileSync("/etc/os-release", "utf8"))
  } catch {
    return false
  }
}

/** Runs one apt-get command quietly; on failure, one line with the end of its output. */
const aptGet = (args: ReadonlyArray<string>, timeoutMillis: number): string | undefined => {
  const result = ChildProcess.spawnSync("apt-get", args, {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: timeoutMillis,
    maxBuffer: 64 * 1024 * 1024
  })
  if (result.status === 0) return undefined
  // apt-get's errors are its `E:` lines; otherwise its last words.
  const lines = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.split("\n").map((line) => line.trim())
    .filter((line) => line !== "")
  const last = lines.find((line) => line.startsWith("E:")) ?? lines.at(-1) ?? "no output"
  const why = result.error?.message ?? `${result.signal ?? `exit ${result.status}`}: ${last}`
  return `apt-get ${args.join(" ")} failed (${why}); install Chromium yourself or set CHROMIUM_PATH to its binary.`
}

/** Debian's package through apt-get, when this process is root on Debian or Ubuntu with apt-get. */
export const debianInstaller = (): Installer | undefined => {
  const root = process.getuid?.() === 0
  if (!root || !isDebianLike() || !onPath(process.env, ["apt-get"]).some(isExecutableFile)) return undefined
  return () => {
    process.stderr.write("No Chromium found: installing Debian's chromium with apt-get...\n")
    return aptGet(["update", "-qq"], 600_000) ?? aptGet(["install", "-y", "-qq", "chromium"], 900_000)
  }
}

/**
 * {@link findChromium}; when nothing is found and `CHROMIUM_PATH` is unset, `install` (if any)
 * and a second look.
 */
export const ensureChromium = (lookup: Lookup, install: Installer | undefined): Found => {
  const found = findChromium(lookup)
  const explicit = lookup.env["CHROMIUM_PATH"]
  if ("path" in found || install === undefined || (explicit !== undefined && explicit !== "")) return found
  const failed = install()
  return failed === undefined ? findChromium(lookup) : { problem: failed }
}

const isMain = process.argv[1] !== undefined && Path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)

if (isMain) {
  const found = ensureChromium(processLookup, debianInstaller())
  if ("path" in found) {
    process.stdout.write(`${found.path}\n`)
  } else {
    process.stderr.write(`${found.problem}\n`)
    process.exitCode = 1
  }
}
