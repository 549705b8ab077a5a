/**
 * The consumer check of the Effect packages: packs the core, the Node and browser adapters and the
 * testing package (`pnpm pack`), and in a fresh npm project in the system's temporary folder:
 *
 * 1. `npm i effect@latest <the four tarballs>` installs with no ERESOLVE and no peer warning, and
 *    leaves a tree with one `effect` 4.x and nothing of Effect 3 (`@effect/platform`,
 *    `@effect/platform-browser`, `@effect/schema`, `fast-check`); `npm ls --all` is clean;
 * 2. `tsc` with `skipLibCheck: false` (strict, NodeNext, no DOM lib) type-checks the programs
 *    (scripts/consumer/*.mts) against the installed packages;
 * 3. the programs run: `TokenVault.layer` over `EmulatorHttpClient.layerTenant`, and
 *    `NodeTokenVault.layer` and `BrowserTokenVault.layer` against `EmulatorServer`, each getting
 *    the token and catching an `AccountNotConnectedError` by its tag, printing no token; and
 *    `NodeTokenVault.layer` with `private_key_jwt` and DPoP (the lazily loaded JOSE code on the
 *    installed effect) against `EmulatorServer`, which verifies the assertion and asks for a nonce.
 *
 * Exits non-zero on any failure. The Promise facade has its own check
 * (scripts/consumer-check-promise.ts).
 *
 *   pnpm consumer-check      (after pnpm build)
 */
import { Console, Effect } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Consumer from "./consumer/project.js"

/** Folder under packages/ of each package the check installs. */
const packages = ["token-vault", "token-vault-node", "token-vault-browser", "token-vault-testing"]

/** Nothing of these may be in the installed tree. */
const effect3 = ["@effect/platform", "@effect/platform-browser", "@effect/schema", "fast-check"]

/** The folder of the programs (`*.mts`: the two programs and the tenant they share), copied into the project. */
const programsDir = Path.join(Consumer.root, "scripts/consumer")

Consumer.runCheck(Effect.gen(function*() {
  for (const folder of packages) yield* Consumer.checkBuilt(folder, ["index.js"])
  const project = yield* Consumer.makeProject("effect", { type: "module" })
  const tarballs: Array<string> = []
  for (const folder of packages) tarballs.push(yield* Consumer.pack(folder, project))

  const installWarnings = yield* Consumer.npmInstall(project, ["effect@latest", ...tarballs])
  for (const line of installWarnings) yield* Console.log(`  ${line}`)
  yield* Consumer.check(
    !installWarnings.some((line) => /ERESOLVE|peer/i.test(line)),
    "`npm i effect@latest` + the tarballs: no ERESOLVE, no peer warning",
    installWarnings.join("\n")
  )
  yield* Consumer.sh("npm", ["ls", "--all"], project)
  yield* Console.log("ok: `npm ls --all` is clean")
  const tree = yield* Consumer.npmTree(project)
  const effects = [...new Set(tree.filter((node) => node.name === "effect").map((node) => node.version))]
  yield* Consumer.check(
    effects.length === 1 && effects[0]!.startsWith("4."),
    `one effect in the tree, 4.x (${effects.join(", ")})`
  )
  const stale = tree.filter((node) => effect3.includes(node.name))
  yield* Consumer.check(stale.length === 0, "nothing of Effect 3 in the tree", Consumer.describeNodes(stale))

  yield* Consumer.npmInstall(project, [
    "-D",
    `typescript@${Consumer.workspaceVersion("typescript")}`,
    `@types/node@${Consumer.workspaceVersion("@types/node")}`
  ])
  Consumer.writeJson(project, "tsconfig.json", {
    compilerOptions: { ...Consumer.nodeCompilerOptions, outDir: "out" },
    include: ["*.mts"]
  })
  for (const file of Fs.readdirSync(programsDir).filter((file) => file.endsWith(".mts"))) {
    Fs.copyFileSync(Path.join(programsDir, file), Path.join(project, file))
  }
  yield* Consumer.tsc(project, "tsconfig.json", Path.join(project, "node_modules/typescript/bin/tsc"))
  yield* Console.log(
    "ok: tsc (skipLibCheck: false, no DOM lib) type-checks the programs against the installed packages"
  )

  const refused = "AccountNotConnectedError 401 federated_connection_refresh_token_not_found"
  const tenant = JSON.parse(yield* Consumer.runProgram(project, "out/layer-tenant.mjs"))
  yield* Consumer.check(
    tenant.matches === true,
    "TokenVault.layer over EmulatorHttpClient.layerTenant returns the token"
  )
  yield* Consumer.check(
    tenant.refused === refused,
    "... and an AccountNotConnectedError is caught by its tag",
    tenant.refused
  )
  yield* Consumer.check(
    !tenant.printed.includes("gho_consumer"),
    "... and the token set prints and serializes redacted",
    tenant.printed
  )
  yield* Consumer.check(tenant.requests === 2, "... and the in-memory emulator got the two requests")

  const server = JSON.parse(yield* Consumer.runProgram(project, "out/node-server.mjs"))
  for (const layer of ["node", "browser"] as const) {
    const name = layer === "node" ? "NodeTokenVault.layer" : "BrowserTokenVault.layer"
    yield* Consumer.check(server[layer].matches === true, `${name} against EmulatorServer returns the token`)
    yield* Consumer.check(
      server[layer].refused === refused,
      "... and an AccountNotConnectedError is caught by its tag",
      server[layer].refused
    )
    yield* Consumer.check(
      !server[layer].printed.includes("gho_consumer"),
      "... and the token set prints redacted",
      server[layer].printed
    )
  }
  yield* Consumer.check(server.requests === 4, "the loopback emulator got the four requests")

  const signing = JSON.parse(yield* Consumer.runProgram(project, "out/signing.mjs"))
  yield* Consumer.check(
    signing.matches === true,
    "private_key_jwt + DPoP through NodeTokenVault.layer: the emulator verifies the assertion and returns the token"
  )
  yield* Consumer.check(
    signing.requests === 2 && signing.assertions === 2 && signing.proofs === 2,
    "... in a DPoP nonce round: two requests, each with a client assertion and a proof",
    JSON.stringify(signing)
  )
}))
