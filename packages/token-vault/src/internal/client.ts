import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { InvalidConfigurationError } from "../TokenVaultError.js"
import type { TokenVaultOptions } from "../TokenVaultOptions.js"
import { parseDomain } from "./domain.js"
import { grantType, requestedTokenType, subjectTokenTypes, type SubjectTokenKind } from "./protocol.js"
import { packageName, packageVersion } from "./version.js"

/** A validated client: where to send the exchange and how to write it. */
export interface ResolvedClient {
  readonly tokenUrl: string
  /** The known secrets of this client, to keep out of error excerpts. */
  readonly clientSecret: Redacted.Redacted<string>
  readonly makeRequest: (call: TokenCall) => HttpClientRequest.HttpClientRequest
}

/** What one exchange sends besides the client's own fields. */
export interface TokenCall {
  readonly connection: string
  readonly subjectTokenKind: SubjectTokenKind
  readonly subjectToken: Redacted.Redacted<string>
  readonly loginHint: string | undefined
}

const invalid = (option: string, message: string) => Effect.fail(new InvalidConfigurationError({ option, message }))

const isNonEmptyString = (value: unknown): value is string => typeof value === "string" && value.trim().length > 0

/** `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 §2.3.1 asks for Basic auth. */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+")

/** The `Auth0-Client` telemetry header value, as Auth0's SDKs send it. */
export const telemetryHeader = btoa(JSON.stringify({ name: packageName, version: packageVersion }))

/**
 * Validates client options and precomputes everything that does not change between exchanges.
 * Options may come from plain JavaScript, so each is checked at run time; messages name the
 * option, never its value.
 */
export const resolveClient = (
  options: TokenVaultOptions
): Effect.Effect<ResolvedClient, InvalidConfigurationError> =>
  Effect.suspend(() => {
    if (typeof options !== "object" || options === null) return invalid("options", "options must be an object")
    const { clientAuthentication = "client_secret_post", clientId, clientSecret, domain, telemetry = true } = options
    if (typeof domain !== "string") return invalid("domain", "domain is required: the tenant's domain, e.g. tenant.us.auth0.com")
    const origin = parseDomain(domain)
    if (Either.isLeft(origin)) return invalid("domain", origin.left)
    if (!isNonEmptyString(clientId)) return invalid("clientId", "clientId is required: the application's client id")
    if (clientSecret === undefined) {
      return invalid("clientSecret", "client authentication is required: give clientSecret")
    }
    if (!Redacted.isRedacted(clientSecret) || !isNonEmptyString(Redacted.value(clientSecret))) {
      return invalid("clientSecret", "clientSecret must be a non-empty string wrapped in Redacted (Redacted.make)")
    }
    if (clientAuthentication !== "client_secret_post" && clientAuthentication !== "client_secret_basic") {
      return invalid("clientAuthentication", "clientAuthentication must be client_secret_post or client_secret_basic")
    }
    if (typeof telemetry !== "boolean") return invalid("telemetry", "telemetry must be a boolean")

    const tokenUrl = `${origin.right}/oauth/token`
    const headers: Record<string, string> = { accept: "application/json" }
    if (telemetry) headers["auth0-client"] = telemetryHeader
    if (clientAuthentication === "client_secret_basic") {
      const credentials = `${formEncode(clientId)}:${formEncode(Redacted.value(clientSecret))}`
      headers["authorization"] = `Basic ${btoa(credentials)}`
    }
    const base = HttpClientRequest.post(tokenUrl, { headers: Headers.fromInput(headers) })
    const postCredentials = clientAuthentication === "client_secret_post"

    const makeRequest = (call: TokenCall) => {
      const params: Record<string, string> = {
        grant_type: grantType,
        subject_token: Redacted.value(call.subjectToken),
        subject_token_type: subjectTokenTypes[call.subjectTokenKind],
        requested_token_type: requestedTokenType,
        connection: call.connection
      }
      if (call.loginHint !== undefined) params["login_hint"] = call.loginHint
      if (postCredentials) {
        params["client_id"] = clientId
        params["client_secret"] = Redacted.value(clientSecret)
      }
      return HttpClientRequest.bodyUrlParams(base, params)
    }
    return Effect.succeed({ tokenUrl, clientSecret, makeRequest })
  })
