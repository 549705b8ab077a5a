/**
 * Certificates for HTTPS and mTLS tests, made at test time with the `openssl` command-line tool
 * (OpenSSL 1.1.1 or 3.x; Debian's `/usr/bin/openssl`), in a temporary directory removed right
 * after: a test CA, a server certificate for `127.0.0.1` and `localhost`, CA-signed and
 * self-signed client certificates with a given subject, and passphrase-encrypted keys. Everything
 * is returned as PEM text, private keys as `Redacted`. Keys are ECDSA P-256 unless told otherwise
 * (fast to make); certificates are valid for two days.
 *
 * Node-only (`node:child_process`, `node:fs`, `node:crypto`).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { execFile } from "node:child_process"
import { randomBytes, X509Certificate } from "node:crypto"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { dnAttributes } from "./internal/certificates.js"

/**
 * Making a certificate failed: `openssl` is missing or refused the input (a subject it cannot
 * parse, for example). The message names the step and OpenSSL's complaint, never a key.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const certificates = TestCertificates.make().pipe(
 *   Effect.catchTag("TestCertificateError", (error) => Effect.die(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TestCertificateError extends Schema.TaggedError<TestCertificateError>(
  "@effect-auth0/token-vault-testing/TestCertificateError"
)("TestCertificateError", {
  step: Schema.String,
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Could not make test certificates (${this.step}): ${this.detail}`
  }
}

/**
 * A certificate (PEM) and its private key (PEM, redacted).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const serverKeyPem = Effect.map(TestCertificates.make(), (certificates) => Redacted.value(certificates.server.key))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CertifiedKey {
  readonly cert: string
  readonly key: Redacted.Redacted<string>
}

/**
 * A client certificate with what the emulator matches it by: its subject DN (as Node prints it,
 * attributes joined with `, `) and its SHA-256 fingerprint (`AB:CD:…`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const fingerprint = Effect.map(TestCertificates.selfSigned("CN=cli"), (client) => client.fingerprint256)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientCertificate extends CertifiedKey {
  readonly subjectDn: string
  readonly fingerprint256: string
}

/**
 * A test CA and a server certificate it signed, plus a way to issue client certificates.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const webApp = Effect.flatMap(TestCertificates.make(), (certificates) => certificates.issueClient("CN=web-app"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TestCertificates {
  /** The CA certificate: trust it in clients (server verification) and in the server (client certificates). */
  readonly ca: CertifiedKey
  /** A certificate for `127.0.0.1`, `::1` and `localhost` (or the configured names), signed by the CA. */
  readonly server: CertifiedKey
  /** A client certificate (`extendedKeyUsage=clientAuth`) with this subject (`CN=web-app, O=Example`), signed by the CA. */
  readonly issueClient: (subject: string) => Effect.Effect<ClientCertificate, TestCertificateError>
}

/**
 * Options of {@link make}.
 *
 * @example
 * ```ts
 * import type { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const options: TestCertificates.MakeOptions = { dnsNames: ["localhost", "tenant.test"], keyType: "rsa" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions {
  /** IP subject alternative names of the server certificate. Default `["127.0.0.1", "::1"]`. */
  readonly ipAddresses?: ReadonlyArray<string>
  /** DNS subject alternative names of the server certificate. Default `["localhost"]`. */
  readonly dnsNames?: ReadonlyArray<string>
  /** `"ec"` (P-256, default) or `"rsa"` (2048 bits) for every key. */
  readonly keyType?: KeyType
  /** The `openssl` executable. Default `"openssl"` from `PATH`. */
  readonly openssl?: string
}

/**
 * The kind of key pair made.
 *
 * @example
 * ```ts
 * import type { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const keyType: TestCertificates.KeyType = "rsa"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type KeyType = "ec" | "rsa"

const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
`

const serverExtensions = (ips: ReadonlyArray<string>, dns: ReadonlyArray<string>): string =>
  [
    "basicConstraints = critical,CA:FALSE",
    "keyUsage = critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage = serverAuth",
    `subjectAltName = ${[...ips.map((ip) => `IP:${ip}`), ...dns.map((name) => `DNS:${name}`)].join(",")}`,
    ""
  ].join("\n")

const newKeyArgs = (keyType: KeyType): ReadonlyArray<string> =>
  keyType === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]

/**
 * `CN=web-app, O=Example` (or `/CN=web-app/O=Example`) as OpenSSL's `-subj` wants it, in the
 * order given. A `\` escapes a separator inside a value.
 */
const toOpensslSubject = (subject: string): string | undefined => {
  const attributes = dnAttributes(subject)
  return attributes === undefined
    ? undefined
    : `/${attributes.map(([type, value]) => `${type}=${value.replace(/\//g, "\\/")}`).join("/")}`
}

interface Workspace {
  readonly dir: string
  readonly openssl: (step: string, args: ReadonlyArray<string>, env?: Record<string, string>) => Effect.Effect<
    void,
    TestCertificateError
  >
  readonly write: (name: string, content: string) => Effect.Effect<string, TestCertificateError>
  readonly read: (name: string) => Effect.Effect<string, TestCertificateError>
}

/** A temporary directory for one batch of `openssl` calls, removed when done. */
const withWorkspace = <A>(
  opensslPath: string,
  use: (workspace: Workspace) => Effect.Effect<A, TestCertificateError>
): Effect.Effect<A, TestCertificateError> =>
  Effect.scoped(
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => mkdtemp(join(tmpdir(), "token-vault-certs-")),
          catch: (cause) => new TestCertificateError({ step: "temporary directory", cause, detail: String(cause) })
        }),
        (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
      )
      const openssl: Workspace["openssl"] = (step, args, env) =>
        Effect.callback<void, TestCertificateError>((resume) => {
          const child = execFile(
            opensslPath,
            [...args],
            { cwd: dir, timeout: 30_000, env: { ...process.env, ...env }, maxBuffer: 1024 * 1024 },
            (error, _stdout, stderr) => {
              if (error === null) return resume(Effect.void)
              const detail = String(stderr).trim().split("\n").slice(0, 3).join(" ") || error.message
              resume(Effect.fail(new TestCertificateError({ step, cause: error, detail })))
            }
          )
          return Effect.sync(() => child.kill())
        })
      const write: Workspace["write"] = (name, content) =>
        Effect.tryPromise({
          try: async () => {
            const path = join(dir, name)
            await writeFile(path, content, { mode: 0o600 })
            return path
          },
          catch: (cause) => new TestCertificateError({ step: `write ${name}`, cause, detail: String(cause) })
        })
      const read: Workspace["read"] = (name) =>
        Effect.tryPromise({
          try: () => readFile(join(dir, name), "utf8"),
          catch: (cause) => new TestCertificateError({ step: `read ${name}`, cause, detail: String(cause) })
        })
      return yield* use({ dir, openssl, write, read })
    })
  )

const subjectOrFail = (subject: string): Effect.Effect<string, TestCertificateError> => {
  const converted = toOpensslSubject(subject)
  return converted === undefined
    ? Effect.fail(new TestCertificateError({ step: "subject", detail: `not a DN: ${JSON.stringify(subject)}` }))
    : Effect.succeed(converted)
}

const describeCertificate = (cert: string, key: string): Effect.Effect<ClientCertificate, TestCertificateError> =>
  Effect.try({
    try: () => {
      const x509 = new X509Certificate(cert)
      return {
        cert,
        key: Redacted.make(key),
        subjectDn: x509.subject.split("\n").filter((line) => line !== "").join(", "),
        fingerprint256: x509.fingerprint256
      }
    },
    catch: (cause) => new TestCertificateError({ step: "read certificate", cause, detail: String(cause) })
  })

const serial = (): string => `0x${randomBytes(12).toString("hex")}`

/** How long every certificate is valid, in days. */
const validDays = "2"

/** Makes a key (`<name>.key`) and a certificate it signs itself (`<name>.crt`) with these extensions of `openssl.cnf`. */
const selfSignedCertificate = (
  ws: Workspace,
  step: string,
  name: string,
  options: { readonly keyType: KeyType; readonly subject: string; readonly extensions: string }
) =>
  ws.openssl(step, [
    "req",
    "-x509",
    ...newKeyArgs(options.keyType),
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    validDays,
    "-subj",
    options.subject,
    "-config",
    "openssl.cnf",
    "-extensions",
    options.extensions
  ])

/** Makes a key (`<name>.key`) and a request to certify it (`<name>.csr`). */
const certificateRequest = (ws: Workspace, step: string, name: string, keyType: KeyType, subject: string) =>
  ws.openssl(step, [
    "req",
    "-new",
    ...newKeyArgs(keyType),
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
    "-config",
    "openssl.cnf"
  ])

/**
 * Signs `<name>.csr` with the CA in the workspace (`ca.crt`, `ca.key`) into `<name>.crt`, with the
 * extensions these arguments name (`-extfile <file>`, and `-extensions <section>` of it).
 */
const signRequest = (ws: Workspace, step: string, name: string, extensions: ReadonlyArray<string>) =>
  ws.openssl(step, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-set_serial",
    serial(),
    "-days",
    validDays,
    ...extensions,
    "-out",
    `${name}.crt`
  ])

/**
 * Makes a test CA and a server certificate for `127.0.0.1`, `::1` and `localhost`, signed by it.
 * Issue client certificates with `issueClient`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmulatorServer, TestCertificates, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const certificates = yield* TestCertificates.make()
 *     const emulator = yield* TokenVaultEmulator.make({ domain: "tenant.example.com", clients: [], users: [] })
 *     return yield* EmulatorServer.serve(emulator, {
 *       tls: { cert: certificates.server.cert, key: certificates.server.key, ca: certificates.ca.cert, requestClientCertificate: true }
 *     })
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: MakeOptions = {}): Effect.Effect<TestCertificates, TestCertificateError> => {
  const opensslPath = options.openssl ?? "openssl"
  const keyType = options.keyType ?? "ec"
  return withWorkspace(opensslPath, (ws) =>
    Effect.gen(function*() {
      yield* ws.write("openssl.cnf", CONFIG)
      yield* ws.write(
        "server.ext",
        serverExtensions(options.ipAddresses ?? ["127.0.0.1", "::1"], options.dnsNames ?? ["localhost"])
      )
      yield* selfSignedCertificate(ws, "CA", "ca", {
        keyType,
        subject: "/CN=Token Vault Emulator Test CA",
        extensions: "ca_ext"
      })
      yield* certificateRequest(ws, "server request", "server", keyType, "/CN=Token Vault Emulator")
      yield* signRequest(ws, "server certificate", "server", ["-extfile", "server.ext"])
      const ca: CertifiedKey = { cert: yield* ws.read("ca.crt"), key: Redacted.make(yield* ws.read("ca.key")) }
      const server: CertifiedKey = {
        cert: yield* ws.read("server.crt"),
        key: Redacted.make(yield* ws.read("server.key"))
      }
      const issueClient = (subject: string): Effect.Effect<ClientCertificate, TestCertificateError> =>
        Effect.flatMap(subjectOrFail(subject), (subj) =>
          withWorkspace(opensslPath, (client) =>
            Effect.gen(function*() {
              yield* client.write("openssl.cnf", CONFIG)
              yield* client.write("ca.crt", ca.cert)
              yield* client.write("ca.key", Redacted.value(ca.key))
              yield* certificateRequest(client, "client request", "client", keyType, subj)
              yield* signRequest(client, "client certificate", "client", [
                "-extfile",
                "openssl.cnf",
                "-extensions",
                "client_ext"
              ])
              return yield* describeCertificate(yield* client.read("client.crt"), yield* client.read("client.key"))
            })))
      return { ca, server, issueClient }
    }))
}

/**
 * Makes a self-signed client certificate (`extendedKeyUsage=clientAuth`) with this subject, for
 * `self_signed_tls_client_auth`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestCertificates, type TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
 *
 * const client = Effect.map(TestCertificates.selfSigned("CN=cli"), (certificate): TokenVaultEmulator.ClientConfig => ({
 *   clientId: "cli",
 *   authMethods: ["self_signed_tls_client_auth"],
 *   selfSignedCertificates: [certificate.cert]
 * }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const selfSigned = (
  subject: string,
  options: { readonly keyType?: KeyType; readonly openssl?: string } = {}
): Effect.Effect<ClientCertificate, TestCertificateError> =>
  Effect.flatMap(
    subjectOrFail(subject),
    (subj) =>
      withWorkspace(options.openssl ?? "openssl", (ws) =>
        Effect.gen(function*() {
          yield* ws.write("openssl.cnf", CONFIG)
          yield* selfSignedCertificate(ws, "self-signed certificate", "client", {
            keyType: options.keyType ?? "ec",
            subject: subj,
            extensions: "client_ext"
          })
          return yield* describeCertificate(yield* ws.read("client.crt"), yield* ws.read("client.key"))
        }))
  )

/**
 * Encrypts a private key (PEM) with a passphrase (PKCS#8, AES-256-CBC), as a client configured
 * with `key` and `passphrase` expects. The passphrase reaches `openssl` through its environment,
 * not its command line.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const encrypted = Effect.gen(function* () {
 *   const client = yield* TestCertificates.selfSigned("CN=cli")
 *   return yield* TestCertificates.encryptKey(client.key, Redacted.make("correct horse"))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const encryptKey = (
  key: Redacted.Redacted<string>,
  passphrase: string | Redacted.Redacted<string>,
  options: { readonly openssl?: string } = {}
): Effect.Effect<Redacted.Redacted<string>, TestCertificateError> =>
  withWorkspace(options.openssl ?? "openssl", (ws) =>
    Effect.gen(function*() {
      yield* ws.write("plain.key", Redacted.value(key))
      yield* ws.openssl(
        "encrypt key",
        [
          "pkcs8",
          "-topk8",
          "-v2",
          "aes-256-cbc",
          "-in",
          "plain.key",
          "-out",
          "encrypted.key",
          "-passout",
          "env:TV_KEY_PASSPHRASE"
        ],
        { TV_KEY_PASSPHRASE: typeof passphrase === "string" ? passphrase : Redacted.value(passphrase) }
      )
      return Redacted.make(yield* ws.read("encrypted.key"))
    }))

/**
 * The certificates of a test run, as a service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const caPem = Effect.map(TestCertificates.TestCertificates, (certificates) => certificates.ca.cert)
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export const TestCertificates: Context.Service<TestCertificates, TestCertificates> = Context.Service<
  TestCertificates
>("@effect-auth0/token-vault-testing/TestCertificates")

/**
 * A layer making the certificates once, for a test file's `layer(...)`.
 *
 * @example
 * ```ts
 * import { TestCertificates } from "@effect-auth0/token-vault-testing"
 *
 * const certificates = TestCertificates.layer({ dnsNames: ["localhost"] })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: MakeOptions = {}): Layer.Layer<TestCertificates, TestCertificateError> =>
  Layer.effect(TestCertificates, make(options))
