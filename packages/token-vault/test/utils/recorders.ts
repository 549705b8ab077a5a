import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/** A finished span as an exporter would see it: name, attributes, events and how it ended. */
export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ name: string; attributes: Record<string, unknown> | undefined }>
  exit: Exit.Exit<unknown, unknown> | undefined
}

/** Everything an exporter could send of a span, as one string. */
const spanText = (span: RecordedSpan) =>
  [
    span.name,
    JSON.stringify([...span.attributes].map(([key, value]) => [key, String(value)])),
    JSON.stringify(span.events),
    span.exit !== undefined && Exit.isFailure(span.exit) ? Cause.pretty(span.exit.cause) : ""
  ].join("\n")

/** A tracer that keeps every span in memory. */
export const recordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  let next = 0
  const tracer = Tracer.make({
    span({ annotations, kind, links, name, parent, startTime }) {
      const recorded: RecordedSpan = { name, attributes: new Map(), events: [], exit: undefined }
      spans.push(recorded)
      const spanId = `span-${next++}`
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: "trace",
        parent,
        annotations,
        get status() {
          return status
        },
        attributes: recorded.attributes,
        links: [...links],
        sampled: true,
        kind,
        end(endTime, exit) {
          status = { _tag: "Ended", startTime, endTime, exit }
          recorded.exit = exit
        },
        attribute(key, value) {
          recorded.attributes.set(key, value)
        },
        event(eventName, _startTime, attributes) {
          recorded.events.push({ name: eventName, attributes })
        },
        addLinks() {}
      }
      return span
    }
  })
  return { tracer, spans, text: () => spans.map(spanText).join("\n") }
}

/** A logger that keeps every line, written once as logfmt and once as JSON. */
export const recordingLogger = () => {
  const lines: Array<string> = []
  const logger = Logger.make<unknown, void>((options) => {
    lines.push(Logger.formatLogFmt.log(options))
    lines.push(Logger.formatJson.log(options))
  })
  return { logger: Logger.layer([logger]), lines, text: () => lines.join("\n") }
}

/** The attribute of the first span with that name. */
export const spanAttribute = (spans: ReadonlyArray<RecordedSpan>, name: string, key: string) =>
  Option.fromNullishOr(spans.find((span) => span.name === name)?.attributes.get(key))
