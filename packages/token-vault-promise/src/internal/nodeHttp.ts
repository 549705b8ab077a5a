/**
 * How the Node build (the package's `node` export condition) sends: through the Node adapter's
 * undici client, whose options arrive here as plain values and are wrapped in `Redacted` where
 * they are secrets; or through `customFetch` when it is given.
 *
 * The adapter, and undici with it, is loaded when the first client builds its HTTP layer, not when
 * the package is imported: undici costs several times the rest of the package's import time.
 *
 * @internal
 */
import { TokenVaultError } from "@effect-auth0/token-vault"
import type { NodeTokenVault } from "@effect-auth0/token-vault-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ownField } from "../../../token-vault/src/internal/ownProperties.js"
import { unreadableOptions } from "../../../token-vault/src/internal/unreadable.js"
import type { TlsOptions } from "../options.js"
import { fetchHttp, type HttpLayer } from "./fetchHttp.js"
import { nodeHttpOptionNames, type Settings } from "./settings.js"

/** The Node adapter, imported on first use. */
const loadNodeAdapter = Effect.tryPromise({
  try: () => import("@effect-auth0/token-vault-node"),
  catch: () =>
    new TokenVaultError.InvalidConfigurationError({
      option: "runtime",
      message:
        "undici, the HTTP client on Node, could not be loaded (it needs Node >= 22.19 and the undici package); " +
        "give customFetch to send with fetch instead"
    })
})

const redact = (value: unknown) => value === undefined ? undefined : Redacted.make(value)

/** The adapter's `tls` from the facade's, own properties only. */
const nodeTls = (tls: { readonly [K in keyof TlsOptions]?: unknown }) => ({
  cert: ownField(tls, "cert"),
  key: redact(ownField(tls, "key")),
  passphrase: redact(ownField(tls, "passphrase")),
  ca: ownField(tls, "ca")
})

/**
 * The Node adapter's options from the facade's: `tls.key`, `tls.passphrase` and `proxy` become
 * `Redacted`; everything is otherwise passed on as given, for the adapter to validate.
 */
const nodeOptions = (settings: Settings): NodeTokenVault.HttpClientOptions => {
  const tls = settings.tls
  return {
    connections: settings.connections,
    keepAliveTimeout: settings.keepAliveTimeout,
    connectTimeout: settings.connectTimeout,
    tls: typeof tls === "object" && tls !== null ? nodeTls(tls as { readonly [K in keyof TlsOptions]?: unknown }) : tls,
    proxy: typeof settings.proxy === "string" ? Redacted.make(settings.proxy) : settings.proxy,
    proxyFromEnvironment: settings.proxyFromEnvironment
  } as NodeTokenVault.HttpClientOptions
}

/** The Node build's HTTP: undici, unless `customFetch` is given (then with no undici option). */
export const httpLayer = (settings: Settings): HttpLayer => {
  if (settings.customFetch === undefined) {
    return Layer.unwrap(Effect.flatMap(loadNodeAdapter, ({ NodeTokenVault }) =>
      Effect.try({
        // Reading `tls` may run a getter that throws: what it threw may quote a secret.
        try: () => NodeTokenVault.layerHttpClient(nodeOptions(settings)),
        catch: () =>
          new TokenVaultError.InvalidConfigurationError({ option: "tls", message: `tls ${unreadableOptions}` })
      })))
  }
  const nodeOption = nodeHttpOptionNames.find((name) => settings[name] !== undefined)
  if (nodeOption === undefined) return fetchHttp(settings.customFetch)
  return Layer.unwrap(Effect.fail(
    new TokenVaultError.InvalidConfigurationError({
      option: "customFetch",
      message: `give customFetch or ${nodeOption} (an option of the undici client), not both`
    })
  ))
}
