import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { demoTenant } from "./demoTenant.js"

const run = promisify(execFile)
const root = fileURLToPath(new URL("../..", import.meta.url))

describe("the demo (pnpm demo)", () => {
  it("runs the four exchanges against the emulator and prints no token or secret", async () => {
    const env = { ...process.env }
    for (const name of ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_SUBJECT_TOKEN"]) delete env[name]
    const { stdout, stderr } = await run("npx", ["tsx", "docs/examples/demo.ts"], { cwd: root, env, timeout: 60_000 })
    expect(stdout).toMatch(/emulator listening on http:\/\/127\.0\.0\.1:\d+/)
    expect(stdout).toContain(`"scope": "repo read:user", "expiresAt":`)
    expect(stdout).toContain(`"loginHint": "alice@home.example"`)
    expect(stdout).toContain("handled TokenExchangeError")
    expect(stdout).toContain(`"loginHint":"alice@work.example"`)
    expect(stdout).toContain("answered 4 token requests")
    const secrets: Array<string> = [
      ...demoTenant.users.flatMap((user) => [
        ...[...(user.accessTokens ?? []), ...(user.refreshTokens ?? [])].map((token) =>
          typeof token === "string" ? token : token.token
        ),
        ...Object.values(user.connections ?? {}).flat().map((identity) => identity.accessToken)
      ]),
      ...demoTenant.clients.flatMap((client) => (client.clientSecret === undefined ? [] : [client.clientSecret]))
    ]
    expect(secrets.length).toBeGreaterThan(4)
    for (const secret of secrets) expect(stdout + stderr).not.toContain(secret)
  })
})
