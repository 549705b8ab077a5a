/**
 * The emulator in its own process (see `emulator-process.ts`), so that its CPU time is not the
 * client's: start it, ask it how many token requests it answered, stop it.
 */
import { createInterface } from "node:readline"
import { exited, spawnScript } from "./child.js"
import { assertionKeyPair } from "./signingKeys.js"

/** What the emulator process reports. */
export interface EmulatorStats {
  readonly tokenRequests: number
  /** User + system CPU time of the emulator process, microseconds. */
  readonly cpuMicros: number
}

export interface EmulatorProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  readonly stats: () => Promise<EmulatorStats>
  readonly stop: () => Promise<void>
}

const startTimeoutMs = 30_000
const statsTimeoutMs = 5_000

/**
 * Starts the emulator process for a tenant with `tokenCount` subject tokens and the benchmark's
 * `private_key_jwt` client; resolves once it listens.
 */
export const startEmulator = async (tokenCount: number): Promise<EmulatorProcess> => {
  const child = spawnScript("emulator-process.ts", {
    args: [String(tokenCount), assertionKeyPair().publicKeyPem],
    stdio: ["ignore", "pipe", "inherit", "ipc"]
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`the emulator process printed no URL within ${startTimeoutMs} ms`))
    }, startTimeoutMs)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`the emulator process exited (code ${code}) before listening`))
    })
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
  })

  const stats = () =>
    new Promise<EmulatorStats>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the emulator process did not answer \"stats\"")), statsTimeoutMs)
      child.once("message", (message) => {
        clearTimeout(timer)
        resolve(message as EmulatorStats)
      })
      child.send("stats")
    })

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill("SIGTERM")
    await exited(child, 5_000, "the emulator process").catch(() => undefined)
  }

  return { url, stats, stop }
}
