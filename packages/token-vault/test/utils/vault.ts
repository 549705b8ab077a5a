import { TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/testing/TestClock"
import { type Script, type StubAnswer, stubHttpClient } from "./stubHttpClient.js"

/**
 * A vault (tenant `tenant.auth0.com`, client `client`, a secret) over a stub answering with
 * `answer`, and what the stub saw: the requests (`seen`, and their count `requests`), how many
 * were interrupted while being answered, and the clock's instant of each.
 */
export const vaultOver = (answer: StubAnswer | Script, options: Partial<TokenVaultOptions.TokenVaultOptions> = {}) =>
  Effect.gen(function*() {
    const instants: Array<number> = []
    const script: Script = typeof answer === "function" ? answer : () => Effect.succeed(answer)
    const stub = yield* stubHttpClient((index) =>
      Effect.andThen(Effect.map(Clock.currentTimeMillis, (now) => instants.push(now)), script(index))
    )
    const vault = yield* TokenVault.make({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientSecret: Redacted.make("secret"),
      ...options
    }).pipe(Effect.provide(stub.layer))
    return {
      vault,
      seen: stub.seen,
      requests: Effect.map(stub.seen, (seen) => seen.length),
      interrupted: stub.interrupted,
      instants
    }
  })

/** The call most tests make. */
export const github = { connection: "github", accessToken: "subject-token" } as const

/** Lets forked calls run until they wait (on the clock, on a request, on an exchange in flight). */
export const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))

/** Moves the TestClock once pending work (a body being read, a retry being scheduled) waits on it. */
export const advance = (duration: Duration.Input) => Effect.andThen(settle, TestClock.adjust(duration))

/** Forks each effect as a child of the current fiber (Effect 3's `Effect.forkAll`, one fiber each). */
export const forkAll = <A, E, R>(effects: Iterable<Effect.Effect<A, E, R>>) =>
  Effect.forEach(effects, (effect) => Effect.forkChild(effect))

/** The fiber's exit if it has ended (Effect 3's `Fiber.poll`). */
export const poll = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.sync(() => Option.fromUndefinedOr(fiber.pollUnsafe()))
