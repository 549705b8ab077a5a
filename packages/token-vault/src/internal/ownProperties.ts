/**
 * Options read as own properties only: a value inherited from a polluted `Object.prototype`
 * (`Object.prototype.mtlsEndpoint = ...`, `Object.prototype.store = ...`) must never choose where
 * tokens go or which cache receives them.
 */

/** The fields to keep: `true` for a value, a nested shape for an object of options. */
export interface Shape {
  readonly [key: string]: Shape | true
}

/**
 * The `shape`'s fields of `value` that are its own properties, copied onto objects without a
 * prototype (so that reading an absent field gives `undefined`, never an inherited value). A
 * value that is not an object is returned as is, for the Schema to refuse.
 */
export const ownProperties = (value: unknown, shape: Shape): unknown => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value
  const copy: Record<string, unknown> = Object.create(null)
  for (const key of Object.keys(shape)) {
    if (!Object.hasOwn(value, key)) continue
    const inner = shape[key]!
    const field: unknown = (value as Record<string, unknown>)[key]
    copy[key] = inner === true ? field : ownProperties(field, inner)
  }
  return copy
}

/** `value[key]` when `key` is an own property of `value`, otherwise `undefined` (never an inherited value). */
export const ownField = <A extends object, K extends keyof A>(value: A, key: K): A[K] | undefined =>
  Object.hasOwn(value, key) ? value[key] : undefined
