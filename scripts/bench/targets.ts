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
  /**
   * For figures measured in several rounds: in how many of them the round's own figure met the
   * target against the same round's reference. Shown next to the verdict, so that a target met in
   * some rounds and missed in others reads as on the line, not as settled.
   */
  readonly rounds?: { readonly met: number; readonly of: number }
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

const verdict = (t: Target): string => {
  if (t.met === undefined) return "n/a"
  const overall = t.met ? "yes" : "NO"
  return t.rounds === undefined || t.rounds.of < 2 ? overall : `${overall} (${t.rounds.met}/${t.rounds.of} rounds)`
}

export const renderTargets = (targets: ReadonlyArray<Target>): string =>
  renderTable(["target", "wanted", "measured", "met"], targets.map((t) => [t.what, t.target, t.measured, verdict(t)]))
