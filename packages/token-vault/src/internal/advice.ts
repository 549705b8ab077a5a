/**
 * What to check, attached to an error whose cause lies in the client's own options (Auth0
 * rejected its credentials): the error's message says it. It is attached by the service, which
 * knows whether the options came from code or from configuration variables, and is no field of
 * the error: the error's fields stay those of Auth0's answer.
 */

const key = Symbol("@effect-auth0/token-vault/advice")

/** `error`, whose message now ends with `advice`. */
export const withAdvice = <E extends object>(error: E, advice: string): E =>
  Object.defineProperty(error, key, { value: advice, enumerable: false })

/** The advice attached to `error`, if any. */
export const adviceOf = (error: object): string | undefined => {
  const advice = (error as { readonly [key]?: unknown })[key]
  return typeof advice === "string" ? advice : undefined
}
