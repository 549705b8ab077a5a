/**
 * From a fault to what a transport must do: validation of faults when they are set, the seeded
 * choice of `Random`, and the outcome (answer, reset, or streamed body) of each fault.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type Fault, Latency } from "../Fault.js"
import type { EmulatorOutcome, EmulatorResponse } from "../TokenVaultEmulator.js"
import { REQUESTED_TOKEN_TYPE } from "./protocol.js"
import { renderFault } from "./renderFault.js"

/** mulberry32: a small, fast, seedable PRNG with outputs in [0, 1). @internal */
export const mulberry32 = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const isNonNegative = (value: number): boolean => Number.isFinite(value) && value >= 0

/** Why a fault cannot work, or `undefined`. @internal */
export const validateFault = (fault: Fault): string | undefined => {
  switch (fault._tag) {
    case "Latency":
      if (!isNonNegative(fault.millis)) return `Latency.millis must be a finite number >= 0, got ${fault.millis}`
      return fault.then === undefined ? undefined : validateFault(fault.then)
    case "EndlessBody":
      return Number.isFinite(fault.intervalMillis) && fault.intervalMillis > 0
        ? undefined
        : `EndlessBody.intervalMillis must be a finite number > 0, got ${fault.intervalMillis}`
    case "OversizedBody":
      return Number.isSafeInteger(fault.bytes) && fault.bytes >= 0
        ? undefined
        : `OversizedBody.bytes must be an integer >= 0, got ${fault.bytes}`
    case "Random": {
      if (!(fault.rate >= 0 && fault.rate <= 1)) return `Random.rate must be between 0 and 1, got ${fault.rate}`
      if (!Number.isFinite(fault.seed)) return `Random.seed must be a finite number, got ${fault.seed}`
      if (fault.rate > 0 && fault.faults.length === 0) return "Random.faults must not be empty when rate > 0"
      for (const inner of fault.faults) {
        const problem = validateFault(inner)
        if (problem !== undefined) return problem
      }
      return undefined
    }
    default:
      return undefined
  }
}

/** One PRNG per `Random` node of a fault, seeded with its seed. @internal */
export type Prngs = ReadonlyMap<Fault, () => number>

/** @internal */
export const makePrngs = (fault: Fault): Prngs => {
  const prngs = new Map<Fault, () => number>()
  const visit = (node: Fault): void => {
    if (node._tag === "Random") {
      if (!prngs.has(node)) prngs.set(node, mulberry32(node.seed))
      node.faults.forEach(visit)
    } else if (node._tag === "Latency" && node.then !== undefined) {
      visit(node.then)
    }
  }
  visit(fault)
  return prngs
}

/**
 * The fault that answers one request, with every `Random` decided (draws: one for whether, one
 * for which). `undefined`: the normal answer.
 *
 * @internal
 */
export const decideFault = (fault: Fault, prngs: Prngs): Fault | undefined => {
  switch (fault._tag) {
    case "Random": {
      const draw = prngs.get(fault) ?? mulberry32(fault.seed)
      if (fault.faults.length === 0 || draw() >= fault.rate) return undefined
      const chosen = fault.faults[Math.min(fault.faults.length - 1, Math.floor(draw() * fault.faults.length))]
      return chosen === undefined ? undefined : decideFault(chosen, prngs)
    }
    case "Latency": {
      if (fault.then === undefined) return fault
      const then = decideFault(fault.then, prngs)
      return then === fault.then ? fault : Latency({ millis: fault.millis, then })
    }
    default:
      return fault
  }
}

const encoder = new TextEncoder()

const bodyBytes = (response: EmulatorResponse): Uint8Array => encoder.encode(response.body)

const withContentLength = (response: EmulatorResponse, length: number): Record<string, string> => ({
  ...response.headers,
  "content-length": String(length)
})

/** The first half of the normal answer's body, announced at full length, then `end`. */
const cutShort = (response: EmulatorResponse, end: "Close" | "Reset"): EmulatorOutcome => {
  const bytes = bodyBytes(response)
  const cut = bytes.subarray(0, Math.floor(bytes.length / 2))
  return {
    _tag: "StreamResponse",
    status: response.status,
    headers: withContentLength(response, bytes.length),
    body: cut.length === 0 ? Stream.empty : Stream.make(cut),
    end
  }
}

const jsonHead = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", pragma: "no-cache" }

/** @internal */
export const ENDLESS_BODY_PREFIX = "{\"access_token\":\""

const endlessBody = (intervalMillis: number): EmulatorOutcome => {
  const byte = encoder.encode("x")
  return {
    _tag: "StreamResponse",
    status: 200,
    headers: jsonHead,
    body: Stream.concat(
      Stream.make(encoder.encode(ENDLESS_BODY_PREFIX)),
      Stream.fromEffectRepeat(Effect.as(Effect.sleep(intervalMillis), byte))
    ),
    end: "End"
  }
}

/** @internal */
export const OVERSIZED_CHUNK_BYTES = 64 * 1024

/** @internal */
export const OVERSIZED_PREFIX = `{"access_token":"ya29.oversized","expires_in":3600,"token_type":"Bearer",` +
  `"issued_token_type":"${REQUESTED_TOKEN_TYPE}","padding":"`

const OVERSIZED_SUFFIX = "\"}"

const oversizedBody = (bytes: number, contentLength: boolean): EmulatorOutcome => {
  const prefix = encoder.encode(OVERSIZED_PREFIX)
  const suffix = encoder.encode(OVERSIZED_SUFFIX)
  const padding = bytes - prefix.length - suffix.length
  const body: Stream.Stream<Uint8Array> = padding < 0
    ? Stream.make(encoder.encode(OVERSIZED_PREFIX + OVERSIZED_SUFFIX).subarray(0, bytes))
    : Stream.make(prefix).pipe(
      Stream.concat(Stream.suspend(() => {
        const pad = new Uint8Array(Math.min(OVERSIZED_CHUNK_BYTES, padding)).fill(0x78) // "x"
        return Stream.unfold(padding, (left) =>
          Effect.succeed(
            left <= 0 ? undefined : [left >= pad.length ? pad : pad.subarray(0, left), left - pad.length] as const
          ))
      })),
      Stream.concat(Stream.make(suffix))
    )
  return {
    _tag: "StreamResponse",
    status: 200,
    headers: contentLength ? { ...jsonHead, "content-length": String(bytes) } : jsonHead,
    body: Stream.filter(body, (chunk) => chunk.length > 0),
    end: "End"
  }
}

/**
 * What a transport does for a decided fault (see {@link decideFault}); `normal` computes the
 * normal answer, which some transport faults send (in part).
 *
 * @internal
 */
export const outcomeOf = (
  fault: Fault | undefined,
  normal: Effect.Effect<EmulatorResponse>
): Effect.Effect<EmulatorOutcome> => {
  if (fault === undefined) return Effect.map(normal, (response) => ({ _tag: "Respond", response }))
  switch (fault._tag) {
    case "Latency":
      return Effect.andThen(Effect.sleep(fault.millis), outcomeOf(fault.then, normal))
    case "Random":
      // Decided before; a Random that reaches here answers normally.
      return outcomeOf(undefined, normal)
    case "ResetBeforeHeaders":
      return Effect.succeed({ _tag: "ResetConnection" })
    case "ResetAfterHeaders":
      return Effect.map(normal, (response) => cutShort(response, "Reset"))
    case "TruncatedJson":
      return Effect.map(normal, (response) => cutShort(response, "Close"))
    case "StalledBody":
      return Effect.map(normal, (response) => ({
        _tag: "StreamResponse",
        status: response.status,
        headers: withContentLength(response, bodyBytes(response).length),
        body: Stream.never,
        end: "End"
      }))
    case "EndlessBody":
      return Effect.succeed(endlessBody(fault.intervalMillis))
    case "OversizedBody":
      return Effect.succeed(oversizedBody(fault.bytes, fault.contentLength))
    default:
      return Effect.map(Clock.currentTimeMillis, (now) => ({ _tag: "Respond", response: renderFault(fault, now) }))
  }
}
