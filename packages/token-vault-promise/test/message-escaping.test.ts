import { ApiClient, TokenForConnectionError } from "@effect-auth0/token-vault-promise"
import { describe, expect, it } from "vitest"
import { rejection, stubFetch } from "./fixtures.js"

const hostile: ReadonlyArray<readonly [string, string, string]> = [
  ["CR/LF (a forged log line)", "github\r\n[INFO] user=admin login ok", "github\\r\\n[INFO] user=admin login ok"],
  ["an ANSI escape", "github\u001b[31mRED\u001b[0m", "github\\u001b[31mRED\\u001b[0m"],
  ["a C1 control (CSI)", "github\u009b2J", "github\\u009b2J"],
  ["a bidi override", "github\u202egnp.exe", "github\\u202egnp.exe"],
  ["a line separator", "github\u2028next", "github\\u2028next"],
  ["DEL and NUL", "git\u007fhub\u0000", "git\\u007fhub\\u0000"]
]

describe("facade messages escape control characters of caller values", () => {
  it.each(hostile)(
    "the connection with %s is escaped in TokenForConnectionError's message",
    async (_, connection, shown) => {
      const stub = stubFetch({
        status: 403,
        body: JSON.stringify({ error: "access_denied", error_description: "no" })
      })
      const apiClient = new ApiClient({
        domain: "tenant.auth0.com",
        clientId: "client",
        clientSecret: "secret-5b7e2d",
        customFetch: stub.fetch
      })
      try {
        const error = await rejection(apiClient.getAccessTokenForConnection({ connection, accessToken: "subject" }))
        expect(error).toBeInstanceOf(TokenForConnectionError)
        expect(error.message).toBe(`Failed to exchange token for connection '${shown}'.`)
        // eslint-disable-next-line no-control-regex -- the point of the test
        expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/)
      } finally {
        await apiClient.dispose()
      }
    }
  )
})
