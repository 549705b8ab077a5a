import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"

/** A response the static server gives for one path. */
export interface StaticFile {
  readonly contentType: string
  readonly body: string
}

/** A loopback server; its origin is `http://127.0.0.1:PORT`. */
export interface LoopbackServer {
  readonly origin: string
}

/**
 * Serves `handler` on `127.0.0.1` on an ephemeral port until the scope closes (open sockets are
 * destroyed). Another port is another origin, so a page served here calls the emulator
 * cross-origin.
 */
export const serveLoopback = (
  handler: (request: Http.IncomingMessage, response: Http.ServerResponse) => void
): Effect.Effect<LoopbackServer, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.callback<{ server: Http.Server; sockets: Set<Socket> }>((resume) => {
        const sockets = new Set<Socket>()
        const server = Http.createServer(handler)
        server.on("connection", (socket: Socket) => {
          sockets.add(socket)
          socket.once("close", () => sockets.delete(socket))
        })
        server.once("error", (error) => resume(Effect.die(error)))
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, sockets })))
      }),
      ({ server, sockets }) =>
        Effect.callback<void>((resume) => {
          server.close(() => resume(Effect.void))
          for (const socket of sockets) socket.destroy()
        })
    ),
    ({ server }) => ({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  )

/**
 * Serves `files` by path (query ignored). They are looked up at each request, so entries may be
 * added once the server's origin is known.
 */
export const serveStatic = (
  files: Readonly<Record<string, StaticFile>>
): Effect.Effect<LoopbackServer, never, Scope.Scope> =>
  serveLoopback((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://127.0.0.1").pathname]
    if (file === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found")
      return
    }
    res.writeHead(200, { "content-type": file.contentType, "cache-control": "no-store" }).end(file.body)
  })
