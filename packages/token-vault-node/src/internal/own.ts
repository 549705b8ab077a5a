/**
 * Reading options as own properties only.
 *
 * @internal
 */

/**
 * The `keys` of `record` that are its OWN properties, on an object without a prototype: a value
 * inherited from a polluted `Object.prototype` (`Object.prototype.proxy = ...`) is never read.
 */
export const ownFields = <K extends string>(
  record: object,
  keys: ReadonlyArray<K>
): { readonly [key in K]?: unknown } => {
  const fields: { [key in K]?: unknown } = Object.create(null)
  for (const key of keys) {
    if (Object.hasOwn(record, key)) fields[key] = (record as Record<K, unknown>)[key]
  }
  return fields
}
