/** The version of `@effect-auth0/token-vault`, sent in the `Auth0-Client` telemetry header. */
export const packageVersion = "1.0.0"

/** The package's npm name, sent in the `Auth0-Client` telemetry header. */
export const packageName = "@effect-auth0/token-vault"
