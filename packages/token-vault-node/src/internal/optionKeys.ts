/**
 * The names of the HTTP client options, in a module without imports: the promise facade's
 * default (fetch) build reads them too, and must not bundle undici's or Node's modules.
 *
 * @internal
 */
import type { HttpClientOptions } from "../NodeTokenVault.js"

/** The options of `layerHttpClient`, which `layer` takes next to the core's. */
export const httpOptionKeys = [
  "connections",
  "keepAliveTimeout",
  "connectTimeout",
  "tls",
  "proxy",
  "proxyFromEnvironment"
] as const satisfies ReadonlyArray<keyof HttpClientOptions>
