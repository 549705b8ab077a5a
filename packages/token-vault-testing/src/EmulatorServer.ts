/**
 * The emulator served over real HTTP or HTTPS on `127.0.0.1`, as a scoped resource: the server
 * listens on an ephemeral port (unless one is given) and is closed, with its open sockets
 * destroyed, when the scope closes. Built on `node:http` / `node:https` directly so transport
 * faults can act on sockets; this module and `TestCertificates` are the only ones of the package
 * that import Node built-ins.
 *
 * - Over HTTPS with `tls.requestClientCertificate`, the client certificate of each connection
 *   (whether it chains to `tls.ca`, its subject DN, its SHA-256 fingerprint) reaches the emulator
 *   for mTLS client authentication, and the server's token endpoint is advertised as the tenant's
 *   `mtls_endpoint_aliases.token_endpoint` while it runs (unless `TenantConfig.mtlsEndpoint` is set).
 * - The server counts the TCP connections it accepts (`connections`), so a test can show that a
 *   keep-alive client reuses them.
 *
 * While serving, the server's address (`127.0.0.1:PORT`, `localhost:PORT`) is also accepted by the
 * in-memory `EmulatorHttpClient` of the same emulator.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"
import type { AddressInfo, Socket } from "node:net"
import type { TLSSocket } from "node:tls"
import * as TokenVaultEmulator from "./TokenVaultEmulator.js"

/**
 * A running loopback server.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorServer } from "@effect-auth0/token-vault-testing"
 *
 * const reused = Effect.gen(function* () {
 *   const server = yield* EmulatorServer.EmulatorServer
 *   // ... run several exchanges over a keep-alive client, then
 *   return yield* server.connections // e.g. 1
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorServer {
  /** `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` when serving with `tls`. */
  readonly url: string
  readonly port: number
  /** `127.0.0.1:PORT`. */
  readonly domain: string
  readonly protocol: "http" | "https"
  /** `${url}/oauth/token`: with `tls.requestClientCertificate`, the tenant's mTLS token endpoint. */
  readonly tokenEndpoint: string
  readonly emulator: TokenVaultEmulator.TokenVaultEmulator
  /** How many TCP connections the server has accepted since it started. */
  readonly connections: Effect.Effect<number>
  /** How many of them are open now. */
  readonly openConnections: Effect.Effect<number>
}

/**
 * The running server, for tests that build it with a layer.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorServer } from "@effect-auth0/token-vault-testing"
 *
 * const baseUrl = Effect.map(EmulatorServer.EmulatorServer, (server) => server.url)
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export const EmulatorServer: Context.Service<EmulatorServer, EmulatorServer> = Context.Service<EmulatorServer>(
  "@effect-auth0/token-vault-testing/EmulatorServer"
)

/**
 * HTTPS settings of {@link serve}: the server's certificate chain and key (PEM), and, for mTLS,
 * the CA certificates client certificates are verified against.
 *
 * With `requestClientCertificate` the server asks every client for a certificate but lets the
 * handshake succeed without one, or with one it cannot verify: as at Auth0, the token endpoint
 * then answers 401 `invalid_client` to a client that must use mTLS, rather than the connection
 * failing.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorServer, TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const tls = Effect.map(TestCertificates.make(), (certificates): EmulatorServer.TlsOptions => ({
 *   cert: certificates.server.cert,
 *   key: certificates.server.key,
 *   ca: certificates.ca.cert,
 *   requestClientCertificate: true
 * }))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TlsOptions {
  /** The server certificate (PEM), optionally followed by its chain. */
  readonly cert: string
  /** The server's private key (PEM). */
  readonly key: string | Redacted.Redacted<string>
  /** The passphrase of an encrypted `key`. */
  readonly passphrase?: string | Redacted.Redacted<string>
  /** CA certificates (PEM) that verify client certificates. Default: Node's root CAs. */
  readonly ca?: string | ReadonlyArray<string>
  /** Ask clients for a certificate (mTLS). Default `false`. */
  readonly requestClientCertificate?: boolean
}

/**
 * Options of {@link serve}.
 *
 * @example
 * ```ts
 * import type { EmulatorServer } from "@effect-auth0/token-vault-testing"
 *
 * const options: EmulatorServer.ServeOptions = { port: 4010 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /** A fixed port; default: an ephemeral one. */
  readonly port?: number
  /** Serve HTTPS (and mTLS) instead of HTTP. */
  readonly tls?: TlsOptions
}

const LOOPBACK = "127.0.0.1"

const reveal = (value: string | Redacted.Redacted<string>): string =>
  typeof value === "string" ? value : Redacted.value(value)

const headersOf = (message: Http.IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

/** The client certificate of a TLS connection, if the client sent one. */
const clientCertificateOf = (socket: Socket): TokenVaultEmulator.ClientCertificate | undefined => {
  const tls = socket as TLSSocket
  if (typeof tls.getPeerX509Certificate !== "function") return undefined
  const certificate = tls.getPeerX509Certificate()
  if (certificate === undefined) return undefined
  return {
    verified: tls.authorized,
    subjectDn: certificate.subject.split("\n").filter((line) => line !== "").join(", "),
    fingerprint256: certificate.fingerprint256
  }
}

const nullBodyStatuses = new Set([204, 304])

const write = (res: Http.ServerResponse, response: TokenVaultEmulator.EmulatorResponse): void => {
  if (res.headersSent || res.destroyed) return
  if (nullBodyStatuses.has(response.status)) {
    res.writeHead(response.status, response.headers)
    res.end()
    return
  }
  res.writeHead(response.status, {
    ...response.headers,
    "content-length": String(Buffer.byteLength(response.body))
  })
  res.end(response.body)
}

const writeInternalError = (res: Http.ServerResponse): void => {
  if (res.headersSent || res.destroyed) return
  res.writeHead(500, { "content-type": "text/plain; charset=utf-8" })
  res.end("emulator failure")
}

/** Resets the connection: a TCP RST where Node can send one (plain TCP), else a plain destroy. */
const reset = (socket: Socket | null): void => {
  if (socket === null || socket.destroyed) return
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}

/** Writes a chunk and waits until it is handed to the OS (backpressure for streamed bodies). */
const writeChunk = (res: Http.ServerResponse, chunk: Uint8Array): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (res.destroyed) return resume(Effect.interrupt)
    res.write(chunk, () => resume(Effect.void))
  })

const stream = (res: Http.ServerResponse, outcome: TokenVaultEmulator.StreamResponse): Effect.Effect<void> =>
  Effect.gen(function*() {
    if (res.headersSent || res.destroyed) return
    res.writeHead(outcome.status, outcome.headers)
    res.flushHeaders()
    yield* Stream.runForEach(outcome.body, (chunk) => writeChunk(res, chunk))
    switch (outcome.end) {
      case "End":
        res.end()
        return
      case "Close":
        // FIN without completing the response: the body is shorter than its content-length.
        res.socket?.end()
        return
      case "Reset":
        reset(res.socket)
        return
    }
  })

const perform = (res: Http.ServerResponse, outcome: TokenVaultEmulator.EmulatorOutcome): Effect.Effect<void> => {
  switch (outcome._tag) {
    case "Respond":
      return Effect.sync(() => write(res, outcome.response))
    case "ResetConnection":
      return Effect.sync(() => reset(res.socket))
    case "StreamResponse":
      return stream(res, outcome)
  }
}

const listen = (server: Http.Server, port: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    const onError = (error: Error) => resume(Effect.die(error))
    server.once("error", onError)
    server.listen(port, LOOPBACK, () => {
      server.off("error", onError)
      resume(Effect.void)
    })
  })

const close = (server: Http.Server, sockets: Set<Socket>): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    server.close(() => resume(Effect.void))
    for (const socket of sockets) socket.destroy()
    sockets.clear()
  })

const createServer = (tls: TlsOptions | undefined, listener: Http.RequestListener): Http.Server => {
  if (tls === undefined) return Http.createServer(listener)
  const ca = tls.ca === undefined ? undefined : typeof tls.ca === "string" ? [tls.ca] : [...tls.ca]
  return Https.createServer({
    cert: tls.cert,
    key: reveal(tls.key),
    ...(tls.passphrase === undefined ? {} : { passphrase: reveal(tls.passphrase) }),
    ...(ca === undefined ? {} : { ca }),
    requestCert: tls.requestClientCertificate ?? false,
    // The token endpoint, not the handshake, rejects a missing or unverified certificate.
    rejectUnauthorized: false
  }, listener)
}

/**
 * Serves the emulator on `127.0.0.1` until the scope closes, over HTTP, or over HTTPS with
 * `options.tls`.
 *
 * Requests run on the runtime of the caller, so `TestClock` drives the expiry of subject tokens,
 * `Fault.Latency` and `Fault.EndlessBody` here too. A response that never ends
 * (`Fault.StalledBody`, `Fault.EndlessBody`) stops when the client closes the connection or the
 * scope closes. A port that cannot be bound, or TLS material Node rejects, is a defect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorServer, TestCertificates, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const emulator = yield* TokenVaultEmulator.make({ domain: "tenant.example.com", clients: [], users: [] })
 *     const server = yield* EmulatorServer.serve(emulator)
 *     const response = yield* Effect.promise(() => fetch(`${server.url}/.well-known/openid-configuration`))
 *
 *     const certificates = yield* TestCertificates.make()
 *     const secure = yield* EmulatorServer.serve(emulator, {
 *       tls: { cert: certificates.server.cert, key: certificates.server.key, ca: certificates.ca.cert, requestClientCertificate: true }
 *     })
 *     return [response.status, secure.url] // [200, "https://127.0.0.1:PORT"]
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve: (
  emulator: TokenVaultEmulator.TokenVaultEmulator,
  options?: ServeOptions
) => Effect.Effect<EmulatorServer, never, Scope.Scope> = Effect.fn("EmulatorServer.serve")(
  function*(emulator: TokenVaultEmulator.TokenVaultEmulator, options: ServeOptions = {}) {
    // In-flight request fibers are interrupted when the scope closes.
    const run = yield* FiberSet.makeRuntime<never, void, never>()
    const sockets = new Set<Socket>()
    let accepted = 0
    const tls = options.tls

    const server = yield* Effect.acquireRelease(
      Effect.suspend(() => {
        const server = createServer(tls, (req, res) => {
          const chunks: Array<Buffer> = []
          req.on("data", (chunk: Buffer) => chunks.push(chunk))
          req.on("error", () => res.destroy())
          req.on("end", () => {
            const clientCertificate = tls === undefined ? undefined : clientCertificateOf(req.socket)
            const fiber = run(
              Effect.flatMap(
                emulator.dispatch({
                  method: req.method ?? "GET",
                  url: req.url ?? "/",
                  scheme: tls === undefined ? "http" : "https",
                  headers: headersOf(req),
                  body: Buffer.concat(chunks).toString("utf8"),
                  ...(clientCertificate === undefined ? {} : { clientCertificate })
                }),
                (outcome) => perform(res, outcome)
              )
            )
            // The client went away (or the response is done): stop whatever still runs for it.
            res.once("close", () => fiber.interruptUnsafe())
            fiber.addObserver((exit) => {
              if (Exit.isFailure(exit) && !Exit.hasInterrupts(exit)) writeInternalError(res)
            })
          })
        })
        server.on("connection", (socket: Socket) => {
          accepted++
          sockets.add(socket)
          socket.once("close", () => sockets.delete(socket))
        })
        // A failed handshake (e.g. a client that does not trust the server) is the client's problem.
        server.on("tlsClientError", (_error: Error, socket: Socket) => socket.destroy())
        return Effect.as(listen(server, options.port ?? 0), server)
      }),
      (server) => close(server, sockets)
    )

    const port = (server.address() as AddressInfo).port
    const domain = `${LOOPBACK}:${port}`
    const protocol = tls === undefined ? "http" : "https"
    const url = `${protocol}://${domain}`
    const tokenEndpoint = `${url}/oauth/token`
    yield* emulator.addHost(domain)
    yield* emulator.addHost(`localhost:${port}`)
    if (tls?.requestClientCertificate === true) yield* emulator.advertiseMtlsEndpoint(tokenEndpoint)
    return {
      url,
      port,
      domain,
      protocol,
      tokenEndpoint,
      emulator,
      connections: Effect.sync(() => accepted),
      openConnections: Effect.sync(() => sockets.size)
    } satisfies EmulatorServer
  }
)

/**
 * A layer serving the emulator in context on loopback.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const server = EmulatorServer.layer().pipe(
 *   Layer.provideMerge(TokenVaultEmulator.layer({ domain: "tenant.example.com", clients: [], users: [] }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ServeOptions = {}
): Layer.Layer<EmulatorServer, never, TokenVaultEmulator.TokenVaultEmulator> =>
  Layer.effect(
    EmulatorServer,
    TokenVaultEmulator.TokenVaultEmulator.use((emulator) => serve(emulator, options))
  )

/**
 * A fresh emulator for the tenant, served on loopback: provides both the server's address and
 * the emulator.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.gen(function* () {
 *   const server = yield* EmulatorServer.EmulatorServer
 *   const emulator = yield* TokenVaultEmulator.TokenVaultEmulator
 *   return { url: server.url, issuer: emulator.issuer }
 * }).pipe(
 *   Effect.provide(EmulatorServer.layerTenant({ domain: "tenant.example.com", clients: [], users: [] }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTenant = (
  config: TokenVaultEmulator.TenantConfig,
  options: ServeOptions = {}
): Layer.Layer<EmulatorServer | TokenVaultEmulator.TokenVaultEmulator> =>
  layer(options).pipe(Layer.provideMerge(TokenVaultEmulator.layer(config)))
