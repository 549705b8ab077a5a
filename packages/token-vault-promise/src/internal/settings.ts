/**
 * The facade's options, read once when the client is constructed.
 *
 * @internal
 */
import { httpOptionKeys } from "../../../token-vault-node/src/internal/optionKeys.js"
import { ownField } from "../../../token-vault/src/internal/ownProperties.js"
import type { ApiClientOptions, NodeHttpOptions } from "../options.js"

/** The Node HTTP options, by name (the Node adapter's): the default (fetch) build rejects them. */
export const nodeHttpOptionNames = httpOptionKeys satisfies ReadonlyArray<keyof NodeHttpOptions>

/** Every option the client reads, each read once, values unchecked. */
export type Settings = { readonly [K in keyof ApiClientOptions]-?: unknown }

/** Every option's name. */
const optionNames = [
  "domain",
  "audience",
  "clientId",
  "clientSecret",
  "clientAssertionSigningKey",
  "clientAssertionSigningAlg",
  "dpop",
  "customFetch",
  "clientAuthentication",
  "mtlsEndpoint",
  "discoverMtlsEndpoint",
  "cache",
  "retry",
  "timeout",
  ...nodeHttpOptionNames
] as const satisfies ReadonlyArray<keyof ApiClientOptions>

/**
 * Reads every option once (a getter read again later could answer differently), own properties
 * only: an option is never read from a polluted `Object.prototype` (`Object.prototype.mtlsEndpoint
 * = ...` must not redirect tokens).
 */
export const readSettings = (options: ApiClientOptions): Settings => {
  const settings: Record<string, unknown> = {}
  for (const name of optionNames) settings[name] = ownField(options, name)
  return settings as Settings
}
