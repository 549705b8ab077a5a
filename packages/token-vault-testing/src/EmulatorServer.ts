/**
 * The emulator served over real HTTP on `127.0.0.1`, as a scoped resource: the server listens on
 * an ephemeral port (unless one is given) and is closed, with its open sockets destroyed, when the
 * scope closes. Built on `node:http` directly so transport-level faults can act on sockets; this
 * is the only module of the package that imports Node built-ins.
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
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as TokenVaultEmulator from "./TokenVaultEmulator.js"

/**
 * A running loopback server.
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  readonly port: number
  /** `127.0.0.1:PORT`. */
  readonly domain: string
  readonly emulator: TokenVaultEmulator.TokenVaultEmulator
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
 * @category tags
 */
export const EmulatorServer: Context.Tag<EmulatorServer, EmulatorServer> = Context.GenericTag<EmulatorServer>(
  "@effect-auth0/token-vault-testing/EmulatorServer"
)

/**
 * Options of {@link serve}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /** A fixed port; default: an ephemeral one. */
  readonly port?: number
}

const LOOPBACK = "127.0.0.1"

const headersOf = (message: Http.IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

const write = (res: Http.ServerResponse, response: TokenVaultEmulator.EmulatorResponse): void => {
  if (res.headersSent || res.destroyed) return
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

const listen = (server: Http.Server, port: number): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const onError = (error: Error) => resume(Effect.die(error))
    server.once("error", onError)
    server.listen(port, LOOPBACK, () => {
      server.off("error", onError)
      resume(Effect.void)
    })
  })

const close = (server: Http.Server, sockets: Set<Socket>): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    server.close(() => resume(Effect.void))
    for (const socket of sockets) socket.destroy()
    sockets.clear()
  })

/**
 * Serves the emulator on `127.0.0.1` until the scope closes.
 *
 * Requests run on the runtime of the caller, so `TestClock` drives the expiry of subject tokens
 * here too. A port that cannot be bound is a defect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const emulator = yield* TokenVaultEmulator.make({ domain: "tenant.example.com", clients: [], users: [] })
 *     const server = yield* EmulatorServer.serve(emulator)
 *     const response = yield* Effect.promise(() => fetch(`${server.url}/.well-known/openid-configuration`))
 *     return response.status // 200
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  emulator: TokenVaultEmulator.TokenVaultEmulator,
  options: ServeOptions = {}
): Effect.Effect<EmulatorServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    // In-flight request fibers are interrupted when the scope closes.
    const run = yield* FiberSet.makeRuntime<never, TokenVaultEmulator.EmulatorOutcome, never>()
    const sockets = new Set<Socket>()

    const server = yield* Effect.acquireRelease(
      Effect.suspend(() => {
        const server = Http.createServer((req, res) => {
          const chunks: Array<Buffer> = []
          req.on("data", (chunk: Buffer) => chunks.push(chunk))
          req.on("error", () => res.destroy())
          req.on("end", () => {
            const fiber = run(emulator.dispatch({
              method: req.method ?? "GET",
              url: req.url ?? "/",
              headers: headersOf(req),
              body: Buffer.concat(chunks).toString("utf8")
            }))
            fiber.addObserver((exit) => {
              if (Exit.isFailure(exit)) return writeInternalError(res)
              switch (exit.value._tag) {
                case "Respond":
                  return write(res, exit.value.response)
              }
            })
          })
        })
        server.on("connection", (socket: Socket) => {
          sockets.add(socket)
          socket.once("close", () => sockets.delete(socket))
        })
        return Effect.as(listen(server, options.port ?? 0), server)
      }),
      (server) => close(server, sockets)
    )

    const port = (server.address() as AddressInfo).port
    const domain = `${LOOPBACK}:${port}`
    yield* emulator.addHost(domain)
    yield* emulator.addHost(`localhost:${port}`)
    return { url: `http://${domain}`, port, domain, emulator }
  })

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
  Layer.scoped(
    EmulatorServer,
    Effect.flatMap(TokenVaultEmulator.TokenVaultEmulator, (emulator) => serve(emulator, options))
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
