const decoder = new TextDecoder()

/** A `content-length` value as a number of bytes; `undefined` when absent or not a number. */
export const declaredLength = (value: string | null | undefined): number | undefined =>
  value !== null && value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined

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
