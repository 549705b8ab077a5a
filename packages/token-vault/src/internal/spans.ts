import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"

let defaultTracer: Tracer.Tracer | undefined

/** Effect's default tracer, the one of a runtime no tracer was installed in. */
const nativeTracer = (): Tracer.Tracer => (defaultTracer ??= Effect.runSync(Effect.tracer))

const ignore = () => {}

/**
 * Runs `f` in a span, as `Effect.useSpan` and `Effect.withParentSpan` do, when the fiber's tracer
 * is one the application installed (OpenTelemetry's, a test's). Effect's default tracer keeps its
 * spans to itself: nothing exports or reads them, and the two spans of an exchange cost about
 * 40 % of the service's own CPU per exchange, so under it `f` runs without a span. `f` gets a
 * function that sets an attribute on the span (a no-op without one).
 */
export const traced = <A, E, R>(
  name: string,
  options: Tracer.SpanOptions,
  f: (attribute: (key: string, value: unknown) => void) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.tracerWith((tracer) =>
    tracer === nativeTracer()
      ? f(ignore)
      : Effect.useSpan(name, options, (span) =>
        Effect.withParentSpan(f((key, value) => span.attribute(key, value)), span))
  )

/**
 * Records an event on the current span when the fiber's tracer is one the application installed
 * (see {@link traced}); nothing otherwise.
 */
export const spanEvent = (name: string, attributes: Record<string, unknown>): Effect.Effect<void> =>
  Effect.tracerWith((tracer) =>
    tracer === nativeTracer()
      ? Effect.void
      : Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
        span._tag === "None"
          ? Effect.void
          : Effect.map(Clock.currentTimeNanos, (now) => span.value.event(name, now, attributes)))
  )
