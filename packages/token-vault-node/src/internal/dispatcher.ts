/**
 * The undici dispatcher (connection pool) behind the HTTP client: an `Agent`, a `ProxyAgent` for
 * an explicit proxy, or an `EnvHttpProxyAgent` reading `HTTP(S)_PROXY` / `NO_PROXY`. It is
 * acquired in the layer's scope and destroyed (open sockets closed) when the scope closes.
 * Through a proxy, a loopback origin (`http` or `https`; `127.0.0.0/8`, `[::1]`, `localhost`)
 * still goes straight to the loopback host: a token request to this machine never leaves it.
 *
 * @internal
 */
import { TokenVaultError } from "@effect-auth0/token-vault"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { isIPv4 } from "node:net"
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import type { ResolvedHttpOptions } from "./options.js"
import { connectOptions } from "./tls.js"

/** Hosts of the loopback interface, as `URL` writes them. */
const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"])

/** Whether `origin` is on a loopback host (`http` or `https`): never sent through a proxy. */
const isLoopback = (origin: unknown): boolean => {
  try {
    const { hostname } = new URL(String(origin))
    return loopbackHosts.has(hostname) || (isIPv4(hostname) && hostname.startsWith("127."))
  } catch {
    return false
  }
}

/**
 * `proxied`, except that loopback origins go through `direct`: with a proxy (or `HTTP(S)_PROXY`
 * and no `NO_PROXY` for it) a plain-`http` request and its form, subject token and client secret
 * included, would otherwise cross the network in clear to the proxy host, and an `https` one
 * would be tunnelled out of the machine and back (or to whatever the proxy calls "localhost").
 */
const bypassForLoopback = (proxied: Dispatcher, direct: Dispatcher): Dispatcher =>
  proxied.compose((dispatch) => (options, handler) =>
    isLoopback(options.origin) ? direct.dispatch(options, handler) : dispatch(options, handler)
  )

/** The dispatcher to send with, and the pools it sends through (destroyed with the scope). */
interface Built {
  readonly dispatcher: Dispatcher
  readonly owned: ReadonlyArray<Dispatcher>
}

const build = (options: ResolvedHttpOptions): Built => {
  const keepAlive = options.keepAliveTimeoutMillis
  const pool = {
    connections: options.connections,
    // Given, the limit bounds the server's hint too: at most `keepAliveTimeout`, less when the
    // server asks for less.
    ...(keepAlive === undefined ? {} : { keepAliveTimeout: keepAlive, keepAliveMaxTimeout: keepAlive })
  }
  const timeout = options.connectTimeoutMillis
  // Through a proxy, every origin is reached through a `CONNECT` tunnel (undici 8 would send a
  // plain-HTTP origin's request, form and all, to the proxy in absolute form instead).
  const proxyTunnel = true
  // To the origin: the TLS options with the client certificate. Through a proxy undici opens
  // the tunnel with `proxyTls` and then runs TLS to the origin inside it with `requestTls`.
  const originTls = { ...connectOptions(options.tls), timeout }
  /** `proxied`, with an `Agent` of its own for loopback origins. */
  const withDirect = (proxied: Dispatcher): Built => {
    const direct = new Agent({ ...pool, connect: originTls })
    return { dispatcher: bypassForLoopback(proxied, direct), owned: [proxied, direct] }
  }
  switch (options.proxy._tag) {
    case "Direct": {
      const agent = new Agent({ ...pool, connect: originTls })
      return { dispatcher: agent, owned: [agent] }
    }
    case "Explicit":
      return withDirect(
        new ProxyAgent({
          ...pool,
          uri: Redacted.value(options.proxy.uri),
          proxyTunnel,
          requestTls: originTls,
          proxyTls: { timeout }
        })
      )
    case "Environment":
      // Direct origins (NO_PROXY) use `connect`; proxied ones `requestTls` / `proxyTls`.
      return withDirect(
        new EnvHttpProxyAgent({
          ...pool,
          proxyTunnel,
          connect: originTls,
          requestTls: originTls,
          proxyTls: { timeout }
        })
      )
  }
}

/**
 * Builds the dispatcher in the current scope. undici reads `HTTP_PROXY` / `HTTPS_PROXY` here (in
 * environment mode) and throws on a value that is not a URL: that becomes a typed error naming
 * the variables, not their values.
 */
export const makeDispatcher = (
  options: ResolvedHttpOptions
): Effect.Effect<Dispatcher, TokenVaultError.InvalidConfigurationError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () => build(options),
      catch: () =>
        options.proxy._tag === "Environment"
          ? new TokenVaultError.InvalidConfigurationError({
            option: "proxyFromEnvironment",
            message: "HTTP_PROXY / HTTPS_PROXY (or their lower-case forms) do not hold a valid proxy URL"
          })
          : new TokenVaultError.InvalidConfigurationError({
            option: "options",
            message: "undici refused the HTTP client options"
          })
    }),
    ({ owned }) => Effect.promise(() => Promise.all(owned.map((pool) => pool.destroy())))
  ).pipe(Effect.map(({ dispatcher }) => dispatcher))
