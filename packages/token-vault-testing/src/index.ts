/**
 * An Auth0 Token Vault emulator for tests: the tenant model and handler (`TokenVaultEmulator`),
 * fault injection (`Fault`), an in-memory `HttpClient` (`EmulatorHttpClient`), a loopback HTTP and
 * HTTPS/mTLS server (`EmulatorServer`), and test certificates (`TestCertificates`).
 *
 * `EmulatorServer` and `TestCertificates` need Node; browser and worker bundles import the other
 * modules directly (`@effect-auth0/token-vault-testing/TokenVaultEmulator`, `/EmulatorHttpClient`,
 * `/Fault`).
 *
 * @since 0.1.0
 */

/**
 * The emulated tenant, its request handler, record of requests and fault switch.
 *
 * @since 0.1.0
 */
export * as TokenVaultEmulator from "./TokenVaultEmulator.js"

/**
 * Faults the emulator can answer with instead of the normal answer.
 *
 * @since 0.1.0
 */
export * as Fault from "./Fault.js"

/**
 * The emulator as an in-memory `HttpClient` (`effect/http/HttpClient`).
 *
 * @since 0.1.0
 */
export * as EmulatorHttpClient from "./EmulatorHttpClient.js"

/**
 * The emulator served over HTTP on `127.0.0.1`.
 *
 * @since 0.1.0
 */
export * as EmulatorServer from "./EmulatorServer.js"

/**
 * Test certificates (CA, server, CA-signed and self-signed clients, encrypted keys) made with
 * `openssl`, for HTTPS and mTLS tests. Node-only.
 *
 * @since 0.1.0
 */
export * as TestCertificates from "./TestCertificates.js"
