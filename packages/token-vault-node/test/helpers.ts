import type { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import * as Http from "node:http"
import * as Net from "node:net"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"

export const CLIENT_ID = "node-app"
export const CLIENT_SECRET = "node-app-secret-value"

export const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
  users: [
    {
      userId: "auth0|alice",
      // Distinct tokens make distinct calls: the core coalesces identical concurrent ones.
      accessTokens: ["at-alice", ...Array.from({ length: 16 }, (_, i) => `at-alice-${i}`)],
      connections: {
        "google-oauth2": [{
          loginHint: "alice@example.com",
          accessToken: "ya29.alice",
          scope: "openid",
          expiresIn: 1200
        }]
      }
    }
  ],
  recordRequests: true
}

/** Options that make every call reach the server: no cache, no retries. */
export const uncached = { cache: false, retry: false } as const

// -----------------------------------------------------------------------------
// a CONNECT proxy on loopback
// -----------------------------------------------------------------------------

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** How many `CONNECT` tunnels it opened. */
  readonly tunnels: () => number
  /** The `host:port` of every tunnel, in order. */
  readonly targets: ReadonlyArray<string>
  /** How many tunnels are open now. */
  readonly open: () => number
  /** The first 64 KiB the clients sent through the tunnels, as latin1 text. */
  readonly seen: () => string
  /** The `Proxy-Authorization` header of every `CONNECT`, in order (`undefined` when absent). */
  readonly authorizations: ReadonlyArray<string | undefined>
  /** How many TCP connections reached the proxy, tunnels or not. */
  readonly connections: () => number
  /** The request line and headers of every plain (non-`CONNECT`) request it refused. */
  readonly plainRequests: ReadonlyArray<string>
}

const LOOPBACK = "127.0.0.1"

/**
 * A name that only `connectProxy` resolves (to `127.0.0.1`; no DNS knows it): loopback origins
 * never go through a proxy, so a test that must see a request go through one serves the
 * emulator under this name (the test certificates name it too).
 */
export const PROXIED_NAME = "tenant.test"

/** `server` under `PROXIED_NAME`: its `host:port`, URL and token endpoint, answered by the emulator. */
export const proxiedName = (server: EmulatorServer.EmulatorServer) =>
  Effect.gen(function*() {
    const { port, protocol } = new URL(server.url)
    const domain = `${PROXIED_NAME}:${port}`
    yield* server.emulator.addHost(domain)
    const url = `${protocol}//${domain}`
    return { domain, url, tokenEndpoint: `${url}/oauth/token` }
  })

/**
 * A minimal HTTP proxy that only tunnels (`CONNECT`) and only to `127.0.0.1` (`PROXIED_NAME`
 * included, which it resolves itself). Plain proxied requests are refused with 405 so that a
 * test notices if the client did not tunnel. With `authorization`, a `CONNECT` without exactly
 * that `Proxy-Authorization` gets 407.
 */
export const connectProxy = (
  options: { readonly authorization?: string } = {}
): Effect.Effect<ConnectProxy, never, Scope.Scope> =>
  Effect.gen(function*() {
    const targets: Array<string> = []
    const authorizations: Array<string | undefined> = []
    const seen: Array<Buffer> = []
    let seenBytes = 0
    const record = (chunk: Buffer) => {
      if (seenBytes >= 65_536) return
      seen.push(chunk.subarray(0, 65_536 - seenBytes))
      seenBytes += Math.min(chunk.length, 65_536 - seenBytes)
    }
    const sockets = new Set<Net.Socket>()
    let open = 0
    const track = (socket: Net.Socket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
    }
    let connections = 0
    const plainRequests: Array<string> = []
    const server = Http.createServer((req, res) => {
      plainRequests.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`)
      res.writeHead(405, { connection: "close" })
      res.end("tunnels only")
    })
    server.on("connection", (socket: Net.Socket) => {
      connections++
      track(socket)
    })
    server.on("connect", (req: Http.IncomingMessage, client: Net.Socket, head: Buffer) => {
      const target = req.url ?? ""
      const authorization = req.headers["proxy-authorization"]
      authorizations.push(authorization)
      if (options.authorization !== undefined && authorization !== options.authorization) {
        client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n")
        return
      }
      const match = /^(127\.0\.0\.1|localhost|tenant\.test):(\d{1,5})$/.exec(target)
      if (match === null) {
        client.end("HTTP/1.1 403 Forbidden\r\n\r\n")
        return
      }
      targets.push(target)
      open++
      const upstream = Net.connect({ host: LOOPBACK, port: Number(match[2]) })
      track(upstream)
      const closeBoth = () => {
        client.destroy()
        upstream.destroy()
      }
      let counted = true
      const done = () => {
        if (counted) {
          counted = false
          open--
        }
      }
      client.once("close", done)
      upstream.once("connect", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
        if (head.length > 0) {
          record(head)
          upstream.write(head)
        }
        client.on("data", record)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on("error", () => {
        if (!client.destroyed) client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n")
        closeBoth()
      })
      client.on("error", closeBoth)
      upstream.once("close", () => client.destroy())
    })
    yield* Effect.acquireRelease(
      Effect.callback<void>((resume) => {
        server.listen(0, LOOPBACK, () => resume(Effect.void))
      }),
      () =>
        Effect.callback<void>((resume) => {
          server.close(() => resume(Effect.void))
          for (const socket of sockets) socket.destroy()
        })
    )
    const port = (server.address() as AddressInfo).port
    return {
      url: `http://${LOOPBACK}:${port}`,
      tunnels: () => targets.length,
      targets,
      open: () => open,
      seen: () => Buffer.concat(seen).toString("latin1"),
      authorizations,
      connections: () => connections,
      plainRequests
    }
  })

/** A port on loopback where nothing listens (bound, then closed). */
export const closedPort: Effect.Effect<number> = Effect.callback<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, LOOPBACK, () => {
    const port = (server.address() as AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

// -----------------------------------------------------------------------------
// environment variables, set for one test and restored
// -----------------------------------------------------------------------------

const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"] as const

/**
 * Sets environment variables for the rest of the scope and restores every proxy variable (and
 * the ones given) when it closes. The proxy variables not given are cleared meanwhile, so that a
 * developer's own `HTTPS_PROXY` cannot change what a test sees.
 */
export const withEnvironment = (
  variables: Readonly<Record<string, string | undefined>>
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const names = new Set<string>([...PROXY_VARIABLES, ...Object.keys(variables)])
      const saved = new Map<string, string | undefined>()
      for (const name of names) {
        saved.set(name, process.env[name])
        const value = variables[name]
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
      return saved
    }),
    (saved) =>
      Effect.sync(() => {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
      })
  ).pipe(Effect.asVoid)

// -----------------------------------------------------------------------------
// logs
// -----------------------------------------------------------------------------

/** Every log line, annotations and spans included, rendered as text. */
export const makeLogCapture = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    lines.push(inspect({
      level: logLevel,
      message,
      cause,
      annotations: fiber.getRef(References.CurrentLogAnnotations),
      spans: fiber.getRef(References.CurrentLogSpans).map(([label]) => label)
    }, { depth: 10 }))
  })
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
    self.pipe(Effect.provideService(References.MinimumLogLevel, "All"), Effect.provide(Logger.layer([logger])))
  return { lines, provide }
}

/** An error as every renderer a user may reach for shows it. */
export const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  inspect(value, { depth: 10 }),
  JSON.stringify(value) ?? "",
  value instanceof Error ? `${value.message}\n${value.stack ?? ""}` : ""
]

// -----------------------------------------------------------------------------
// spans
// -----------------------------------------------------------------------------

/** Records every span (name, attributes, events, status) made under `provide`. */
export const makeSpanCapture = () => {
  const spans: Array<Tracer.Span> = []
  const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
    Effect.flatMap(Effect.tracer, (native) =>
      Effect.withTracer(
        self,
        Tracer.make({
          span: (options) => {
            const span = native.span(options)
            spans.push(span)
            return span
          },
          context: native.context
        })
      ))
  const rendered = () =>
    spans.map((span) =>
      inspect({
        name: span.name,
        attributes: [...span.attributes],
        status: span.status,
        events: (span as { readonly events?: unknown }).events
      }, { depth: 10 })
    )
  return { spans, provide, rendered }
}
