/**
 * Control characters as visible escapes, for the caller values a facade message shows (the
 * `connection`, often taken from request input): a CR or LF could forge a log line, an ANSI
 * escape recolour a terminal, a bidi control reorder what a reader sees. The same rule as the
 * core's messages, which the facade cannot import (core-internal).
 *
 * @internal
 */

/** C0 controls, DEL, C1 controls, the line and paragraph separators, and the bidi controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controls = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const named: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" }

/** `text` with each control character written as an escape (`\n`, `\r`, `\t`, `\u001b`, ...). */
export const escapeControls = (text: string): string =>
  text.replace(controls, (char) => named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)
