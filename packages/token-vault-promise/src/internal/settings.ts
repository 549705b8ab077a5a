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

/**
 * `record[key]` when it is an own property, else `undefined`: an option is never read from a
 * polluted `Object.prototype` (`Object.prototype.mtlsEndpoint = ...` must not redirect tokens).
 */
export const ownOption = (record: object, key: string): unknown =>
  Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined

/** Every option's name. */
const optionNames = [
  "domain",
  "audience",
  "clientId",
  "clientSecret",
  "clientAssertionSigningKey",
  "clientAssertionSigningAlg",
  "customFetch",
  "clientAuthentication",
  "mtlsEndpoint",
  "discoverMtlsEndpoint",
  "cache",
  "retry",
  "timeout",
  "connections",
  "keepAliveTimeout",
  "connectTimeout",
  "tls",
  "proxy",
  "proxyFromEnvironment"
] as const satisfies ReadonlyArray<keyof ApiClientOptions>

/**
 * Reads every option once (a getter read again later could answer differently), own properties
 * only.
 */
export const readSettings = (options: ApiClientOptions): Settings => {
  const settings: Record<string, unknown> = {}
  for (const name of optionNames) settings[name] = ownOption(options, name)
  return settings as Settings
}
