import type { EmulatorResponse } from "../TokenVaultEmulator.js"

const jsonHeaders: Readonly<Record<string, string>> = {
  "content-type": "application/json; charset=utf-8",
  // RFC 6749 §5.1 / §5.2: token responses must not be cached.
  "cache-control": "no-store",
  pragma: "no-cache"
}

/** @internal */
export const json = (
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {}
): EmulatorResponse => ({
  status,
  headers: { ...jsonHeaders, ...headers },
  body: JSON.stringify(body)
})

/** @internal */
export const oauthError = (
  status: number,
  error: string,
  description: string,
  headers: Readonly<Record<string, string>> = {}
): EmulatorResponse => json(status, { error, error_description: description }, headers)

/** @internal */
export const text = (
  status: number,
  contentType: string,
  body: string,
  headers: Readonly<Record<string, string>> = {}
): EmulatorResponse => ({
  status,
  headers: { "content-type": contentType, ...headers },
  body
})
