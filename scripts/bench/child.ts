/**
 * Child Node processes that run TypeScript files of this folder with the loader the parent runs
 * under (tsx), minus profiling flags meant for the parent only.
 */
import { type ChildProcess, spawn, type StdioOptions } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

export const benchDir = Path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = Path.resolve(benchDir, "../..")

const parentOnly = /^--(cpu-prof|heap-prof|prof)/

/** Spawns `node <loader flags> <nodeFlags> scripts/bench/<file> <args>`. */
export const spawnScript = (
  file: string,
  options: {
    readonly nodeFlags?: ReadonlyArray<string>
    readonly args?: ReadonlyArray<string>
    readonly stdio: StdioOptions
  }
): ChildProcess =>
  spawn(
    process.execPath,
    [
      ...process.execArgv.filter((flag) => !parentOnly.test(flag)),
      ...(options.nodeFlags ?? []),
      Path.join(benchDir, file),
      ...(options.args ?? [])
    ],
    { cwd: repoRoot, stdio: options.stdio }
  )

/** Resolves with the exit code, or kills the child and rejects after `timeoutMs`. */
export const exited = (child: ChildProcess, timeoutMs: number, what: string): Promise<number> =>
  new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode)
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${what} did not finish within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      resolve(code ?? (signal === null ? 0 : 128))
    })
  })

/**
 * Runs `scripts/bench/<file>` in a child process and parses the JSON of its last line of output:
 * for a measurement that must not inherit the heap, JIT state or timers of the sections before it.
 */
export const runJsonScript = async <A>(
  file: string,
  options: {
    readonly nodeFlags?: ReadonlyArray<string>
    readonly args?: ReadonlyArray<string>
    readonly timeoutMs: number
    readonly what: string
  }
): Promise<A> => {
  const child = spawnScript(file, { ...options, stdio: ["ignore", "pipe", "inherit"] })
  let output = ""
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
  const code = await exited(child, options.timeoutMs, options.what)
  const line = output.trim().split("\n").at(-1) ?? ""
  if (code !== 0 || !(line.startsWith("{") || line.startsWith("["))) {
    throw new Error(`${options.what} failed (exit ${code}): ${output}`)
  }
  return JSON.parse(line) as A
}
