/**
 * What a server sent, made fit for an error message: known secrets (subject token, client secret)
 * cut out wherever they are echoed (short ones as whole values only), as sent or encoded
 * (percent-encoding in either case, HTML entities, backslash escapes, nested), and anything else
 * that looks like a token; a body that is not UTF-8 text is described, never shown.
 */

const excerptLength = 160
const sensitiveKey = /token|secret|assertion|password|code|key/i
const redactedMark = "<redacted>"
/** Runs of token characters long enough to be a credential (JWTs, opaque provider tokens). */
const tokenLike = /[A-Za-z0-9._~+/=-]{16,}/g
/**
 * Whether a run is a credential: letters and digits mixed, and not a host name or a URL path made
 * of host names and words (the tenant's host in a DNS error, `//tenant.auth0.com/oauth/token`).
 */
const looksLikeToken = (run: string) =>
  run.split("/").some((part) => /[0-9]/.test(part) && /[A-Za-z]/.test(part) && !hostName.test(part))
/**
 * A DNS name (labels of letters, digits and inner hyphens; an alphabetic top-level label). A
 * token's dotted segments are longer, or end in digits or `_`.
 */
const hostName = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\.?$/
/** A character that would make a match part of a longer word: letters and digits. */
const wordChar = /[\p{L}\p{N}]/u
/** Decoded views beyond the text itself: an echo may be encoded twice (`%252B`, `\u0026#43;`). */
const maxDecodings = 3

/** JSON nested deeper than this is cut: an excerpt shows 160 characters, and recursion has a limit. */
const maxDepth = 32

/**
 * The named HTML entities a server may write an ASCII character of a token or secret with (the
 * numeric forms `&#43;` and `&#x2b;` cover every character).
 */
const namedEntities: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: "\"",
  apos: "'",
  plus: "+",
  sol: "/",
  bsol: "\\",
  equals: "=",
  percnt: "%",
  colon: ":",
  semi: ";",
  comma: ",",
  period: ".",
  excl: "!",
  quest: "?",
  num: "#",
  dollar: "$",
  commat: "@",
  lowbar: "_",
  dash: "-",
  hyphen: "-",
  tilde: "~",
  ast: "*",
  lpar: "(",
  rpar: ")",
  lsqb: "[",
  rsqb: "]",
  lcub: "{",
  rcub: "}",
  verbar: "|",
  vert: "|",
  grave: "`",
  Hat: "^",
  nbsp: " "
}

const backslashEscapes: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", v: "\v" }

/**
 * Text with, for each of its characters, the range of the original text it was decoded from: a
 * match in a decoded view is cut out of the original.
 */
interface View {
  readonly text: string
  readonly from: ReadonlyArray<number>
  readonly to: ReadonlyArray<number>
}

const identity = (text: string): View => {
  const from: Array<number> = []
  const to: Array<number> = []
  for (let i = 0; i < text.length; i++) {
    from.push(i)
    to.push(i + 1)
  }
  return { text, from, to }
}

const fromCodePoint = (codePoint: number): string | undefined =>
  Number.isSafeInteger(codePoint) && codePoint >= 0 && codePoint <= 0x10ffff
    ? String.fromCodePoint(codePoint)
    : undefined

const decoder = new TextDecoder()
const percentByte = /^%[0-9A-Fa-f]{2}/

/** The UTF-8 sequence of percent-escapes at `at` (`%E2%82%AC`): the text and its length in the view. */
const percentSequence = (text: string, at: number): readonly [string, number] | undefined => {
  if (!percentByte.test(text.slice(at, at + 3))) return undefined
  const lead = parseInt(text.slice(at + 1, at + 3), 16)
  const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  const bytes = [lead]
  for (let k = 1; k < size && percentByte.test(text.slice(at + 3 * k, at + 3 * k + 3)); k++) {
    bytes.push(parseInt(text.slice(at + 3 * k + 1, at + 3 * k + 3), 16))
  }
  if (bytes.length < size) return [decoder.decode(new Uint8Array([lead])), 3]
  return [decoder.decode(new Uint8Array(bytes)), 3 * size]
}

const htmlEntity = /^&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]{2,8}));?/
const backslashEscape = /^\\(?:u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|([\s\S]))/

/** The escape at `at` of `text`, if any: what it stands for and its length. */
const escapeAt = (text: string, at: number): readonly [string, number] | undefined => {
  switch (text[at]) {
    case "%":
      return percentSequence(text, at)
    case "&": {
      const entity = htmlEntity.exec(text.slice(at, at + 12))
      if (entity === null) return undefined
      const [match, decimal, hex, name] = entity
      const decoded = decimal !== undefined
        ? fromCodePoint(Number(decimal))
        : hex !== undefined
        ? fromCodePoint(parseInt(hex, 16))
        : Object.hasOwn(namedEntities, name!)
        ? namedEntities[name!]
        : undefined
      return decoded === undefined ? undefined : [decoded, match.length]
    }
    case "\\": {
      const escape = backslashEscape.exec(text.slice(at, at + 10))
      if (escape === null) return undefined
      const [match, braced, unicode, hex, other] = escape
      const code = braced ?? unicode ?? hex
      const decoded = code !== undefined ? fromCodePoint(parseInt(code, 16)) : backslashEscapes[other!] ?? other
      return decoded === undefined ? undefined : [decoded, match.length]
    }
    default:
      return undefined
  }
}

/** `view` with its escapes decoded, one level; `undefined` when it has none. */
const decodeOnce = (view: View): View | undefined => {
  const { text } = view
  let text2 = ""
  const from: Array<number> = []
  const to: Array<number> = []
  let changed = false
  for (let i = 0; i < text.length;) {
    const escape = escapeAt(text, i)
    if (escape === undefined) {
      text2 += text[i]
      from.push(view.from[i]!)
      to.push(view.to[i]!)
      i++
      continue
    }
    const [decoded, length] = escape
    changed = true
    for (let k = 0; k < decoded.length; k++) {
      from.push(view.from[i]!)
      to.push(view.to[i + length - 1]!)
    }
    text2 += decoded
    i += length
  }
  return changed ? { text: text2, from, to } : undefined
}

const isWord = (char: string | undefined) => char !== undefined && wordChar.test(char)

/**
 * A secret this long is cut wherever it occurs, even glued to other word characters (an echo such
 * as `0<token>.AA`); a shorter one only as a whole value, so that a secret `s` leaves `request` be.
 */
const unmistakableLength = 8

/**
 * The ranges of `text` to cut: every occurrence of a secret (a short one only as a whole value, not
 * inside a longer word: `s` is cut from `s&x`, not from `request`), in the text or in any decoded
 * view of it, and every token-like run.
 */
const rangesToCut = (text: string, secrets: ReadonlyArray<string>): Array<[number, number]> => {
  const ranges: Array<[number, number]> = []
  // A form encodes a space as `+`.
  const needles = [...new Set(secrets.flatMap((secret) => secret === "" ? [] : [secret, secret.replace(/ /g, "+")]))]
  let view: View | undefined = identity(text)
  for (let level = 0; view !== undefined && level <= maxDecodings; level++) {
    const current: View = view
    const cut = (start: number, end: number) => ranges.push([current.from[start]!, current.to[end - 1]!])
    for (const needle of needles) {
      for (let at = current.text.indexOf(needle); at !== -1; at = current.text.indexOf(needle, at + 1)) {
        const end = at + needle.length
        const glued = needle.length < unmistakableLength && (
          (isWord(needle[0]) && isWord(current.text[at - 1])) ||
          (isWord(needle[needle.length - 1]) && isWord(current.text[end]))
        )
        if (!glued) cut(at, end)
      }
    }
    for (const run of current.text.matchAll(tokenLike)) {
      if (looksLikeToken(run[0])) cut(run.index, run.index + run[0].length)
    }
    view = decodeOnce(current)
  }
  return ranges
}

/** `text` with every echo of every secret, and every token-like run, replaced by `<redacted>`. */
const cutSecrets = (text: string, secrets: ReadonlyArray<string>): string => {
  const merged: Array<[number, number]> = []
  for (const [start, end] of rangesToCut(text, secrets).sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1]
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  let out = ""
  let done = 0
  for (const [start, end] of merged) {
    out += text.slice(done, start) + redactedMark
    done = end
  }
  return out + text.slice(done)
}

/** A JSON value with credential-looking keys' values and the secrets in its strings replaced. */
const redactJson = (value: unknown, secrets: ReadonlyArray<string>, depth = 0): unknown => {
  if (typeof value === "string") return cutSecrets(value, secrets)
  if (typeof value !== "object" || value === null) return value
  if (depth >= maxDepth) return "…"
  if (Array.isArray(value)) return value.map((inner) => redactJson(inner, secrets, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    out[cutSecrets(key, secrets)] = sensitiveKey.test(key) && inner !== null && typeof inner !== "object"
      ? redactedMark
      : redactJson(inner, secrets, depth + 1)
  }
  return out
}

/**
 * Whether `body` has a character that UTF-8 text does not: U+FFFD, which decoding puts for bytes
 * that are not UTF-8, or a control character other than whitespace (NUL between the letters of
 * UTF-16 text).
 */
const hasNonTextCharacter = (body: string): boolean => {
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i)
    if (code === 0xfffd || code === 0x7f || (code < 0x20 && (code < 0x09 || code > 0x0d))) return true
  }
  return false
}

/**
 * Whether a response body, as decoded by the transport, is not UTF-8 text: its `content-type`
 * names another charset, or the bytes were not valid UTF-8 (UTF-16 and UTF-32 bodies among them).
 * Such a body is described in an error, never shown: a scrubber cannot recognise a secret in a
 * charset it does not read.
 */
export const isNotUtf8Text = (body: string, header?: (name: string) => string | undefined): boolean => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(header?.("content-type") ?? "")?.[1]?.toLowerCase()
  return (charset !== undefined && !["utf-8", "utf8", "us-ascii", "ascii"].includes(charset)) ||
    hasNonTextCharacter(body)
}

/** What an error shows of a body that is not UTF-8 text, in place of an excerpt. */
const notTextExcerpt = (body: string) => `not shown: ${body.length} characters that are not UTF-8 text`

/**
 * `text` on one line, with every known secret of the request (subject token, client secret) cut
 * out wherever it appears (as sent, encoded or escaped; a short one only as a whole value), and any long run of
 * letters and digits that could be a token, then shortened to `maxLength` characters. For whatever
 * a server sent that ends up in an error.
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>, maxLength: number = excerptLength): string => {
  const out = cutSecrets(text, secrets).replace(/\s+/g, " ").trim()
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out
}

/**
 * A short, single-line excerpt of a response body for an error message: values of JSON keys that
 * look like credentials are replaced, then the text is {@link scrub}bed. A body that is not UTF-8
 * text ({@link isNotUtf8Text}) is described instead.
 */
export const excerpt = (
  body: string,
  json: unknown,
  secrets: ReadonlyArray<string>,
  header?: (name: string) => string | undefined
): string =>
  isNotUtf8Text(body, header)
    ? notTextExcerpt(body)
    : scrub(json === undefined ? body : JSON.stringify(redactJson(json, secrets)), secrets)
