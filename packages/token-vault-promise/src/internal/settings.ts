/**
 * The facade's options, read once when the client is constructed.
 *
 * @internal
 */
import type { ApiClientOptions, NodeHttpOptions } from "../options.js"

/** The Node HTTP options, by name: the default (fetch) build rejects them. */
export const nodeHttpOptionNames = [
  "connections",
  "keepAliveTimeout",
  "connectTimeout",
  "tls",
  "proxy",
  "proxyFromEnvironment"
] as const satisfies ReadonlyArray<keyof NodeHttpOptions>

/** Every option the client reads, each read once, values unchecked. */
export type Settings = { readonly [K in keyof ApiClientOptions]-?: unknown }

/** Reads every option once: a getter read again later could answer differently. */
export const readSettings = (options: ApiClientOptions): Settings => ({
  domain: options.domain,
  audience: options.audience,
  clientId: options.clientId,
  clientSecret: options.clientSecret,
  clientAssertionSigningKey: options.clientAssertionSigningKey,
  clientAssertionSigningAlg: options.clientAssertionSigningAlg,
  customFetch: options.customFetch,
  clientAuthentication: options.clientAuthentication,
  mtlsEndpoint: options.mtlsEndpoint,
  discoverMtlsEndpoint: options.discoverMtlsEndpoint,
  cache: options.cache,
  retry: options.retry,
  timeout: options.timeout,
  connections: options.connections,
  keepAliveTimeout: options.keepAliveTimeout,
  connectTimeout: options.connectTimeout,
  tls: options.tls,
  proxy: options.proxy,
  proxyFromEnvironment: options.proxyFromEnvironment
})
