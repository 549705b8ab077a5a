import { TokenCache, type TokenVaultError, TokenVaultMetrics } from "@effect-auth0/token-vault"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Clock, Deferred, Duration, Effect, Exit, Fiber, Metric, Option, Random, Redacted, Stream } from "effect"
import { TestClock } from "effect/testing"
import { createHash } from "node:crypto"
import { recordingTracer } from "./utils/recorders.js"
import { jsonAnswer } from "./utils/stubHttpClient.js"
import { advance, forkAll, github, poll, settle, vaultOver } from "./utils/vault.js"

const success = (expiresIn = 3600, token = "federated") =>
  jsonAnswer(200, { access_token: token, expires_in: expiresIn })

/** A JWT-shaped subject token whose `exp` is `exp` (seconds); the signature is not checked. */
const jwtExpiringAt = (exp: number) =>
  [btoa(JSON.stringify({ alg: "RS256" })), btoa(JSON.stringify({ sub: "auth0|a", exp })), "sig"]
    .map((part) => part.replace(/=+$/, ""))
    .join(".")

/** The time between each request and the next, in milliseconds. */
const gaps = (instants: ReadonlyArray<number>) => instants.slice(1).map((instant, i) => instant - instants[i]!)

const unavailable = jsonAnswer(503, { error: "temporarily_unavailable" })

/** Asserts `min <= value <= max`. */
const expectWithin = (value: number | undefined, min: number, max: number) => {
  expect(value).toBeGreaterThanOrEqual(min)
  expect(value).toBeLessThanOrEqual(max)
}

/** Whether a forked call is still running, once the work the last clock move woke has run. */
const pending = (call: Fiber.Fiber<unknown, unknown>) => Effect.map(Effect.andThen(settle, poll(call)), Option.isNone)

const counter = (metric: Metric.Counter<number>) => Effect.map(Metric.value(metric), (state) => state.count)

/** A random source whose every draw is `value` (Effect 3's `Random.fixed([value])`). */
const fixedRandom = (value: number) =>
  Effect.provideService(Random.Random, {
    nextDoubleUnsafe: () => value,
    nextIntUnsafe: () => Math.floor(value * Number.MAX_SAFE_INTEGER)
  })

/** Whether `cause` is one typed failure and nothing else. */
const isFailOnly = <E>(cause: Cause.Cause<E>) => cause.reasons.length === 1 && Cause.isFailReason(cause.reasons[0]!)

describe("token cache", () => {
  it.effect("serves an entry until expiresAt minus the skew, and exchanges again after", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(success(3600))
      const first = yield* vault.getAccessTokenForConnection(github)
      yield* TestClock.adjust("3539 seconds")
      const second = yield* vault.getAccessTokenForConnection(github)
      expect(second).toBe(first)
      expect(yield* requests).toBe(1)
      yield* TestClock.adjust("2 seconds")
      yield* vault.getAccessTokenForConnection(github)
      expect(yield* requests).toBe(2)
    }))

  it.effect("a skew larger than the lifetime means no caching", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(success(30), { cache: { skew: "60 seconds" } })
      yield* vault.getAccessTokenForConnection(github)
      yield* vault.getAccessTokenForConnection(github)
      expect(yield* requests).toBe(2)
    }))

  it.effect("evicts the least recently used entry beyond maxEntries", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(success(), { cache: { maxEntries: 2 } })
      const call = (connection: string) => vault.getAccessTokenForConnection({ ...github, connection })
      yield* call("a")
      yield* call("b")
      yield* call("a") // a is now the most recently used
      yield* call("c") // evicts b
      expect(yield* requests).toBe(3)
      yield* call("a")
      yield* call("c")
      expect(yield* requests).toBe(3)
      yield* call("b")
      expect(yield* requests).toBe(4)
    }))

  it.effect("does not cache errors", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver((index) =>
        Effect.succeed(index === 0 ? jsonAnswer(401, { error: "invalid_grant" }) : success())
      )
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error._tag).toBe("InvalidSubjectTokenError")
      yield* vault.getAccessTokenForConnection(github)
      expect(yield* requests).toBe(2)
    }))

  it.effect("invalidate drops the entry; cache: false skips the lookup but refreshes the entry", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver((index) => Effect.succeed(success(3600, `token-${index}`)))
      yield* vault.getAccessTokenForConnection(github)
      yield* vault.invalidate(github)
      const afterInvalidate = yield* vault.getAccessTokenForConnection(github)
      expect(Redacted.value(afterInvalidate.accessToken)).toBe("token-1")
      const bypass = yield* vault.getAccessTokenForConnection({ ...github, cache: false })
      expect(Redacted.value(bypass.accessToken)).toBe("token-2")
      const cached = yield* vault.getAccessTokenForConnection(github)
      expect(Redacted.value(cached.accessToken)).toBe("token-2")
      expect(yield* requests).toBe(3)
    }))

  it.effect("keys differ by subject token, its type and login_hint", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(success())
      yield* vault.getAccessTokenForConnection(github)
      yield* vault.getAccessTokenForConnection({ ...github, accessToken: "another-subject" })
      yield* vault.getAccessTokenForConnection({ connection: "github", refreshToken: "subject-token" })
      yield* vault.getAccessTokenForConnection({ ...github, loginHint: "octocat" })
      expect(yield* requests).toBe(4)
    }))

  it.effect("never serves past the expiry of the Auth0 access token (JWT exp)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_800_000_000_000)
      const { requests, vault } = yield* vaultOver(success(3600))
      const subject = { connection: "github", accessToken: jwtExpiringAt(1_800_000_100) }
      yield* vault.getAccessTokenForConnection(subject)
      yield* TestClock.adjust("99 seconds")
      yield* vault.getAccessTokenForConnection(subject)
      expect(yield* requests).toBe(1)
      yield* TestClock.adjust("2 seconds")
      yield* vault.getAccessTokenForConnection(subject)
      expect(yield* requests).toBe(2)
    }))

  it.effect("a custom store sees keys that hold a digest, never the subject token", () =>
    Effect.gen(function*() {
      const keys: Array<string> = []
      const memory = TokenCache.memory()
      const store: TokenCache.TokenCache = {
        get: (key) => Effect.andThen(Effect.sync(() => keys.push(key)), memory.get(key)),
        set: memory.set,
        invalidate: memory.invalidate
      }
      const { vault } = yield* vaultOver(success(), { cache: { store } })
      yield* vault.getAccessTokenForConnection(github)
      expect(keys).toHaveLength(1)
      expect(keys[0]).not.toContain("subject-token")
      expect(keys[0]).toContain(createHash("sha256").update("subject-token").digest("hex"))
    }))

  it.effect("cache: false on the client makes every call an exchange", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(success(), { cache: false })
      yield* vault.getAccessTokenForConnection(github)
      yield* vault.getAccessTokenForConnection(github)
      expect(yield* requests).toBe(2)
    }))
})

describe("coalescing", () => {
  it.effect.each([["on", {}], ["off", { cache: false as const }]] as const)(
    "1 000 concurrent identical calls send one request (cache %s)",
    ([_, options]) =>
      Effect.gen(function*() {
        const gate = yield* Deferred.make<void>()
        const { requests, vault } = yield* vaultOver(() => Effect.as(Deferred.await(gate), success()), options)
        const calls = yield* forkAll(Array.from({ length: 1000 }, () => vault.getAccessTokenForConnection(github)))
        yield* settle
        yield* Deferred.succeed(gate, undefined)
        const results = yield* Fiber.joinAll(calls)
        expect(results).toHaveLength(1000)
        expect(new Set(results.map((tokenSet) => Redacted.value(tokenSet.accessToken)))).toEqual(new Set(["federated"]))
        expect(yield* requests).toBe(1)
      })
  )

  it.effect("an interrupted caller does not cancel the exchange for the others", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { interrupted, requests, vault } = yield* vaultOver(() => Effect.as(Deferred.await(gate), success()))
      const leaving = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      const staying = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* settle
      yield* Fiber.interrupt(leaving)
      yield* Deferred.succeed(gate, undefined)
      const tokenSet = yield* Fiber.join(staying)
      expect(Redacted.value(tokenSet.accessToken)).toBe("federated")
      expect(yield* requests).toBe(1)
      expect(yield* interrupted).toBe(0)
    }))

  it.effect("when every caller has gone, the exchange is interrupted", () =>
    Effect.gen(function*() {
      const { interrupted, vault } = yield* vaultOver(() => Effect.as(Effect.never, success()))
      const callers = yield* forkAll([
        vault.getAccessTokenForConnection(github),
        vault.getAccessTokenForConnection(github)
      ])
      yield* settle
      yield* Fiber.interruptAll(callers)
      expect(yield* interrupted).toBe(1)
    }))

  it.effect("different calls are not coalesced", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { requests, vault } = yield* vaultOver(() => Effect.as(Deferred.await(gate), success()))
      const calls = yield* forkAll([
        vault.getAccessTokenForConnection(github),
        vault.getAccessTokenForConnection({ ...github, connection: "slack" })
      ])
      yield* settle
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.joinAll(calls)
      expect(yield* requests).toBe(2)
    }))
})

describe("retries", () => {
  const rateLimited = (seconds: number) =>
    jsonAnswer(429, { error: "too_many_requests" }, { "retry-after": String(seconds) })
  const capped = { retry: { maxRetryAfter: "2 seconds" } } as const

  it.effect.each(
    [
      [2, "default", {}],
      [10, "default", {}],
      [2, "2 seconds", capped]
    ] as const
  )(
    "a 429 with Retry-After: %i is retried after exactly that long (maxRetryAfter %s)",
    ([retryAfter, _, options]) =>
      Effect.gen(function*() {
        const { requests, vault } = yield* vaultOver(
          (index) => Effect.succeed(index === 0 ? rateLimited(retryAfter) : success()),
          options
        )
        const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
        yield* advance(Duration.millis(retryAfter * 1000 - 1))
        expect(yield* requests).toBe(1)
        yield* advance("1 millis")
        const tokenSet = yield* Fiber.join(call)
        expect(Redacted.value(tokenSet.accessToken)).toBe("federated")
        expect(yield* requests).toBe(2)
      })
  )

  it.effect.each(
    [
      [11, "default", {}],
      [3, "2 seconds", capped]
    ] as const
  )(
    "a 429 with Retry-After: %i, over maxRetryAfter (%s), fails at once",
    ([retryAfter, _, options]) =>
      Effect.gen(function*() {
        const { requests, vault } = yield* vaultOver(rateLimited(retryAfter), options)
        const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
        expect(error).toMatchObject({ _tag: "RateLimitError", retryAfter })
        expect(yield* requests).toBe(1)
      })
  )

  it.effect("backoff: the first retry comes 0.8-1.2 x baseDelay after the first request, the next 0.8-1.2 x twice that later", () =>
    Effect.gen(function*() {
      const { instants, vault } = yield* vaultOver(unavailable, {
        retry: { maxAttempts: 3, baseDelay: "1 second", maxDelay: "1 minute" }
      })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("799 millis")
      expect(instants).toHaveLength(1)
      yield* advance("401 millis")
      expect(instants).toHaveLength(2)
      yield* advance("2400 millis")
      yield* Effect.flip(Fiber.join(call))
      expect(instants).toHaveLength(3)
      expectWithin(gaps(instants)[0], 800, 1200)
      expectWithin(gaps(instants)[1], 1600, 2400)
    }))

  it.effect.each(
    [
      ["low", 800, 999, 0],
      ["high", 1001, 1200, 1]
    ] as const
  )(
    "jitter: with the random source at its %s end, the retry comes %i-%i ms after the first request (baseDelay 1 s)",
    ([_, min, max, random]) =>
      Effect.gen(function*() {
        const { instants, vault } = yield* vaultOver(unavailable, { retry: { maxAttempts: 2, baseDelay: "1 second" } })
        const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github).pipe(fixedRandom(random)))
        yield* advance("1200 millis")
        yield* Effect.flip(Fiber.join(call))
        expectWithin(gaps(instants)[0], min, max)
      })
  )

  it.effect("retry delays are whole milliseconds: a TestClock's time stays readable in nanoseconds", () =>
    Effect.gen(function*() {
      // 333 ms × a jitter factor of 0.92 would be 306.36 ms, and BigInt refuses the nanoseconds.
      const { instants, vault } = yield* vaultOver(unavailable, { retry: { maxAttempts: 2, baseDelay: "333 millis" } })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github).pipe(fixedRandom(0.3)))
      yield* advance("1 second")
      yield* Effect.flip(Fiber.join(call))
      expect(gaps(instants)).toEqual([306])
      expect(yield* Clock.currentTimeNanos).toBeTypeOf("bigint")
    }))

  it.effect("no retry delay exceeds maxDelay", () =>
    Effect.gen(function*() {
      // Without the cap the third delay would be 4 s (+/- 20 %).
      const { instants, vault } = yield* vaultOver(unavailable, {
        retry: { maxAttempts: 4, baseDelay: "1 second", maxDelay: "1500 millis" }
      })
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      for (let i = 0; i < 10; i++) yield* advance("1 second")
      yield* Effect.flip(Fiber.join(call))
      expect(gaps(instants)).toHaveLength(3)
      for (const gap of gaps(instants)) expect(gap).toBeLessThanOrEqual(1500)
    }))

  it.effect("by default a call makes 8 attempts", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(unavailable)
      const call = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(github)))
      // The default delays add up to well under the default total limit (30 s), which ends the loop regardless.
      for (let i = 0; i < 16; i++) yield* advance("2 seconds")
      const error = yield* Fiber.join(call)
      expect(error).toMatchObject({ status: 503 })
      expect(yield* requests).toBe(8)
    }))

  it.effect.each(
    [
      ["a 503", unavailable],
      ["a 502 page", { status: 502, body: "<html>bad gateway</html>" }],
      ["a 504", { status: 504, body: "" }]
    ] as const
  )("%s, then a success: the call succeeds", ([_, failure]) =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver((index) => Effect.succeed(index === 0 ? failure : success()))
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("2 seconds")
      yield* Fiber.join(call)
      expect(yield* requests).toBe(2)
    }))

  it.effect("a refused connection is retried", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver((index) => Effect.succeed(index < 2 ? "refuse" as const : success()))
      const call = yield* Effect.forkChild(vault.getAccessTokenForConnection(github))
      yield* advance("2 seconds")
      yield* advance("2 seconds")
      yield* Fiber.join(call)
      expect(yield* requests).toBe(3)
    }))

  it.effect("gives up after maxAttempts with the last error", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver({ status: 502, body: "bad gateway" }, { retry: { maxAttempts: 4 } })
      const call = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(github)))
      for (let i = 0; i < 4; i++) yield* advance("2 seconds")
      const error = yield* Fiber.join(call)
      expect(error._tag).toBe("UnexpectedResponseError")
      expect(yield* requests).toBe(4)
    }))

  it.effect.each(
    [
      ["an OAuth error", jsonAnswer(401, { error: "invalid_grant" }), "InvalidSubjectTokenError"],
      ["a 400", jsonAnswer(400, { error: "invalid_request" }), "TokenExchangeError"],
      ["a 500", { status: 500, body: "oops" }, "UnexpectedResponseError"]
    ] as const
  )("%s is not retried", ([_, answer, tag]) =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(answer)
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error._tag).toBe(tag)
      expect(yield* requests).toBe(1)
    }))

  it.effect("a body that breaks after the headers arrived is not retried", () =>
    Effect.gen(function*() {
      const broken = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{\"access_"))
          controller.error(new Error("socket hang up"))
        }
      })
      const { requests, vault } = yield* vaultOver({ status: 200, body: broken })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error._tag).toBe("TransportError")
      expect((error as TokenVaultError.TransportError).responseReceived).toBe(true)
      expect(yield* requests).toBe(1)
    }))

  it.effect("retry: false surfaces the first transient failure", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(() => Effect.succeed("refuse" as const), { retry: false })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error._tag).toBe("TransportError")
      expect(yield* requests).toBe(1)
    }))
})

describe("time limits", () => {
  it.effect("a server that never answers ends in a TransportError at the attempt limit", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver(() => Effect.never, { retry: false, timeout: { attempt: "3 seconds" } })
      const call = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(github)))
      yield* advance("3 seconds")
      const error = yield* Fiber.join(call)
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("within 3s")
    }))

  it.effect("a body that trickles a byte every 100 ms ends in a TransportError at the attempt limit", () =>
    Effect.gen(function*() {
      let sent = 0
      const byte = Effect.sync(() => (sent++, new TextEncoder().encode(" ")))
      const trickle = Stream.toReadableStreamWith(
        Stream.fromEffectRepeat(Effect.andThen(Effect.sleep("100 millis"), byte)),
        yield* Effect.context<never>()
      )
      const { vault } = yield* vaultOver({ status: 200, body: trickle }, { timeout: { attempt: "1 second" } })
      const call = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(github)))
      for (let tick = 0; tick < 10; tick++) yield* advance("100 millis")
      const error = yield* Fiber.join(call)
      // The body was never idle for long: only a limit on the whole attempt ends it.
      expect(sent).toBeGreaterThanOrEqual(9)
      expect(error._tag).toBe("TransportError")
      expect((error as TokenVaultError.TransportError).responseReceived).toBe(true)
    }))

  it.effect("retries stop at the total limit", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(() => Effect.never, {
        retry: { maxAttempts: 10, baseDelay: "10 millis" },
        timeout: { attempt: "1 second", total: "2500 millis" }
      })
      const call = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(github)))
      for (let i = 0; i < 30; i++) yield* advance("100 millis")
      const error = yield* Fiber.join(call)
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("within 2s 500ms")
      expect(yield* requests).toBeLessThan(10)
    }))

  it.effect.each(
    [
      ["attempt limit (retry: false)", 10_000, { retry: false }, "no complete response within 10s"],
      ["total limit", 30_000, {}, "no token within 30s, retries included"]
    ] as const
  )(
    "a server that never answers: the default %s fails the call at %i ms",
    ([_, deadline, options, message]) =>
      Effect.gen(function*() {
        const { vault } = yield* vaultOver(() => Effect.never, options)
        const call = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(github)))
        for (let elapsed = 0; elapsed < deadline - 1000; elapsed += 1000) yield* advance("1 second")
        yield* advance("999 millis")
        expect(yield* pending(call)).toBe(true)
        yield* advance("1 millis")
        const error = yield* Fiber.join(call)
        expect(error).toMatchObject({ _tag: "TransportError", responseReceived: false })
        expect(error.message).toContain(message)
      })
  )

  it.effect("a total limit of zero fails at once, without a request", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(success(), { timeout: { total: 0 } })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("no token within 0")
      expect(yield* requests).toBe(0)
    }))

  it.effect("a backoff delay never runs past the total limit", () =>
    Effect.gen(function*() {
      const { requests, vault } = yield* vaultOver(unavailable, {
        retry: { baseDelay: "5 seconds", maxDelay: "5 seconds" },
        timeout: { total: "3 seconds" }
      })
      const call = yield* Effect.forkChild(Effect.flip(vault.getAccessTokenForConnection(github)))
      yield* advance("3 seconds")
      const error = yield* Fiber.join(call)
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("no token within 3s")
      expect(yield* requests).toBe(1)
    }))
})

describe("response limits", () => {
  it.effect("a declared length over the limit fails before the body is read", () =>
    Effect.gen(function*() {
      let pulls = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulls++
          controller.enqueue(new Uint8Array(1024))
        }
      })
      const { vault } = yield* vaultOver({ status: 200, body, headers: { "content-length": String(1024 * 1024) } })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error._tag).toBe("UnexpectedResponseError")
      expect(error.message).toContain("larger than the limit of 65536 bytes")
      expect(pulls).toBeLessThanOrEqual(1)
    }))

  it.effect("an undeclared body is dropped as soon as it passes the limit", () =>
    Effect.gen(function*() {
      let sent = 0
      let cancelled = false
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 4096
          controller.enqueue(new Uint8Array(4096).fill(120))
        },
        cancel() {
          cancelled = true
        }
      })
      const { vault } = yield* vaultOver({ status: 200, body }, { maxResponseBytes: 16 * 1024 })
      const error = yield* Effect.flip(vault.getAccessTokenForConnection(github))
      expect(error.message).toContain("larger than the limit of 16384 bytes")
      expect(sent).toBeLessThan(64 * 1024)
      expect(cancelled).toBe(true)
    }))
})

describe("metrics and spans", () => {
  it.effect("count calls, hits, misses, coalesced calls, retries and failures by tag", () =>
    Effect.gen(function*() {
      const before = {
        calls: yield* counter(TokenVaultMetrics.calls),
        hits: yield* counter(TokenVaultMetrics.cacheHits),
        misses: yield* counter(TokenVaultMetrics.cacheMisses),
        coalesced: yield* counter(TokenVaultMetrics.coalesced),
        retries: yield* counter(TokenVaultMetrics.retries),
        exchanges: yield* counter(TokenVaultMetrics.exchanges),
        refused: yield* counter(
          Metric.withAttributes(TokenVaultMetrics.failures, { error: "InvalidSubjectTokenError" })
        )
      }
      const gate = yield* Deferred.make<void>()
      const { vault } = yield* vaultOver((index) =>
        index === 0
          ? Effect.succeed(jsonAnswer(503, {}))
          : index === 1
          ? Effect.as(Deferred.await(gate), success())
          : Effect.succeed(jsonAnswer(401, { error: "invalid_grant" }))
      )
      const pair = yield* forkAll([
        vault.getAccessTokenForConnection(github),
        vault.getAccessTokenForConnection(github)
      ])
      yield* settle
      yield* advance("2 seconds")
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.joinAll(pair)
      yield* vault.getAccessTokenForConnection(github)
      yield* Effect.flip(vault.getAccessTokenForConnection({ ...github, connection: "slack" }))
      expect((yield* counter(TokenVaultMetrics.calls)) - before.calls).toBe(4)
      expect((yield* counter(TokenVaultMetrics.cacheHits)) - before.hits).toBe(1)
      expect((yield* counter(TokenVaultMetrics.cacheMisses)) - before.misses).toBe(3)
      expect((yield* counter(TokenVaultMetrics.coalesced)) - before.coalesced).toBe(1)
      expect((yield* counter(TokenVaultMetrics.retries)) - before.retries).toBe(1)
      expect((yield* counter(TokenVaultMetrics.exchanges)) - before.exchanges).toBe(3)
      expect(
        (yield* counter(Metric.withAttributes(TokenVaultMetrics.failures, { error: "InvalidSubjectTokenError" }))) -
          before.refused
      ).toBe(1)
    }))

  it.effect("the latency histogram records calls that reached the network", () =>
    Effect.gen(function*() {
      const before = (yield* Metric.value(TokenVaultMetrics.latency)).count
      const { vault } = yield* vaultOver(success())
      yield* vault.getAccessTokenForConnection(github)
      yield* vault.getAccessTokenForConnection(github)
      expect((yield* Metric.value(TokenVaultMetrics.latency)).count - before).toBe(1)
    }))
})

describe("spans", () => {
  it.effect("a call that goes to the network has the call span and one attempt span per try; a cache hit has none", () =>
    Effect.gen(function*() {
      const tracer = recordingTracer()
      const { vault } = yield* vaultOver((index) => Effect.succeed(index === 0 ? jsonAnswer(503, {}) : success()))
      const call = yield* Effect.forkChild(
        vault.getAccessTokenForConnection(github).pipe(Effect.withTracer(tracer.tracer))
      )
      yield* advance("2 seconds")
      yield* Fiber.join(call)
      yield* vault.getAccessTokenForConnection(github).pipe(Effect.withTracer(tracer.tracer))
      const names = tracer.spans.map((span) => span.name)
      expect(names.filter((name) => name === "TokenVault.getAccessTokenForConnection")).toHaveLength(1)
      expect(
        tracer.spans.filter((span) => span.name === "TokenVault.attempt").map((span) =>
          span.attributes.get("auth0.attempt")
        )
      )
        .toEqual([1, 2])
    }))
})

describe("timeouts are typed, not defects", () => {
  it.effect("the exit of a timed-out call is a failure, not a die", () =>
    Effect.gen(function*() {
      const { vault } = yield* vaultOver(() => Effect.never, {
        retry: false,
        timeout: { attempt: Duration.millis(10) }
      })
      const call = yield* Effect.forkChild(Effect.exit(vault.getAccessTokenForConnection(github)))
      yield* advance("10 millis")
      const exit = yield* Fiber.join(call)
      expect(Exit.isFailure(exit) && isFailOnly(exit.cause)).toBe(true)
    }))
})
