/**
 * Type-checks every `@example` in the packages' JSDoc and every ```ts block of the Markdown docs:
 * each ```ts block under an `@example` tag in `packages/*\/src/**\/*.ts`, and each one in
 * `README.md`, `docs/*.md` and `packages/*\/README.md`, becomes a module under `.tmp/examples/`,
 * compiled with the workspace's strict options against the packages' sources. Errors are reported
 * at the example's source line.
 *
 * Run: `pnpm run check-examples`.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const out = join(root, ".tmp", "examples")

interface Example {
  readonly source: string
  readonly line: number
  readonly code: string
}

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : []
  })

/**
 * The ```ts blocks among `texts` (a file's lines; `undefined` for a line outside where examples may
 * stand), with the line each starts on.
 */
const fencedBlocks = (path: string, texts: ReadonlyArray<string | undefined>): Array<Example> => {
  const examples: Array<Example> = []
  let block: Array<string> | undefined
  let start = 0
  texts.forEach((text, index) => {
    if (text === undefined) return
    if (block === undefined && /^```(ts|typescript)\s*$/.test(text.trim())) {
      block = []
      start = index + 2
    } else if (block !== undefined && text.trim() === "```") {
      examples.push({ source: relative(root, path), line: start, code: block.join("\n") })
      block = undefined
    } else if (block !== undefined) block.push(text)
  })
  return examples
}

/** The ```ts blocks that follow an `@example` tag of a source file's JSDoc. */
const examplesOf = (path: string): Array<Example> => {
  let inExample = false
  return fencedBlocks(
    path,
    readFileSync(path, "utf8").split("\n").map((raw) => {
      if (/^\s*\*\s*@example/.test(raw)) inExample = true
      else if (/^\s*\*\s*@\w+/.test(raw) || raw.includes("*/")) inExample = false
      return inExample ? raw.replace(/^\s*\*\s?/, "") : undefined
    })
  )
}

/** The ```ts blocks of a Markdown file. */
const markdownExamplesOf = (path: string): Array<Example> => fencedBlocks(path, readFileSync(path, "utf8").split("\n"))

const packages = readdirSync(join(root, "packages"))
const markdown = [
  join(root, "README.md"),
  ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => join(root, "docs", name)),
  ...packages.map((name) => join(root, "packages", name, "README.md")).filter((path) => existsSync(path))
]
const examples = [
  ...packages.flatMap((name) => sourceFiles(join(root, "packages", name, "src")).flatMap(examplesOf)),
  ...markdown.flatMap(markdownExamplesOf)
]

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const where = new Map<string, Example>()
examples.forEach((example, index) => {
  const file = `example-${String(index).padStart(4, "0")}.ts`
  where.set(file, example)
  writeFileSync(join(out, file), `${example.code}\nexport {}\n`)
})
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify(
    {
      extends: "../../tsconfig.json",
      compilerOptions: { noEmit: true, noUnusedLocals: false, noUnusedParameters: false, plugins: [] },
      include: ["./*.ts"]
    },
    null,
    2
  )
)

let output = ""
try {
  execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(out, "tsconfig.json")], {
    encoding: "utf8",
    stdio: "pipe"
  })
} catch (error) {
  output = String((error as { stdout?: unknown }).stdout ?? error)
}
// Errors inside the packages' own sources are the typecheck's to report; these are the examples'.
const problems = output.split("\n").filter((line) => /example-\d+\.ts\(\d+,\d+\): error TS/.test(line)).map((line) => {
  const match = /^(?:.*\/)?(example-\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line)
  const example = match ? where.get(match[1]!) : undefined
  return example && match ? `${example.source}:${example.line + Number(match[2]) - 1}: ${match[4]}` : line
})
if (problems.length > 0) {
  console.error(problems.join("\n"))
  console.error(`${problems.length} type errors in ${examples.length} examples (JSDoc and Markdown)`)
  process.exit(1)
}
console.log(`${examples.length} examples (JSDoc and Markdown) type-check`)
