/**
 * Client certificates for mTLS client authentication, without Node: PEM decoding, SHA-256
 * fingerprints (WebCrypto) in Node's `X509Certificate.fingerprint256` spelling, and subject DN
 * comparison.
 *
 * @internal
 */

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/

/** The DER bytes of the first certificate of a PEM text, if there is one. @internal */
export const pemToDer = (pem: string): Uint8Array | undefined => {
  const match = PEM_CERTIFICATE.exec(pem)
  if (match === null) return undefined
  const base64 = (match[1] ?? "").replace(/\s+/g, "")
  if (base64 === "") return undefined
  try {
    const binary = atob(base64)
    return Uint8Array.from(binary, (char) => char.charCodeAt(0))
  } catch {
    return undefined
  }
}

/** The SHA-256 of a DER certificate as upper-case hex without separators, as `normalizeFingerprint` writes it. @internal */
export const fingerprintHex = async (der: Uint8Array): Promise<string> =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(der))),
    (byte) => byte.toString(16).padStart(2, "0").toUpperCase()
  ).join("")

/** A fingerprint in any common spelling (`ab:cd…`, `ABCD…`), reduced to upper-case hex. @internal */
export const normalizeFingerprint = (fingerprint: string): string =>
  fingerprint.replace(/[^0-9a-f]/gi, "").toUpperCase()

/**
 * The attributes of a distinguished name as sorted `TYPE=value` strings, accepting the usual
 * spellings: RFC 4514 (`CN=web-app, O=Example`), OpenSSL's `/O=Example/CN=web-app`, and Node's
 * one attribute per line. Attribute types are case-insensitive, values are compared exactly
 * (trimmed), and order does not matter (RFC 4514 writes the RDNs in reverse of the certificate's
 * order, Node and OpenSSL in the certificate's order). `undefined` when it is not a DN.
 *
 * @internal
 */
export const parseDn = (dn: string): ReadonlyArray<string> | undefined => {
  const attributes = dnAttributes(dn)
  return attributes?.map(([type, value]) => `${type.toUpperCase()}=${value}`).sort()
}

/**
 * The `[type, value]` attributes of a DN written `CN=a, O=b`, `/O=b/CN=a` or one per line; a `\`
 * escapes a separator inside a value. `undefined` when a part is not `type=value`.
 *
 * @internal
 */
export const dnAttributes = (dn: string): ReadonlyArray<readonly [string, string]> | undefined => {
  const text = dn.trim().replace(/^\//, "")
  const parts: Array<string> = []
  let current = ""
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === "\\" && i + 1 < text.length) {
      current += text[i + 1]
      i++
    } else if (char === "," || char === "/" || char === "\n" || char === "+" || char === ";") {
      parts.push(current)
      current = ""
    } else {
      current += char
    }
  }
  parts.push(current)
  const attributes: Array<readonly [string, string]> = []
  for (const part of parts) {
    if (part.trim() === "") continue
    const equals = part.indexOf("=")
    if (equals <= 0) return undefined
    const type = part.slice(0, equals).trim()
    if (type === "") return undefined
    attributes.push([type, part.slice(equals + 1).trim()])
  }
  return attributes.length === 0 ? undefined : attributes
}

/** Whether two DNs name the same subject (see {@link parseDn}). @internal */
export const sameDn = (expected: ReadonlyArray<string>, actual: string): boolean => {
  const parsed = parseDn(actual)
  return parsed !== undefined && parsed.length === expected.length && parsed.every((value, i) => value === expected[i])
}
