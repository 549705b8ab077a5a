/**
 * `pnpm example <name>` (scripts/example.ts) runs each example program against the emulator: the
 * examples stay runnable as documented, and print no token or secret.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { demoTenant } from "./demoTenant.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** Runs `tsx scripts/example.ts <args>`; resolves with its exit code and output. */
const example = (...args: ReadonlyArray<string>) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/example.ts", ...args], {
    cwd: root,
    timeout: 120_000
  })
    .then(
      ({ stderr, stdout }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ""}${error.stderr ?? ""}`
      })
    )

const secrets = [
  ...demoTenant.users.flatMap((user) => [
    ...[...(user.accessTokens ?? []), ...(user.refreshTokens ?? [])].map((token) =>
      typeof token === "string" ? token : token.token
    ),
    ...Object.values(user.connections ?? {}).flat().map((identity) => identity.accessToken)
  ]),
  ...demoTenant.clients.flatMap((client) => client.clientSecret === undefined ? [] : [client.clientSecret])
]

/** What each program prints when it worked, and how many token requests it makes. */
const programs: ReadonlyArray<readonly [name: string, shows: string | RegExp, requests: number]> = [
  ["demo", "Exchanged an Auth0 access token for the user's google-oauth2 token:", 1],
  ["effect-exchange", `{"status":200,"body":["alice/dotfiles","alice/notes"]}`, 1],
  ["promise-exchange", /Got a Google token \(\d+ characters\)\./, 1],
  ["client-options", `{"scopes":["openid","email","calendar"],"stats":{"calls":2,`, 2],
  [
    "node-express",
    /GET \/connections\/github\/expiry -> 200 \{"connection":"github","expiresAt":"[^"]+","scope":"repo read:user"\}/,
    1
  ],
  ["effect3-recipe", /Got a GitHub token \(\d+ characters\)\./, 1]
]

describe.concurrent("pnpm example", () => {
  for (const [name, shows, requests] of programs) {
    it(`${name} runs against the emulator`, async () => {
      const { code, output } = await example(name)
      expect(code, output).toBe(0)
      if (typeof shows === "string") expect(output).toContain(shows)
      else expect(output).toMatch(shows)
      expect(output).toContain(`The emulator answered ${requests} token request(s).`)
      for (const secret of secrets) expect(output).not.toContain(secret)
    }, 120_000)
  }

  it("private-key-jwt runs on its own emulator: assertions checked, down-scoped, the IP forwarded", async () => {
    // It makes its own emulator, so it runs as a plain program, without the runner's; exit 0 or this throws.
    const { stderr, stdout } = await promisify(execFile)(process.execPath, [
      "--import",
      "tsx",
      "docs/examples/private-key-jwt.ts"
    ], { cwd: root, timeout: 120_000 })
    const output = stdout + stderr
    expect(output).toContain(`GitHub scopes: {"granted":"repo read:user","readOnly":"read:user"}`)
    expect(output).toMatch(
      /"client_secret":"\(none\)","assertion":\{"header":\{"alg":"RS256"\},"iss":"jwt-backend","sub":"jwt-backend",/
    )
    expect(output).toMatch(
      /"aud":"http:\/\/127\.0\.0\.1:\d+\/","lifetime":60\},"scope":"read:user","forwardedFor":"203\.0\.113\.7"\}/
    )
    expect(output).toContain("2 requests, 2 distinct assertion ids (jti)")
    expect(output).toContain(
      "A key that does not fit its algorithm: InvalidConfigurationError: clientAssertionSigningKey is not a private key usable with ES256"
    )
    expect(output).toContain("The emulator answered 2 token request(s).")
    expect(output).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/) // no signed assertion
    for (const secret of secrets) expect(output).not.toContain(secret)
  }, 120_000)

  it("names what it can run, and says where the other files run", async () => {
    const list = await example()
    expect(list.code).toBe(0)
    for (const [name] of programs) expect(list.output).toContain(`  ${name} `)
    const browser = await example("browser-page")
    expect(browser.code).not.toBe(0)
    expect(browser.output).toContain("docs/examples/browser-page.ts is not a program: a browser page script")
    const unknown = await example("no-such-example")
    expect(unknown.code).not.toBe(0)
    expect(unknown.output).toContain(`no example named "no-such-example"`)
  }, 120_000)
})
