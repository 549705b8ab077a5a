const decoder = new TextDecoder()

/**
 * The size of a body as it will be read, from its `content-length`: `undefined` when absent, not
 * a number, or when the body has a `content-encoding` (`fetch` decodes it, and the declared length
 * is the encoded one: a small gzip can decode to gigabytes).
 */
export const declaredLength = (
  contentLength: string | null | undefined,
  contentEncoding: string | null | undefined
): number | undefined => {
  const encoding = contentEncoding?.trim().toLowerCase()
  if (encoding !== undefined && encoding !== "" && encoding !== "identity") return undefined
  return contentLength !== null && contentLength !== undefined && /^\d+$/.test(contentLength) ? Number(contentLength) : undefined
}

/** The chunks of a body, `size` bytes in all, joined and decoded as UTF-8. */
export const decodeChunks = (chunks: Iterable<Uint8Array>, size: number): string => {
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return decoder.decode(bytes)
}
