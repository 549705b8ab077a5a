/**
 * `@effect-auth0/token-vault-browser`: Token Vault layers for browsers and fetch-only runtimes.
 *
 * @since 0.1.0
 */

/**
 * The fetch layers: `layerHttpClient`, `layer`, `layerConfig`.
 *
 * @since 0.1.0
 */
export * as BrowserTokenVault from "./BrowserTokenVault.js"
