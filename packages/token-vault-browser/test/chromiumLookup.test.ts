/**
 * The Chromium lookup of `scripts/ensure-chromium.ts`, which `pnpm test` runs before the browser
 * tests and which `utils/chromium.ts` shares: tried against temporary directories standing in for
 * install locations and `PATH`, so that it is tested on a machine that has a Chromium too.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureChromium, findChromium, notFoundLine } from "../../../scripts/ensure-chromium.js"
import { repositoryRoot } from "./utils/bundle.js"

const made: Array<string> = []
afterEach(() => {
  for (const dir of made.splice(0)) Fs.rmSync(dir, { recursive: true, force: true })
})

const tempDir = (): string => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "token-vault-chromium-lookup-"))
  made.push(dir)
  return dir
}

/** A file at `dir/name` with `mode` (executable by default): a stand-in for a browser binary. */
const file = (dir: string, name: string, mode = 0o755): string => {
  const path = Path.join(dir, name)
  Fs.writeFileSync(path, "#!/bin/sh\necho Chromium\n")
  Fs.chmodSync(path, mode)
  return path
}

const oneLine = (line: string) => {
  expect(line).not.toContain("\n")
  expect(line.length).toBeGreaterThan(0)
}

describe("the Chromium lookup (scripts/ensure-chromium.ts)", () => {
  it("CHROMIUM_PATH names a missing file: one line naming the variable, and nothing installed", () => {
    const missing = Path.join(tempDir(), "no-such-chromium")
    let installs = 0
    const found = ensureChromium({ env: { CHROMIUM_PATH: missing, PATH: "" }, locations: [] }, () => {
      installs++
      return undefined
    })
    expect(found).toStrictEqual({
      problem: `CHROMIUM_PATH is "${missing}", which is not an executable file: ` +
        "set it to a Chromium or Chrome binary, or unset it to look in the usual places."
    })
    if ("problem" in found) oneLine(found.problem)
    expect(installs).toBe(0)
  })

  it("CHROMIUM_PATH wins over the install locations; a directory or a file that is not executable is refused", () => {
    const dir = tempDir()
    const usual = file(dir, "usual-chromium")
    const chosen = file(dir, "chosen-chromium")
    expect(findChromium({ env: { CHROMIUM_PATH: chosen }, locations: [usual] })).toStrictEqual({ path: chosen })
    for (const wrong of [dir, file(dir, "not-executable", 0o644)]) {
      const found = findChromium({ env: { CHROMIUM_PATH: wrong }, locations: [usual] })
      expect(found).toMatchObject({ problem: expect.stringContaining("CHROMIUM_PATH is") })
    }
    // Empty is unset.
    expect(findChromium({ env: { CHROMIUM_PATH: "" }, locations: [usual] })).toStrictEqual({ path: usual })
  })

  it("the install locations in order, then the usual command names on PATH, as command -v finds them", () => {
    const locations = tempDir()
    const bin = tempDir()
    const second = file(locations, "google-chrome")
    const onPath = file(bin, "chromium-browser")
    const missing = Path.join(locations, "chromium")
    expect(findChromium({ env: { PATH: bin }, locations: [missing, second] })).toStrictEqual({ path: second })
    expect(findChromium({ env: { PATH: `${tempDir()}${Path.delimiter}${bin}` }, locations: [missing] }))
      .toStrictEqual({ path: onPath })
  })

  it("with PATH lacking it and no install location holding it: the one line, or the installer and a second look", () => {
    const bin = tempDir()
    file(bin, "chromium", 0o644) // on PATH but not executable: not a Chromium
    const location = Path.join(tempDir(), "chromium")
    const lookup = { env: { PATH: bin }, locations: [location] }

    expect(findChromium(lookup)).toStrictEqual({ problem: notFoundLine })
    oneLine(notFoundLine)
    expect(notFoundLine).toMatch(/apt-get install chromium/)
    expect(notFoundLine).toMatch(/CHROMIUM_PATH/)
    // Not root on Debian (no installer): the same line.
    expect(ensureChromium(lookup, undefined)).toStrictEqual({ problem: notFoundLine })
    // An installer that fails: its line.
    expect(ensureChromium(lookup, () => "apt-get install -y -qq chromium failed (exit 100: E: no)"))
      .toStrictEqual({ problem: "apt-get install -y -qq chromium failed (exit 100: E: no)" })
    // An installer that puts the browser in an install location: found on the second look.
    let installs = 0
    const found = ensureChromium(lookup, () => {
      installs++
      file(Path.dirname(location), "chromium")
      return undefined
    })
    expect(found).toStrictEqual({ path: location })
    expect(installs).toBe(1)
  })

  it("the script prints the path alone on stdout, or exits 1 with one line on stderr", () => {
    const run = (env: Record<string, string>) =>
      ChildProcess.spawnSync(Path.join(repositoryRoot, "node_modules", ".bin", "tsx"), ["scripts/ensure-chromium.ts"], {
        cwd: repositoryRoot,
        env: { ...process.env, ...env },
        encoding: "utf8",
        timeout: 30_000
      })
    const fake = file(tempDir(), "chromium")
    const ok = run({ CHROMIUM_PATH: fake })
    expect(ok).toMatchObject({ status: 0, stdout: `${fake}\n`, stderr: "" })

    const missing = Path.join(tempDir(), "chromium")
    const failed = run({ CHROMIUM_PATH: missing })
    expect(failed.status).toBe(1)
    expect(failed.stdout).toBe("")
    expect(failed.stderr).toBe(
      `CHROMIUM_PATH is "${missing}", which is not an executable file: ` +
        "set it to a Chromium or Chrome binary, or unset it to look in the usual places.\n"
    )
  }, 60_000)
})
