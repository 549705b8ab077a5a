/**
 * The targets of the issue, printed next to the figures (not asserted).
 */
import { renderTable } from "./table.js"

export interface Target {
  readonly what: string
  readonly target: string
  readonly measured: string
  /** `undefined` when the figure could not be measured in this run. */
  readonly met: boolean | undefined
}

/** A target comparing `value` with `limit` (`value <= limit` or `value >= limit`). */
export const target = (
  what: string,
  goal: string,
  measured: string,
  value: number,
  comparison: "<=" | ">=" | "<" | "==",
  limit: number
): Target => {
  const ok = !Number.isFinite(value) || !Number.isFinite(limit)
    ? undefined
    : comparison === "<="
    ? value <= limit
    : comparison === ">="
    ? value >= limit
    : comparison === "<"
    ? value < limit
    : value === limit
  return { what, target: goal, measured, met: ok }
}

export const renderTargets = (targets: ReadonlyArray<Target>): string =>
  renderTable(
    ["target", "wanted", "measured", "met"],
    targets.map((t) => [t.what, t.target, t.measured, t.met === undefined ? "n/a" : t.met ? "yes" : "NO"])
  )
