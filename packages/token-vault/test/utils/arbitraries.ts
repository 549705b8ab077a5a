/**
 * The few generators the property tests use, built on Effect's `Arbitrary` (Effect 4 has its own
 * property-testing engine; fast-check is no longer part of `effect`). Named and shaped after the
 * fast-check ones the tests were first written with.
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Schema from "effect/Schema"

export type Arb<A> = Arbitrary.Arbitrary<A>
export type { Arbitrary } from "effect/Arbitrary"

/** An integer in `[min, max]`. */
export const integer = (options: { readonly min?: number; readonly max?: number } = {}): Arb<number> => {
  const min = options.min ?? -2_147_483_648
  const max = options.max ?? 2_147_483_647
  return Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: min, maximum: max })))
}

/** A natural number up to `max`. */
export const nat = (options: { readonly max?: number } = {}): Arb<number> =>
  integer({ min: 0, max: options.max ?? 2_147_483_647 })

/** Any number, NaN, infinities and -0 included. */
export const double = (): Arb<number> => Arbitrary.schema(Schema.Number)

export const boolean = (): Arb<boolean> => Arbitrary.schema(Schema.Boolean)

/** Printable ASCII text. */
export const string = (): Arb<string> => Arbitrary.schema(Schema.String)

/** Text of any code points, lone surrogates included. */
export const binaryString = (): Arb<string> =>
  Arbitrary.map(Arbitrary.array(integer({ min: 0, max: 0x10ffff })), (points) => String.fromCodePoint(...points))

/** Text matching `pattern`. */
export const stringMatching = (pattern: RegExp): Arb<string> =>
  Arbitrary.schema(Schema.String.check(Schema.isPattern(pattern)))

export const constant = <const A>(value: A): Arb<A> => Arbitrary.Constant(value)

/** One of `values`. */
export const constantFrom = <const A extends ReadonlyArray<unknown>>(...values: A): Arb<A[number]> =>
  Arbitrary.map(integer({ min: 0, max: values.length - 1 }), (i) => values[i])

type Weighted<A> = { readonly weight: number; readonly arbitrary: Arb<A> }

type ValueOf<M> = M extends Arb<infer A> ? A : M extends Weighted<infer A> ? A : never

/** A value of one of `members`, picked with their weights (1 when not given). */
export const oneof = <const Members extends ReadonlyArray<Arb<unknown> | Weighted<unknown>>>(
  ...members: Members
): Arb<ValueOf<Members[number]>> => {
  type A = ValueOf<Members[number]>
  const weighted = members.map((member): Weighted<A> =>
    Arbitrary.isArbitrary(member) ? { weight: 1, arbitrary: member as Arb<A> } : member as Weighted<A>
  )
  const total = weighted.reduce((sum, member) => sum + member.weight, 0)
  return Arbitrary.flatMap(integer({ min: 0, max: total - 1 }), (ticket) => {
    for (const member of weighted) {
      if (ticket < member.weight) return member.arbitrary
      ticket -= member.weight
    }
    return weighted[weighted.length - 1]!.arbitrary
  })
}

/** `nil` now and then, `arbitrary` otherwise. */
export const option = <A, N>(arbitrary: Arb<A>, options: { readonly nil: N }): Arb<A | N> =>
  oneof({ weight: 1, arbitrary: constant(options.nil) }, { weight: 4, arbitrary })

export const array = <A>(item: Arb<A>, options: { readonly maxLength?: number } = {}): Arb<Array<A>> =>
  Arbitrary.array(item, options.maxLength === undefined ? undefined : { maxLength: options.maxLength })

export const tuple = <const Arbs extends ReadonlyArray<Arb<unknown>>>(...arbitraries: Arbs) =>
  Arbitrary.all(arbitraries)

/** Any JSON value. */
export const jsonValue = (): Arb<unknown> => Arbitrary.schema(Schema.Json)

/** JSON text. */
export const json = (): Arb<string> => Arbitrary.map(jsonValue(), (value) => JSON.stringify(value))

/** A plain object with JSON values. */
export const object = (): Arb<Record<string, unknown>> =>
  Arbitrary.schema(Schema.Record(Schema.String, Schema.Json)) as Arb<Record<string, unknown>>

/** Anything: JSON values, undefined and odd numbers. */
export const anything = (): Arb<unknown> =>
  oneof(jsonValue(), constant(undefined), double(), array(jsonValue(), { maxLength: 3 }), object())

const absent = Symbol("absent")

type Fields<Shape> = { -readonly [K in keyof Shape]: Shape[K] extends Arb<infer A> ? A : never }

/**
 * An object with `shape`'s keys; with `requiredKeys: []` each key may be left out.
 */
export function record<Shape extends Record<string, Arb<unknown>>>(shape: Shape): Arb<Fields<Shape>>
export function record<Shape extends Record<string, Arb<unknown>>>(
  shape: Shape,
  options: { readonly requiredKeys: ReadonlyArray<never> }
): Arb<Partial<Fields<Shape>>>
export function record<Shape extends Record<string, Arb<unknown>>>(
  shape: Shape,
  options: { readonly requiredKeys?: ReadonlyArray<keyof Shape> } = {}
): Arb<Partial<Fields<Shape>>> {
  const required: ReadonlyArray<PropertyKey> = options.requiredKeys === undefined
    ? Object.keys(shape)
    : options.requiredKeys
  const fields = Object.fromEntries(
    Object.entries(shape).map(([key, arbitrary]) => [
      key,
      required.includes(key) ? arbitrary : oneof(constant(absent), arbitrary)
    ])
  )
  return Arbitrary.map(Arbitrary.all(fields), (values) => {
    const result: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(values)) if (value !== absent) result[key] = value
    return result as Partial<Fields<Shape>>
  })
}

/** An object of up to `maxKeys` entries (own data properties, `__proto__` included). */
export const dictionary = <V>(
  key: Arb<string>,
  value: Arb<V>,
  options: { readonly maxKeys?: number } = {}
): Arb<Record<string, V>> =>
  Arbitrary.map(
    array(tuple(key, value), { maxLength: options.maxKeys ?? 5 }),
    (entries) => Object.fromEntries(entries) as Record<string, V>
  )

/** A host name: labels of letters, digits and dashes, and a top-level domain. */
export const domain = (): Arb<string> =>
  stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?){0,2}\.[a-z]{2,6}$/)

/** An http(s) URL on a generated domain, with a path and, when asked, a query and a fragment. */
export const webUrl = (
  options: { readonly withQueryParameters?: boolean; readonly withFragments?: boolean } = {}
): Arb<string> =>
  Arbitrary.map(
    tuple(
      constantFrom("http", "https"),
      domain(),
      array(stringMatching(/^[\w.~%-]{0,8}$/), { maxLength: 3 }),
      options.withQueryParameters === true
        ? option(stringMatching(/^[\w=&%-]{0,12}$/), { nil: undefined })
        : constant(undefined),
      options.withFragments === true ? option(stringMatching(/^[\w%-]{0,8}$/), { nil: undefined }) : constant(undefined)
    ),
    ([scheme, host, path, query, fragment]) =>
      `${scheme}://${host}${path.map((segment) => `/${segment}`).join("")}${query === undefined ? "" : `?${query}`}${
        fragment === undefined ? "" : `#${fragment}`
      }`
  )

/** A date, now and then an invalid one. */
export const date = (): Arb<Date> =>
  oneof(
    {
      weight: 9,
      arbitrary: Arbitrary.map(
        integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 }),
        (ms) => new Date(ms * 1000)
      )
    },
    { weight: 1, arbitrary: constant(new Date(Number.NaN)) }
  )
