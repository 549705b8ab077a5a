/**
 * Certificates this package's tests need besides the emulator's `TestCertificates`: an encrypted
 * copy of a key, and a key that belongs to no certificate here. Made with `openssl` in a temporary
 * directory, removed before the functions return.
 */
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

export interface LocalCertificates {
  /** An unencrypted P-256 key and a self-signed certificate for it. */
  readonly selfSignedCert: string
  readonly selfSignedKey: string
  /** `selfSignedKey`, encrypted with AES-256 under `passphrase`. */
  readonly encryptedKey: string
  readonly passphrase: string
  /** A key of no certificate here. */
  readonly strayKey: string
}

const openssl = (cwd: string, args: ReadonlyArray<string>) => {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 20_000 })
}

/** Re-encrypts `key` (PEM) with `passphrase`. */
export const encryptKey = (key: string, passphrase: string): string => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tv-node-key-"))
  try {
    Fs.writeFileSync(Path.join(dir, "in.pem"), key, { mode: 0o600 })
    openssl(dir, ["pkey", "-in", "in.pem", "-aes256", "-passout", `pass:${passphrase}`, "-out", "out.pem"])
    return Fs.readFileSync(Path.join(dir, "out.pem"), "utf8")
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Makes the certificates in a temporary directory, removed before it returns. */
export const makeLocalCertificates = (): LocalCertificates => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tv-node-certs-"))
  try {
    const passphrase = "correct horse battery staple 7"
    openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "self.key"])
    openssl(dir, [
      "req",
      "-x509",
      "-new",
      "-key",
      "self.key",
      "-subj",
      "/CN=self-signed-node-app",
      "-days",
      "2",
      "-out",
      "self.crt"
    ])
    openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "stray.key"])
    const read = (name: string) => Fs.readFileSync(Path.join(dir, name), "utf8")
    const selfSignedKey = read("self.key")
    return {
      selfSignedCert: read("self.crt"),
      selfSignedKey,
      encryptedKey: encryptKey(selfSignedKey, passphrase),
      passphrase,
      strayKey: read("stray.key")
    }
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}
