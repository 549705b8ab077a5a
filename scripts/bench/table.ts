/**
 * Plain-text rendering of the figures: aligned tables and number formats.
 */

/** A table with a header row; the first column is left-aligned, the others right-aligned. */
export const renderTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)))
  const line = (row: ReadonlyArray<string>) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n")
}

/** A count or rate with thousands separators and no decimals: `12 345`. */
export const integer = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString("en-US").replace(/,/g, " ") : "n/a"

/** A figure with `digits` decimals. */
export const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a")

/** `value / reference` as `1.23×`. */
export const ratio = (value: number, reference: number): string =>
  Number.isFinite(value) && Number.isFinite(reference) && reference !== 0 ? `${(value / reference).toFixed(2)}×` : "n/a"

/** Bytes in MiB, two decimals. */
export const mebibytes = (bytes: number): string => `${fixed(bytes / (1024 * 1024), 2)} MiB`

/** A section title. */
export const heading = (title: string): string => `\n== ${title} ${"=".repeat(Math.max(0, 96 - title.length))}\n`
