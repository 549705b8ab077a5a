/**
 * `@effect-auth0/token-vault-node`: Token Vault layers for Node.js over undici.
 *
 * @since 0.1.0
 */

/**
 * The Node.js layers: `layerHttpClient`, `layer`, `layerConfig`.
 *
 * @since 0.1.0
 */
export * as NodeTokenVault from "./NodeTokenVault.js"
