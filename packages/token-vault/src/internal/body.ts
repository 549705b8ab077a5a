import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { decodeChunks, declaredLength } from "./bytes.js"

/** Why a body could not be read: it broke off, or it is over the limit. */
export type BodyFailure =
  | { readonly _tag: "BodyBroken"; readonly error: HttpClientError.ResponseError }
  | { readonly _tag: "BodyTooLarge"; readonly bytes: number | undefined }

interface Read {
  readonly chunks: Chunk.Chunk<Uint8Array>
  readonly size: number
}

/**
 * Reads a response body as text, never holding more than `maxBytes` of it: a `content-length`
 * over the limit fails before reading, and a body without one is read chunk by chunk and dropped
 * (its stream cancelled) as soon as it passes the limit.
 */
export const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<string, BodyFailure> => {
  const broken = (error: HttpClientError.ResponseError): BodyFailure => ({ _tag: "BodyBroken", error })
  const bytes = declaredLength(response.headers["content-length"], response.headers["content-encoding"])
  if (bytes !== undefined) {
    return bytes > maxBytes
      ? Effect.fail({ _tag: "BodyTooLarge", bytes })
      : Effect.mapError(response.text, broken)
  }
  return response.stream.pipe(
    Stream.mapError(broken),
    Stream.runFoldEffect<Read, Uint8Array, BodyFailure, never>(
      { chunks: Chunk.empty<Uint8Array>(), size: 0 },
      (read, chunk) => {
        const size = read.size + chunk.length
        return size > maxBytes
          ? Effect.fail<BodyFailure>({ _tag: "BodyTooLarge", bytes: undefined })
          : Effect.succeed<Read>({ chunks: Chunk.append(read.chunks, chunk), size })
      }
    ),
    Effect.map(({ chunks, size }) => decodeChunks(chunks, size)),
    Effect.catchIf(
      (failure) => failure._tag === "BodyBroken" && failure.error.reason === "EmptyBody",
      () => Effect.succeed("")
    )
  )
}
