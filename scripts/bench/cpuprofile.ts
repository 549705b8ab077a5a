/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time,
 * and self time by package, to see where a client's CPU goes.
 *
 *   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx scripts/bench/run.ts --only=effect-node
 *   npx tsx scripts/bench/cpuprofile.ts .tmp/prof/<file>.cpuprofile [top=25]
 */
import * as Fs from "node:fs"
import { renderTable } from "./table.js"

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: ReadonlyArray<number>
}

interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** `effect`, `@effect/platform-node`, `undici`, `token-vault (src)`, `node:internal`, ... */
const packageOf = (url: string): string => {
  if (url === "") return "(native / vm)"
  if (url.startsWith("node:")) return "node: built-ins"
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url)
  if (inModules !== null) return inModules[1]!
  const inWorkspace = /\/packages\/([^/]+)\//.exec(url)
  if (inWorkspace !== null) return `@effect-auth0/${inWorkspace[1]}`
  if (url.includes("/scripts/bench/")) return "scripts/bench"
  return url
}

const shortUrl = (url: string): string =>
  url.replace(/^file:\/\//, "").replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, "").replace(
    /^.*\/packages\//,
    "packages/"
  )

export const summarize = (profile: Profile, top: number): string => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMicros = new Map<number, number>()
  profile.samples.forEach((id, index) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0))
  )
  const total = [...selfMicros.values()].reduce((sum, micros) => sum + micros, 0)
  const idle = [...selfMicros].filter(([id]) => ["(idle)", "(program)"].includes(byId.get(id)!.callFrame.functionName))
    .reduce((sum, [, micros]) => sum + micros, 0)
  const busy = total - idle

  const functions = new Map<string, number>()
  const packages = new Map<string, number>()
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") continue
    const name = `${frame.functionName || "(anonymous)"}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + micros)
    const pkg = frame.functionName === "(garbage collector)" ? "(garbage collector)" : packageOf(frame.url)
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros)
  }
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1)}%`
  const rows = (entries: Map<string, number>, count: number) =>
    [...entries].sort((a, b) => b[1] - a[1]).slice(0, count).map((
      [name, micros]
    ) => [name, `${(micros / 1000).toFixed(0)} ms`, share(micros)])
  return [
    `busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled (idle and "(program)" left out)`,
    "",
    renderTable(["self time by package", "self", "share"], rows(packages, 15)),
    "",
    renderTable(["function (self time)", "self", "share"], rows(functions, top))
  ].join("\n")
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top = "25"] = process.argv.slice(2)
  if (file === undefined) {
    console.error("usage: npx tsx scripts/bench/cpuprofile.ts <file.cpuprofile> [top]")
    process.exit(2)
  }
  console.log(summarize(JSON.parse(Fs.readFileSync(file, "utf8")) as Profile, Number(top)))
}
