/**
 * Validation of the HTTP client options: pool size, timeouts, TLS and proxy. Messages name the
 * option, never its value (a proxy URL may carry credentials).
 *
 * @internal
 */
import { TokenVaultError } from "@effect-auth0/token-vault"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { httpOptionKeys } from "./optionKeys.js"
import { ownFields } from "./own.js"
import { type ResolvedTls, resolveTls } from "./tls.js"

type InvalidConfigurationError = TokenVaultError.InvalidConfigurationError

/** undici's defaults, which this adapter keeps. */
export const defaults = {
  connectTimeout: Duration.seconds(10)
} as const

/** Where requests go: straight to the origin, through one proxy, or as the environment says. */
export type ResolvedProxy =
  | { readonly _tag: "Direct" }
  | { readonly _tag: "Explicit"; readonly uri: Redacted.Redacted<string> }
  | { readonly _tag: "Environment" }

/** Validated options, in undici's units. */
export interface ResolvedHttpOptions {
  /** Sockets per origin; `null` is no limit. */
  readonly connections: number | null
  /**
   * The idle limit of a pooled socket, also capping a server's `Keep-Alive: timeout` hint;
   * `undefined` leaves undici's defaults (4 s without a hint, the hint up to 10 minutes).
   */
  readonly keepAliveTimeoutMillis: number | undefined
  readonly connectTimeoutMillis: number
  readonly tls: ResolvedTls | undefined
  readonly proxy: ResolvedProxy
}

const invalid = (option: string, message: string) =>
  Effect.fail(new TokenVaultError.InvalidConfigurationError({ option, message }))

/**
 * The error for options whose properties throw when read (a getter, a Proxy trap, a wiped
 * `Redacted`), without what was thrown: it could quote a secret.
 */
export const unreadableOptions = () =>
  new TokenVaultError.InvalidConfigurationError({
    option: "options",
    message: "options could not be read: reading one of its properties threw"
  })

const positiveMillis = (
  option: string,
  value: unknown,
  fallback: Duration.Duration
): Effect.Effect<number, InvalidConfigurationError> => {
  if (value === undefined) return Effect.succeed(Duration.toMillis(fallback))
  const duration = Duration.fromInput(value as Duration.Input)
  if (Option.isNone(duration) || !Duration.isFinite(duration.value) || Duration.toMillis(duration.value) < 1) {
    return invalid(option, `${option} must be a finite duration of at least 1 millisecond (e.g. "5 seconds")`)
  }
  return Effect.succeed(Math.round(Duration.toMillis(duration.value)))
}

const resolveConnections = (value: unknown): Effect.Effect<number | null, InvalidConfigurationError> => {
  if (value === undefined) return Effect.succeed(null)
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    return invalid("connections", "connections must be a whole number of at least 1")
  }
  return Effect.succeed(value)
}

const resolveProxy = (
  proxy: unknown,
  fromEnvironment: unknown
): Effect.Effect<ResolvedProxy, InvalidConfigurationError> => {
  if (fromEnvironment !== undefined && typeof fromEnvironment !== "boolean") {
    return invalid("proxyFromEnvironment", "proxyFromEnvironment must be a boolean")
  }
  if (proxy === undefined) {
    return Effect.succeed(fromEnvironment === true ? { _tag: "Environment" } : { _tag: "Direct" })
  }
  if (fromEnvironment === true) {
    return invalid("proxy", "give either proxy or proxyFromEnvironment, not both")
  }
  const uri = Redacted.isRedacted(proxy) ? Redacted.value(proxy as Redacted.Redacted<unknown>) : proxy
  if (typeof uri !== "string") {
    return invalid("proxy", "proxy must be a URL string (Redacted when it holds credentials)")
  }
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return invalid("proxy", "proxy is not a valid URL")
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return invalid("proxy", "proxy must be an http: or https: URL")
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    return invalid("proxy", "proxy must be an origin (scheme, optional credentials, host, port), without path or query")
  }
  return Effect.succeed({ _tag: "Explicit", uri: Redacted.make(uri) })
}

/**
 * Validates every option of `layerHttpClient`. Reading a nested option may throw (a getter, a
 * Proxy, a wiped `Redacted` key or proxy URL): that fails typed, without what was thrown.
 */
export const resolveHttpOptions = (
  options: unknown
): Effect.Effect<ResolvedHttpOptions, InvalidConfigurationError> =>
  Effect.catchDefect(validateHttpOptions(options), () => Effect.fail(unreadableOptions()))

const validateHttpOptions = (
  options: unknown
): Effect.Effect<ResolvedHttpOptions, InvalidConfigurationError> =>
  Effect.gen(function*() {
    if (typeof options !== "object" || options === null) return yield* invalid("options", "options must be an object")
    // Own properties only: `options` may come from plain JavaScript, and inherited values from a
    // polluted prototype must not choose the proxy or the certificate.
    const { connectTimeout, connections, keepAliveTimeout, proxy, proxyFromEnvironment, tls } = ownFields(
      options,
      httpOptionKeys
    )
    return {
      connections: yield* resolveConnections(connections),
      keepAliveTimeoutMillis: keepAliveTimeout === undefined
        ? undefined
        : yield* positiveMillis("keepAliveTimeout", keepAliveTimeout, Duration.zero),
      connectTimeoutMillis: yield* positiveMillis("connectTimeout", connectTimeout, defaults.connectTimeout),
      tls: yield* resolveTls(tls),
      proxy: yield* resolveProxy(proxy, proxyFromEnvironment)
    }
  })
