import { TokenVault, TokenVaultError } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { CLIENT_ID, CLIENT_SECRET, renderings, withEnvironment } from "./helpers.js"
import { type LocalCertificates, makeLocalCertificates } from "./localCertificates.js"

/** Builds the layer and returns its failure, if any. */
const buildError = <A>(layer: Layer.Layer<A, TokenVaultError.InvalidConfigurationError>) =>
  Effect.scoped(Layer.build(layer)).pipe(
    Effect.flip,
    Effect.orElseSucceed(() => undefined)
  )

const httpError = (options: unknown) =>
  buildError(NodeTokenVault.layerHttpClient(options as NodeTokenVault.HttpClientOptions))

const base = { domain: "tenant.example.com", clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET) }

describe("layerHttpClient options", () => {
  it.effect("defaults and valid options build a client", () =>
    Effect.gen(function*() {
      for (
        const options of [
          undefined,
          {},
          { connections: 1, keepAliveTimeout: "30 seconds", connectTimeout: 250 },
          { proxy: "http://127.0.0.1:3128" },
          { proxy: Redacted.make("http://user:pa%3Ass@127.0.0.1:3128") },
          { proxyFromEnvironment: true },
          { proxyFromEnvironment: false }
        ] satisfies ReadonlyArray<NodeTokenVault.HttpClientOptions | undefined>
      ) {
        const client = yield* Effect.scoped(
          Effect.provide(HttpClient.HttpClient, NodeTokenVault.layerHttpClient(options))
        )
        expect(typeof client.execute).toBe("function")
      }
    }))

  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ["options not an object", "fast", "options"],
    ["connections 0", { connections: 0 }, "connections"],
    ["connections fractional", { connections: 1.5 }, "connections"],
    ["connections as text", { connections: "4" }, "connections"],
    ["keepAliveTimeout 0", { keepAliveTimeout: 0 }, "keepAliveTimeout"],
    ["keepAliveTimeout infinite", { keepAliveTimeout: "Infinity" }, "keepAliveTimeout"],
    ["keepAliveTimeout not a duration", { keepAliveTimeout: "a while" }, "keepAliveTimeout"],
    ["connectTimeout negative", { connectTimeout: -5 }, "connectTimeout"],
    ["proxy not a URL", { proxy: "proxy.internal:3128" }, "proxy"],
    ["proxy of another scheme", { proxy: "socks4://127.0.0.1:1080" }, "proxy"],
    ["proxy with a path", { proxy: "http://127.0.0.1:3128/path" }, "proxy"],
    ["proxy not a string", { proxy: 3128 }, "proxy"],
    ["proxy and proxyFromEnvironment", { proxy: "http://127.0.0.1:3128", proxyFromEnvironment: true }, "proxy"],
    ["proxyFromEnvironment not a boolean", { proxyFromEnvironment: "yes" }, "proxyFromEnvironment"],
    ["tls not an object", { tls: "cert.pem" }, "tls"],
    ["tls.ca empty", { tls: { ca: "" } }, "tls.ca"],
    ["tls.ca empty list", { tls: { ca: [] } }, "tls.ca"],
    [
      "tls.ca not a certificate",
      { tls: { ca: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n" } },
      "tls.ca"
    ],
    ["tls.key without cert", { tls: { key: Redacted.make("k") } }, "tls.cert"],
    ["tls.cert without key", { tls: { cert: "c" } }, "tls.key"],
    ["tls.key not Redacted", { tls: { cert: "c", key: "-----BEGIN PRIVATE KEY-----" } }, "tls.key"],
    [
      "tls.passphrase not Redacted",
      { tls: { cert: "c", key: Redacted.make("k"), passphrase: "pw" } },
      "tls.passphrase"
    ],
    ["tls.passphrase without key", { tls: { passphrase: Redacted.make("pw") } }, "tls.passphrase"],
    ["tls.cert not a certificate", { tls: { cert: "not a certificate", key: Redacted.make("k") } }, "tls.cert"]
  ]
  for (const [name, options, option] of cases) {
    it.effect(`${name} fails with InvalidConfigurationError naming ${option}`, () =>
      Effect.gen(function*() {
        const error = yield* httpError(options)
        expect(error).toBeInstanceOf(TokenVaultError.InvalidConfigurationError)
        expect(error?.option).toBe(option)
      }))
  }

  it.effect("a proxy URL's credentials never appear in the error", () =>
    Effect.gen(function*() {
      const error = yield* httpError({ proxy: Redacted.make("ftp://proxyuser:hunter2-proxy@127.0.0.1:21") })
      expect(error?.option).toBe("proxy")
      for (const text of renderings(error)) expect(text).not.toContain("hunter2-proxy")
    }))

  it.effect("an invalid HTTPS_PROXY fails the layer in environment mode, without its value", () =>
    Effect.gen(function*() {
      yield* withEnvironment({ HTTPS_PROXY: "http://user:env-secret@[::1" })
      const error = yield* httpError({ proxyFromEnvironment: true })
      expect(error?.option).toBe("proxyFromEnvironment")
      for (const text of renderings(error)) expect(text).not.toContain("env-secret")
      // The same environment is ignored when the mode is off (the default).
      expect(yield* httpError({})).toBeUndefined()
    }))
})

describe("layerHttpClient TLS material", () => {
  let certificates: LocalCertificates
  beforeAll(() => {
    certificates = makeLocalCertificates()
  })

  it.effect("a key with the right passphrase is accepted", () =>
    Effect.gen(function*() {
      const error = yield* httpError({
        tls: {
          cert: certificates.selfSignedCert,
          key: Redacted.make(certificates.encryptedKey),
          passphrase: Redacted.make(certificates.passphrase)
        }
      })
      expect(error).toBeUndefined()
      // Bytes work as well as text.
      const fromBytes = yield* httpError({
        tls: {
          cert: Buffer.from(certificates.selfSignedCert),
          key: Redacted.make(new TextEncoder().encode(certificates.selfSignedKey))
        }
      })
      expect(fromBytes).toBeUndefined()
    }))

  const secretsOf =
    () => [certificates.encryptedKey, certificates.selfSignedKey, certificates.passphrase, "wrong passphrase 42"]

  it.effect("a wrong passphrase fails with tls.passphrase, and neither key nor passphrase shows", () =>
    Effect.gen(function*() {
      const error = yield* httpError({
        tls: {
          cert: certificates.selfSignedCert,
          key: Redacted.make(certificates.encryptedKey),
          passphrase: Redacted.make("wrong passphrase 42")
        }
      })
      expect(error?.option).toBe("tls.passphrase")
      expect(error?.message).toContain("wrong")
      const keyBody = certificates.encryptedKey.split("\n")[1] ?? ""
      for (const text of renderings(error)) {
        for (const secret of [...secretsOf(), keyBody]) expect(text).not.toContain(secret)
      }
    }))

  it.effect("an encrypted key without passphrase fails with tls.passphrase", () =>
    Effect.gen(function*() {
      const error = yield* httpError({
        tls: { cert: certificates.selfSignedCert, key: Redacted.make(certificates.encryptedKey) }
      })
      expect(error?.option).toBe("tls.passphrase")
      expect(error?.message).toContain("missing")
    }))

  it.effect("a key of another certificate fails with tls.key", () =>
    Effect.gen(function*() {
      const error = yield* httpError({
        tls: { cert: certificates.selfSignedCert, key: Redacted.make(certificates.strayKey) }
      })
      expect(error?.option).toBe("tls.key")
      for (const text of renderings(error)) expect(text).not.toContain(certificates.strayKey.split("\n")[1] ?? "")
    }))

  it.effect("a key that is no key fails with tls.key", () =>
    Effect.gen(function*() {
      const error = yield* httpError({
        tls: { cert: certificates.selfSignedCert, key: Redacted.make("definitely-not-a-key") }
      })
      expect(error?.option).toBe("tls.key")
      for (const text of renderings(error)) expect(text).not.toContain("definitely-not-a-key")
    }))

  it.effect("a CA bundle of several certificates is accepted", () =>
    Effect.gen(function*() {
      expect(yield* httpError({ tls: { ca: certificates.selfSignedCert + certificates.selfSignedCert } }))
        .toBeUndefined()
      expect(yield* httpError({ tls: { ca: [certificates.selfSignedCert, Buffer.from(certificates.selfSignedCert)] } }))
        .toBeUndefined()
    }))
})

describe("layer and layerConfig", () => {
  it.effect("mTLS client authentication without a certificate fails with option tls", () =>
    Effect.gen(function*() {
      for (const clientAuthentication of ["tls_client_auth", "self_signed_tls_client_auth"] as const) {
        const error = yield* buildError(
          NodeTokenVault.layer({ domain: base.domain, clientId: CLIENT_ID, clientAuthentication })
        )
        expect(error?.option).toBe("tls")
        expect(error?.message).toContain(clientAuthentication)
      }
    }))

  it.effect("core options are still checked by the core", () =>
    Effect.gen(function*() {
      const error = yield* buildError(NodeTokenVault.layer({ ...base, domain: "http://tenant.example.com" }))
      expect(error?.option).toBe("domain")
      const missing = yield* buildError(NodeTokenVault.layer({ domain: base.domain, clientId: CLIENT_ID }))
      expect(missing).toBeInstanceOf(TokenVaultError.InvalidConfigurationError)
    }))

  it.effect("HTTP options are checked by layer too", () =>
    Effect.gen(function*() {
      const error = yield* buildError(NodeTokenVault.layer({ ...base, connections: -1 }))
      expect(error?.option).toBe("connections")
    }))

  it.effect("layerConfig reads the core variables and the optional AUTH0_MTLS_* variables", () =>
    Effect.gen(function*() {
      const provider = (entries: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromUnknown(entries))
      const core = { AUTH0_DOMAIN: base.domain, AUTH0_CLIENT_ID: CLIENT_ID, AUTH0_CLIENT_SECRET: CLIENT_SECRET }

      const ok = yield* Effect.exit(
        Effect.scoped(Layer.build(NodeTokenVault.layerConfig().pipe(Layer.provide(provider(core)))))
      )
      expect(Exit.isSuccess(ok)).toBe(true)

      // A key without its certificate: the mTLS variables are read, and checked.
      const halfMtls = yield* buildError(
        NodeTokenVault.layerConfig().pipe(Layer.provide(provider({ ...core, AUTH0_MTLS_KEY: "secret-key-material" })))
      )
      expect(halfMtls?.option).toBe("tls.cert")
      for (const text of renderings(halfMtls)) expect(text).not.toContain("secret-key-material")

      const missing = yield* buildError(
        NodeTokenVault.layerConfig().pipe(Layer.provide(provider({ AUTH0_DOMAIN: base.domain })))
      )
      expect(missing?.option).toBe("config")
      expect(missing?.message).toContain("AUTH0_CLIENT_ID")

      // Effect's own text would quote the value it read; the error names the variable only.
      const invalid = yield* buildError(
        NodeTokenVault.layerConfig().pipe(
          Layer.provide(provider({ ...core, AUTH0_CLIENT_AUTHENTICATION: "bogus-value-7f3" }))
        )
      )
      expect(invalid?.message).toContain("AUTH0_CLIENT_AUTHENTICATION")
      for (const text of renderings(invalid)) expect(text).not.toContain("bogus-value-7f3")
    }))

  it.effect("layerConfig reads mTLS client authentication from the environment, no secret needed", () =>
    Effect.gen(function*() {
      const certificates = makeLocalCertificates()
      const provider = (entries: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromUnknown(entries))
      const mtls = {
        AUTH0_DOMAIN: base.domain,
        AUTH0_CLIENT_ID: CLIENT_ID,
        AUTH0_CLIENT_AUTHENTICATION: "self_signed_tls_client_auth",
        AUTH0_MTLS_ENDPOINT: "https://mtls.tenant.example.com/oauth/token",
        AUTH0_MTLS_CERT: certificates.selfSignedCert,
        AUTH0_MTLS_KEY: certificates.encryptedKey,
        AUTH0_MTLS_KEY_PASSPHRASE: certificates.passphrase
      }
      const ok = yield* buildError(NodeTokenVault.layerConfig().pipe(Layer.provide(provider(mtls))))
      expect(ok).toBeUndefined()

      const {
        AUTH0_MTLS_CERT: _cert,
        AUTH0_MTLS_KEY: _key,
        AUTH0_MTLS_KEY_PASSPHRASE: _passphrase,
        ...withoutCertificate
      } = mtls
      const noCertificate = yield* buildError(
        NodeTokenVault.layerConfig().pipe(Layer.provide(provider(withoutCertificate)))
      )
      expect(noCertificate?.option).toBe("tls")

      const wrongPassphrase = yield* buildError(
        NodeTokenVault.layerConfig().pipe(Layer.provide(provider({ ...mtls, AUTH0_MTLS_KEY_PASSPHRASE: "not it" })))
      )
      expect(wrongPassphrase?.option).toBe("tls.passphrase")
      for (const text of renderings(wrongPassphrase)) {
        expect(text).not.toContain("not it")
        expect(text).not.toContain(certificates.encryptedKey.split("\n")[1] ?? "")
      }

      const unknownMethod = yield* buildError(
        NodeTokenVault.layerConfig().pipe(
          Layer.provide(provider({ ...mtls, AUTH0_CLIENT_AUTHENTICATION: "client_secret_jwt" }))
        )
      )
      expect(unknownMethod?.option).toBe("config")
    }))

  it.effect("layerConfig takes a config of LayerOptions, HTTP options included", () =>
    Effect.gen(function*() {
      yield* withEnvironment({ HTTPS_PROXY: "http://user:env-secret@[::1" })
      const custom = NodeTokenVault.layerConfig({
        domain: Config.String("TENANT_DOMAIN"),
        clientId: Config.String("TENANT_CLIENT_ID"),
        clientSecret: Config.Redacted("TENANT_CLIENT_SECRET"),
        connections: Config.Int("TENANT_CONNECTIONS"),
        proxyFromEnvironment: Config.succeed(true)
      })
      const provider = ConfigProvider.layer(ConfigProvider.fromUnknown({
        TENANT_DOMAIN: base.domain,
        TENANT_CLIENT_ID: CLIENT_ID,
        TENANT_CLIENT_SECRET: CLIENT_SECRET,
        TENANT_CONNECTIONS: "4"
      }))
      // The HTTP options reach the client: environment mode reads the broken HTTPS_PROXY.
      const error = yield* buildError(custom.pipe(Layer.provide(provider)))
      expect(error?.option).toBe("proxyFromEnvironment")
    }))

  it.effect("layerConfig given something that is not a config fails typed, and throws nothing", () =>
    Effect.gen(function*() {
      const notConfigs: ReadonlyArray<unknown> = [
        null,
        "AUTH0_DOMAIN",
        { domain: "tenant.example.com" },
        { domain: null },
        { tls: { cert: "-----BEGIN CERTIFICATE-----" } },
        Object.defineProperty({}, "domain", {
          enumerable: true,
          get: () => {
            throw new Error("getter-secret-9c1")
          }
        })
      ]
      for (const config of notConfigs) {
        const error = yield* buildError(NodeTokenVault.layerConfig(config as Config.Wrap<NodeTokenVault.LayerOptions>))
        expect(error).toBeInstanceOf(TokenVaultError.InvalidConfigurationError)
        expect(error?.option).toBe("config")
        for (const text of renderings(error)) expect(text).not.toContain("getter-secret-9c1")
      }
    }))

  it.effect("the service is the core's TokenVault", () =>
    Effect.gen(function*() {
      const vault = yield* Effect.scoped(Effect.provide(TokenVault.TokenVault, NodeTokenVault.layer(base)))
      expect(typeof vault.getAccessTokenForConnection).toBe("function")
    }))
})
