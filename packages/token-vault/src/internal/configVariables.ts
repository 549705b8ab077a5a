/**
 * Which configuration variables gave a client's options: `TokenVaultOptions.config` marks the
 * options it reads, so that the service's messages can say which variable to check (a rejected
 * client secret: `AUTH0_CLIENT_SECRET`), where options given in code get the option's name.
 */

/** The names of the variables that gave the options. */
export interface ConfigVariables {
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  readonly clientAssertionSigningKey: string
  readonly mtlsEndpoint: string
}

/** The variables `TokenVaultOptions.config` reads. */
export const defaultVariables: ConfigVariables = {
  domain: "AUTH0_DOMAIN",
  clientId: "AUTH0_CLIENT_ID",
  clientSecret: "AUTH0_CLIENT_SECRET",
  clientAssertionSigningKey: "AUTH0_CLIENT_ASSERTION_SIGNING_KEY",
  mtlsEndpoint: "AUTH0_MTLS_ENDPOINT"
}

const key = Symbol("@effect-auth0/token-vault/ConfigVariables")

/**
 * `options` marked with the variables they were read from. The mark is an own, enumerable
 * symbol-keyed property: a spread or rest copy of the options keeps it; JSON leaves it out.
 */
export const withConfigVariables = <A extends object>(options: A, variables: ConfigVariables = defaultVariables): A =>
  Object.assign({}, options, { [key]: variables })

const isVariables = (value: unknown): value is ConfigVariables =>
  typeof value === "object" && value !== null &&
  ["domain", "clientId", "clientSecret", "clientAssertionSigningKey", "mtlsEndpoint"].every((name) =>
    typeof Object.getOwnPropertyDescriptor(value, name)?.value === "string"
  )

/** The variables `options` were read from, or `undefined` (an own property only: never inherited). */
export const configVariablesOf = (options: unknown): ConfigVariables | undefined => {
  if (typeof options !== "object" || options === null) return undefined
  try {
    const value = Object.getOwnPropertyDescriptor(options, key)?.value
    return isVariables(value) ? value : undefined
  } catch {
    // A Proxy whose trap throws: `resolveClient` reports unreadable options.
    return undefined
  }
}
