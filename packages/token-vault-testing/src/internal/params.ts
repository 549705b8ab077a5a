/**
 * Reading the parameters of a token request: `application/x-www-form-urlencoded` (what OAuth
 * clients send) or `application/json` (which Auth0's `/oauth/token` also accepts and its docs use).
 *
 * @internal
 */

/** @internal */
export type ParsedParams =
  | { readonly _tag: "Params"; readonly params: ReadonlyMap<string, string> }
  | { readonly _tag: "UnsupportedContentType"; readonly mediaType: string | undefined }
  | { readonly _tag: "Invalid"; readonly description: string }

/** The media type of a `content-type` header value, lower-cased, without parameters. @internal */
export const mediaTypeOf = (contentType: string | undefined): string | undefined => {
  if (contentType === undefined) return undefined
  const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase()
  return mediaType === "" ? undefined : mediaType
}

/** @internal */
export const FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"

/** @internal */
export const JSON_MEDIA_TYPE = "application/json"

/**
 * The body as a form, for recording: an empty object unless the content type is form-urlencoded.
 * Repeated keys keep their last value.
 *
 * @internal
 */
export const formOf = (contentType: string | undefined, body: string): Record<string, string> => {
  if (mediaTypeOf(contentType) !== FORM_MEDIA_TYPE) return {}
  const form: Record<string, string> = {}
  for (const [key, value] of new URLSearchParams(body)) {
    form[key] = value
  }
  return form
}

const parseForm = (body: string): ParsedParams => {
  const params = new Map<string, string>()
  for (const [key, value] of new URLSearchParams(body)) {
    // RFC 6749 §3.2: request parameters MUST NOT be included more than once.
    if (params.has(key)) return { _tag: "Invalid", description: `Parameter ${key} must not be repeated` }
    params.set(key, value)
  }
  return { _tag: "Params", params }
}

const parseJson = (body: string): ParsedParams => {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return { _tag: "Invalid", description: "The request body is not valid JSON" }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { _tag: "Invalid", description: "The request body must be a JSON object" }
  }
  const params = new Map<string, string>()
  for (const [key, field] of Object.entries(value)) {
    if (field === null || field === undefined) continue
    if (typeof field !== "string") {
      return { _tag: "Invalid", description: `Parameter ${key} must be a string` }
    }
    params.set(key, field)
  }
  return { _tag: "Params", params }
}

/** @internal */
export const parseParams = (contentType: string | undefined, body: string): ParsedParams => {
  const mediaType = mediaTypeOf(contentType)
  switch (mediaType) {
    case FORM_MEDIA_TYPE:
      return parseForm(body)
    case JSON_MEDIA_TYPE:
      return parseJson(body)
    default:
      return { _tag: "UnsupportedContentType", mediaType }
  }
}

/** A parameter's value, with empty strings treated as absent. @internal */
export const param = (params: ReadonlyMap<string, string>, name: string): string | undefined => {
  const value = params.get(name)
  return value === undefined || value === "" ? undefined : value
}
