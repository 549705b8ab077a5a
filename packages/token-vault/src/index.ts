/**
 * `@effect-auth0/token-vault`: an Effect-native client for Auth0 Token Vault.
 *
 * @since 0.1.0
 */

/**
 * The options of one exchange and their Schema.
 *
 * @since 0.1.0
 */
export * as AccessTokenForConnectionOptions from "./AccessTokenForConnectionOptions.js"

/**
 * The result of an exchange.
 *
 * @since 0.1.0
 */
export * as ConnectionTokenSet from "./ConnectionTokenSet.js"

/**
 * A token transport straight on `fetch`.
 *
 * @since 1.0.0
 */
export * as FetchTokenTransport from "./FetchTokenTransport.js"

/**
 * The token cache's store interface and its in-memory LRU.
 *
 * @since 0.1.0
 */
export * as TokenCache from "./TokenCache.js"

/**
 * How token requests reach Auth0: the service a runtime adapter provides for a faster path.
 *
 * @since 0.1.0
 */
export * as TokenTransport from "./TokenTransport.js"

/**
 * The service, its constructors, layers and accessors.
 *
 * @since 0.1.0
 */
export * as TokenVault from "./TokenVault.js"

/**
 * The typed errors.
 *
 * @since 0.1.0
 */
export * as TokenVaultError from "./TokenVaultError.js"

/**
 * The client options and their default `Config`.
 *
 * @since 0.1.0
 */
export * as TokenVaultOptions from "./TokenVaultOptions.js"

/**
 * The metrics the service updates.
 *
 * @since 0.1.0
 */
export * as TokenVaultMetrics from "./TokenVaultMetrics.js"
