import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

const ignore = () => {}

/**
 * Runs `f` in a span, as `Effect.useSpan` and `Effect.withParentSpan` do, when the fiber's tracer
 * is one the application installed (OpenTelemetry's, a test's). Effect's default tracer keeps its
 * spans to itself: nothing exports or reads them, so under it `f` runs without a span (see
 * docs/performance.md). `f` gets a function that sets an attribute on the span (a no-op without
 * one).
 */
export const traced = <A, E, R>(
  name: string,
  options: Tracer.SpanOptionsNoTrace,
  f: (attribute: (key: string, value: unknown) => void) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.tracer, (tracer) =>
    tracer === Tracer.nativeTracer
      ? f(ignore)
      : Effect.useSpan(name, options, (span) =>
        Effect.withParentSpan(
          f((key, value) => span.attribute(key, value)),
          span
        )))

/**
 * Records an event on the current span when the fiber's tracer is one the application installed
 * (see {@link traced}); nothing otherwise.
 */
export const spanEvent = (name: string, attributes: Record<string, unknown>): Effect.Effect<void> =>
  Effect.flatMap(Effect.tracer, (tracer) =>
    tracer === Tracer.nativeTracer
      ? Effect.void
      : Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
        Option.isNone(span)
          ? Effect.void
          : Effect.map(Clock.currentTimeNanos, (now) => span.value.event(name, now, attributes))))
