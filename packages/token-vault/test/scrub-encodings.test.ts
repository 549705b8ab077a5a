import { FetchTokenTransport, type TokenTransport, TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted } from "effect"
import { FetchHttpClient, HttpClient, HttpClientResponse } from "effect/http"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { excerpt, isNotUtf8Text } from "../src/internal/excerpt.js"
import { recordingLogger, recordingTracer } from "./utils/recorders.js"

// Secrets with the characters that encodings change: `+`, `/`, `=`, `~`.
const subjectToken = "SUBJECT+eyJhbGciOiJSUzI1NiJ9/s3cr3t=="
const clientSecret = "CLIENT/SECRET+kq84hd~"
const issuedToken = "ISSUED-ya29.a0AfH6SM+x/y"
const secrets = [subjectToken, clientSecret, issuedToken]

/** One answer of the server: status, headers and the body's bytes. */
interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array<ArrayBuffer>
}

const text = (status: number, body: string, contentType = "text/html; charset=utf-8"): Answer => ({
  status,
  headers: { "content-type": contentType },
  body: new TextEncoder().encode(body)
})

const hex = (char: string) => char.charCodeAt(0).toString(16).padStart(2, "0")
/** Percent-encoding with lower-case hex digits. */
const lowerPercent = (value: string) => encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (s) => s.toLowerCase())
const everyChar = (value: string, f: (char: string) => string) => [...value].map(f).join("")
const special = (value: string, f: (char: string) => string) => value.replace(/[^A-Za-z0-9]/g, (char) => f(char))
const named: Record<string, string> = { "+": "&plus;", "/": "&sol;", "=": "&equals;", "~": "&tilde;", "-": "&dash;" }

/** The request's secrets echoed in one encoding, as a server might. */
const echo = (encode: (value: string) => string) =>
  `subject_token=${encode(subjectToken)}&client_secret=${encode(clientSecret)} token=${encode(issuedToken)}`
/** The client secret echoed in one encoding that makes it long: within the 160 characters of an excerpt. */
const echoSecret = (encode: (value: string) => string) => `client_secret=${encode(clientSecret)}`

const utf16le = (value: string, bom: boolean) => {
  const bytes = new Uint8Array((bom ? 2 : 0) + value.length * 2)
  if (bom) bytes.set([0xff, 0xfe])
  for (let i = 0; i < value.length; i++) bytes[(bom ? 2 : 0) + 2 * i] = value.charCodeAt(i)
  return bytes
}
const utf16be = (value: string) => {
  const bytes = new Uint8Array(2 + value.length * 2)
  bytes.set([0xfe, 0xff])
  for (let i = 0; i < value.length; i++) bytes[3 + 2 * i] = value.charCodeAt(i)
  return bytes
}
const successJson = JSON.stringify({ access_token: issuedToken, expires_in: "soon" }).replace(/"soon"/, "x")

const scenarios: ReadonlyArray<readonly [string, Answer]> = [
  ["lower-case percent-encoding (%2b)", text(400, echo(lowerPercent))],
  ["upper-case percent-encoding, twice (%252B)", text(400, echo((v) => encodeURIComponent(encodeURIComponent(v))))],
  ["decimal HTML entities (&#43;)", text(400, echo((v) => special(v, (c) => `&#${c.charCodeAt(0)};`)))],
  ["hexadecimal HTML entities (&#x2b;)", text(400, echo((v) => special(v, (c) => `&#x${hex(c)};`)))],
  ["named HTML entities (&plus;)", text(400, echo((v) => special(v, (c) => named[c] ?? c)))],
  ["every character as an HTML entity", text(400, echoSecret((v) => everyChar(v, (c) => `&#${c.charCodeAt(0)};`)))],
  [
    "PHP's JSON escaping of / (\\/) in a page",
    text(500, `<script>var sent = {${echo((v) => v.replace(/\//g, "\\/"))}}</script>`)
  ],
  ["\\uXXXX escapes in a body that is not JSON", text(502, echo((v) => special(v, (c) => `\\u00${hex(c)}`)))],
  [
    "every character as \\uXXXX in a body that is not JSON",
    text(502, echoSecret((v) => everyChar(v, (c) => `\\u00${hex(c)}`)))
  ],
  [
    "an HTML entity of a percent-escape (&#37;2B)",
    text(400, echo((v) => encodeURIComponent(v).replace(/%/g, "&#37;")))
  ],
  ["an OAuth error describing the request in lower-case percent-encoding", {
    ...text(
      400,
      JSON.stringify({ error: "invalid_request", error_description: echo(lowerPercent) }),
      "application/json"
    )
  }],
  ["a rate limit describing the request in HTML entities", {
    ...text(
      429,
      JSON.stringify({
        error: "too_many_requests",
        error_description: echo((v) => special(v, (c) => `&#${c.charCodeAt(0)};`))
      }),
      "application/json"
    )
  }],
  ["a 200 in UTF-16LE with a byte-order mark", {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-16" },
    body: utf16le(successJson, true)
  }],
  ["a 200 in UTF-16LE without a byte-order mark", {
    status: 200,
    headers: { "content-type": "application/json" },
    body: utf16le(JSON.stringify({ access_token: issuedToken, expires_in: 3600 }), false)
  }],
  ["a 200 in UTF-16BE", {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-16be" },
    body: utf16be(JSON.stringify({ access_token: issuedToken, expires_in: 3600 }))
  }],
  ["a 500 in UTF-16LE echoing the request", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-16le" },
    body: utf16le(echo((v) => v), false)
  }]
]

/** `text` decoded every way a reader could: NULs dropped, percent-escapes, entities, backslash escapes. */
const readings = (text: string): ReadonlyArray<string> => {
  const named = { plus: "+", sol: "/", equals: "=", tilde: "~", dash: "-", amp: "&", quot: "\"" } as const
  const once = (t: string) =>
    t.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&(plus|sol|equals|tilde|dash|amp|quot);/g, (_, n: keyof typeof named) => named[n])
      .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\\//g, "/")
  const out = [text, text.replace(/\0/g, "")]
  let current = out[1]!
  for (let round = 0; round < 3; round++) out.push(current = once(current).replace(/\0/g, ""))
  return out
}

const expectNoSecret = (text: string) => {
  for (const reading of readings(text)) {
    for (const secret of secrets) expect(reading).not.toContain(secret)
  }
}

const serve = (answer: () => Answer) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly origin: string; readonly close: () => void }>((resume) => {
      const server = createServer((request, response) => {
        request.resume()
        request.on("end", () => {
          const { body, headers, status } = answer()
          response.writeHead(status, { ...headers, "content-length": String(body.length) })
          response.end(body)
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          close: () => server.close()
        })))
    }),
    (server) => Effect.sync(server.close)
  )

/** An in-memory `HttpClient` that answers `answer()`. */
const stubClient = (answer: () => Answer) =>
  HttpClient.make((request) =>
    Effect.sync(() => {
      const { body, headers, status } = answer()
      return HttpClientResponse.fromWeb(request, new Response(body, { status, headers }))
    })
  )

type Http =
  | Layer.Layer<HttpClient.HttpClient, unknown>
  | Layer.Layer<HttpClient.HttpClient | TokenTransport.TokenTransport, unknown>

const transports: ReadonlyArray<readonly [string, Http | undefined]> = [
  ["an in-memory HttpClient", undefined],
  ["FetchHttpClient", FetchHttpClient.layer],
  ["Effect's undici HttpClient", NodeHttpClient.layerUndici],
  ["FetchTokenTransport", Layer.merge(FetchTokenTransport.layer(), FetchHttpClient.layer)],
  ["NodeTokenVault's undici transport", NodeTokenVault.layerHttpClient()]
]

describe("secrets echoed in any encoding or charset stay out of errors, logs and spans", () => {
  for (const [transport, http] of transports) {
    for (const [name, answer] of scenarios) {
      it.effect(`${name}, over ${transport}`, () =>
        Effect.gen(function*() {
          const server = yield* serve(() => answer)
          const layer = http ?? Layer.succeed(HttpClient.HttpClient, stubClient(() => answer))
          const tracer = recordingTracer()
          const logger = recordingLogger()
          const exit = yield* TokenVault.getAccessTokenForConnection({
            connection: "github",
            accessToken: subjectToken
          }).pipe(
            Effect.tapError((error) => Effect.logError(error)),
            Effect.provide(TokenVault.layer({
              domain: server.origin,
              clientId: "client",
              clientSecret: Redacted.make(clientSecret),
              retry: false
            })),
            Effect.provide(layer),
            Effect.withTracer(tracer.tracer),
            Effect.provide(logger.logger),
            Effect.exit
          )
          expect(Exit.isFailure(exit)).toBe(true)
          const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
          const shown = [String(error), JSON.stringify(error), (error as { error?: Error })?.error?.message].join("\n")
          expectNoSecret(shown)
          expectNoSecret(logger.text())
          expectNoSecret(tracer.text())
          if (answer.status === 200) {
            // A body that is not UTF-8 text is described, not excerpted.
            expect(shown).toContain("not UTF-8 text")
            expect(shown).not.toContain("\0")
          }
        }))
    }
  }
})

describe("isNotUtf8Text", () => {
  it("a charset other than UTF-8 in content-type, invalid UTF-8 and control characters are not UTF-8 text", () => {
    const header = (contentType: string) => (name: string) => name === "content-type" ? contentType : undefined
    expect(isNotUtf8Text("{\"a\":1}", header("application/json; charset=utf-16"))).toBe(true)
    expect(isNotUtf8Text("{\"a\":1}", header("application/json; charset=\"ISO-8859-1\""))).toBe(true)
    expect(isNotUtf8Text("{\"a\":1}", header("application/json; charset=UTF-8"))).toBe(false)
    expect(isNotUtf8Text("{\"a\":1}", header("application/json"))).toBe(false)
    expect(isNotUtf8Text("{\"a\":1}")).toBe(false)
    expect(isNotUtf8Text("caf\uFFFD")).toBe(true)
    expect(isNotUtf8Text("{\0\"\0a\0")).toBe(true)
    expect(isNotUtf8Text("line one\r\n\tline two")).toBe(false)
    expect(isNotUtf8Text("caf\u00e9 \u{1F600}")).toBe(false)
  })

  it("excerpt describes such a body, with or without its content-type", () => {
    const body = "{\0\"\0a\0c\0c\0"
    expect(excerpt(body, undefined, [])).toBe("not shown: 10 characters that are not UTF-8 text")
    expect(excerpt("{\"access\":1}", { access: 1 }, [], () => "application/json; charset=utf-16"))
      .toContain("not UTF-8 text")
  })
})
