/**
 * The one place where what a transport brought back becomes the result of an attempt: a
 * `TransportFailure` becomes a `TransportError` or an `UnexpectedResponseError`, and a response a
 * `ConnectionTokenSet`, an OAuth error (one of the situations an application acts on, else a
 * `TokenExchangeError`), a `RateLimitError` or an `UnexpectedResponseError`.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import { ConnectionTokenSet } from "../ConnectionTokenSet.js"
import type { TransportFailure } from "../TokenTransport.js"
import {
  AccountNotConnectedError,
  ClientNotAllowedError,
  InvalidSubjectTokenError,
  MfaRequiredError,
  RateLimitError,
  ReconnectRequiredError,
  TokenExchangeError,
  type TokenVaultError,
  TransportError,
  UnexpectedResponseError
} from "../TokenVaultError.js"
import { withAdvice } from "./advice.js"
import { excerpt, scrub } from "./excerpt.js"

/** What a failure is about: the URL, the size limit, what a timeout means, the secrets to scrub. */
export interface FailureContext {
  readonly url: string
  readonly maxBytes: number
  /** The description of a `TimedOut`. */
  readonly timedOut: string
  /** Put before a failure's description, e.g. `discovery failed`; none for the token request. */
  readonly prefix: string | undefined
  /** What the body is, in a `BodyTooLarge`'s description (`the body`, `the discovery document`). */
  readonly body: string
  readonly secrets: ReadonlyArray<string>
  /**
   * What names the URL's host, for the advice on a host name that does not resolve: the option or
   * the configuration variable.
   */
  readonly hostSource: string
}

/**
 * A failed DNS lookup, by the code a transport's `RequestFailed` detail carries (`CODE: message`,
 * see `TokenTransport.requestFailed`): the name does not exist (`ENOTFOUND`), or the resolver
 * could not answer (`EAI_AGAIN`).
 */
const dnsFailure = /(?:^|: )(?:ENOTFOUND|EAI_AGAIN)(?=: |$)/

/** The `TransportError`s of a host name that did not resolve: retrying will not make it resolve. */
const unresolvedHosts = new WeakSet<TransportError>()

/** Whether `error` is a host name that did not resolve (made by {@link failureToError}). */
export const isUnresolvedHost = (error: TransportError): boolean => unresolvedHosts.has(error)

/** The typed error of a request that brought back no complete response. */
export const failureToError = (
  failure: TransportFailure,
  context: FailureContext
): TransportError | UnexpectedResponseError => {
  const described = (description: string) =>
    context.prefix === undefined ? description : `${context.prefix} (${description})`
  switch (failure._tag) {
    case "RequestFailed": {
      const unresolved = !failure.responseReceived && dnsFailure.test(failure.detail)
      const advice = unresolved
        ? `; the host name did not resolve: check ${context.hostSource}`
        : ""
      const error = new TransportError({
        url: context.url,
        description: described(scrub(failure.detail, context.secrets) + advice),
        responseReceived: failure.responseReceived
      })
      if (unresolved) unresolvedHosts.add(error)
      return error
    }
    case "TimedOut":
      return new TransportError({
        url: context.url,
        description: described(context.timedOut),
        responseReceived: failure.responseReceived
      })
    case "BodyTooLarge":
      return new UnexpectedResponseError({
        status: failure.status,
        description: `${context.body} is larger than the limit of ${context.maxBytes} bytes`,
        excerpt: ""
      })
  }
}

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** The success body of Auth0's token endpoint for this grant. */
export const SuccessBody = Schema.Struct({
  access_token: Schema.RedactedFromValue(Schema.NonEmptyString),
  expires_in: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  scope: OptionalString,
  token_type: OptionalString,
  issued_token_type: OptionalString
})

/** An OAuth 2.0 error body (RFC 6749 §5.2). */
const OAuthErrorBody = Schema.Struct({
  error: Schema.NonEmptyString,
  error_description: OptionalString
})

const decodeWithSchema = Schema.decodeUnknownResult(SuccessBody, { errors: "all" })

const isOptionalString = (value: unknown) => value === undefined || value === null || typeof value === "string"

/**
 * What the service reads of a success body that is plainly well-formed, checked by hand;
 * `undefined` for anything else, which then goes through `SuccessBody` and gets its message. The
 * check accepts nothing that `SuccessBody` refuses (a property test holds them together) and
 * costs a small fraction of a Schema decode.
 */
export const plainSuccess = (
  json: unknown
): { readonly accessToken: string; readonly expiresIn: number; readonly scope: string | undefined } | undefined => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined
  const body = json as Record<string, unknown>
  const accessToken = body["access_token"]
  const expiresIn = body["expires_in"]
  const scope = body["scope"]
  if (typeof accessToken !== "string" || accessToken.length === 0) return undefined
  if (!Number.isSafeInteger(expiresIn) || (expiresIn as number) < 0) return undefined
  if (
    !isOptionalString(scope) || !isOptionalString(body["token_type"]) || !isOptionalString(body["issued_token_type"])
  ) {
    return undefined
  }
  return { accessToken, expiresIn: expiresIn as number, scope: scope ?? undefined } as const
}

/** The success body: by hand when it is plainly well-formed, else by `SuccessBody`. */
const decodeSuccess = (json: unknown): Result.Result<typeof SuccessBody.Type, Schema.SchemaError> => {
  const plain = plainSuccess(json)
  if (plain !== undefined) {
    const decoded = { access_token: Redacted.make(plain.accessToken), expires_in: plain.expiresIn }
    return Result.succeed(plain.scope === undefined ? decoded : { ...decoded, scope: plain.scope })
  }
  return decodeWithSchema(json)
}
const decodeOAuthError = Schema.decodeUnknownOption(OAuthErrorBody)
/** The longest `error` or `error_description` kept in an error, after scrubbing. */
const oauthTextLength = 300

/**
 * The error of an OAuth error answer: the situation it names, or a `TokenExchangeError`; the
 * errors of `TokenVaultError` that always keep Auth0's `status`, `error` and `connection`.
 */
type OAuthFailure = Extract<
  TokenVaultError,
  { readonly status: number; readonly error: string; readonly connection: string }
>

type ExchangeFailure = OAuthFailure | RateLimitError | UnexpectedResponseError

/** What the classifier needs to know of the call that produced a response. */
export interface ExchangeContext {
  readonly connection: string
  readonly loginHint: string | undefined
  /** Subject token and client secret, to keep out of excerpts. */
  readonly secrets: ReadonlyArray<string>
  /** What to check when Auth0 rejects the client's authentication, e.g. `check the client id and secret`. */
  readonly clientAdvice: string
}

/**
 * Whether an OAuth error is Auth0 rejecting the client's authentication rather than the user's
 * token: `invalid_client` (RFC 6749 §5.2), or the `401 access_denied` "Unauthorized" that Auth0
 * answers for an unknown client id or a wrong secret.
 */
const rejectsClient = (status: number, error: string, description: string | null | undefined): boolean =>
  error === "invalid_client" ||
  (status === 401 && error === "access_denied" && description?.trim().toLowerCase() === "unauthorized")

/** The situations an application acts on, by Auth0's `error` code (a `4xx` answer's). */
const situations = new Map<
  string,
  | typeof AccountNotConnectedError
  | typeof ReconnectRequiredError
  | typeof InvalidSubjectTokenError
  | typeof ClientNotAllowedError
>([
  ["federated_connection_refresh_token_not_found", AccountNotConnectedError],
  ["tokenset_not_found", AccountNotConnectedError],
  ["federated_connection_refresh_token_flow_failed", ReconnectRequiredError],
  ["invalid_grant", InvalidSubjectTokenError],
  ["unauthorized_client", ClientNotAllowedError]
])

/** The `mfa_token` of an OAuth error body (Auth0 adds it to `mfa_required`), when it is a non-empty string. */
const mfaTokenOf = (json: unknown): string | undefined => {
  const token = (json as { readonly mfa_token?: unknown }).mfa_token
  return typeof token === "string" && token !== "" ? token : undefined
}

/**
 * An OAuth error answer: its `error` as sent (`code`, what it is classified by), and its `error`
 * and `error_description` as an error keeps them: scrubbed of the request's secrets and of the
 * answer's own `mfa_token`, which only `MfaRequiredError.mfaToken` holds.
 */
interface OAuthAnswer {
  readonly code: string
  readonly rejectsClient: boolean
  readonly error: string
  readonly errorDescription: string | undefined
  readonly mfaToken: Redacted.Redacted<string> | undefined
}

const oauthAnswerOf = (status: number, json: unknown, secrets: ReadonlyArray<string>): OAuthAnswer | undefined => {
  const answer = Option.getOrUndefined(decodeOAuthError(json))
  if (answer === undefined) return undefined
  const mfaToken = answer.error === "mfa_required" ? mfaTokenOf(json) : undefined
  const hidden = mfaToken === undefined ? secrets : [...secrets, mfaToken]
  return {
    code: answer.error,
    rejectsClient: rejectsClient(status, answer.error, answer.error_description),
    error: scrub(answer.error, hidden, oauthTextLength),
    errorDescription: answer.error_description == null
      ? undefined
      : scrub(answer.error_description, hidden, oauthTextLength),
    mfaToken: mfaToken === undefined ? undefined : Redacted.make(mfaToken)
  }
}

/**
 * The error of an OAuth error answer with status `400` or above (not a 429): the situation its
 * code names when the status is `4xx` (a `5xx` is Auth0 failing, whatever the code), else a
 * `TokenExchangeError`, with the client-credentials advice when Auth0 rejected the client's
 * authentication.
 */
const oauthFailure = (status: number, answer: OAuthAnswer, context: ExchangeContext): OAuthFailure => {
  const fields = {
    status,
    error: answer.error,
    errorDescription: answer.errorDescription,
    connection: context.connection
  }
  if (status < 500) {
    if (answer.code === "mfa_required") return new MfaRequiredError({ ...fields, mfaToken: answer.mfaToken })
    if (answer.code === "access_denied" && status === 403) return new ClientNotAllowedError(fields)
    const situation = situations.get(answer.code)
    if (situation !== undefined) return new situation(fields)
  }
  const error = new TokenExchangeError(fields)
  return answer.rejectsClient ? withAdvice(error, context.clientAdvice) : error
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A response header by lower-case name. */
type Header = (name: string) => string | undefined

const headerNumber = (header: Header, name: string): number | undefined => {
  const raw = header(name)
  if (raw === undefined || raw.trim() === "") return undefined
  const value = Number(raw)
  return Number.isFinite(value) ? value : undefined
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const month = `(${months.join("|")})`
const day = "(0[1-9]|[12]\\d|3[01])"
const time = "([01]\\d|2[0-3]):([0-5]\\d):([0-5]\\d)"
const shortDay = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
/** IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`; groups: day, month, year, hour, minute, second. */
const imfFixdate = new RegExp(`^${shortDay}, ${day} ${month} (\\d{4}) ${time} GMT$`)
/** The obsolete RFC 850 form, e.g. `Sunday, 06-Nov-94 08:49:37 GMT`; same groups, a two-digit year. */
const rfc850Date = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), ${day}-${month}-(\\d{2}) ${time} GMT$`
)
/** ANSI C's asctime form, e.g. `Sun Nov  6 08:49:37 1994` (GMT); groups: month, day, hour, minute, second, year. */
const asctimeDate = new RegExp(`^${shortDay} ${month} ( [1-9]|[12]\\d|3[01]) ${time} (\\d{4})$`)

/**
 * An HTTP-date (RFC 9110 §5.6.7) as epoch milliseconds: only its three forms, matched exactly and
 * read as GMT, never the many strings `Date.parse` also accepts (`"1.5"`, `"5, 5"`). A two-digit
 * year is the one that is not more than 50 years after `nowMillis`'s.
 */
const httpDateMillis = (raw: string, nowMillis: number): number | undefined => {
  const utc = (year: number, mon: string, dd: string, hh: string, mm: string, ss: string) =>
    Date.UTC(year, months.indexOf(mon), Number(dd), Number(hh), Number(mm), Number(ss))
  const imf = imfFixdate.exec(raw)
  if (imf !== null) return utc(Number(imf[3]), imf[2]!, imf[1]!, imf[4]!, imf[5]!, imf[6]!)
  const rfc850 = rfc850Date.exec(raw)
  if (rfc850 !== null) {
    const thisYear = new Date(nowMillis).getUTCFullYear()
    const year = thisYear - (thisYear % 100) + Number(rfc850[3])
    return utc(year > thisYear + 50 ? year - 100 : year, rfc850[2]!, rfc850[1]!, rfc850[4]!, rfc850[5]!, rfc850[6]!)
  }
  const asctime = asctimeDate.exec(raw)
  if (asctime !== null) {
    return utc(Number(asctime[6]), asctime[1]!, asctime[2]!.trim(), asctime[3]!, asctime[4]!, asctime[5]!)
  }
  return undefined
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) as whole seconds from `nowMillis`, or `undefined` when it is
 * absent or unusable (the caller then backs off as usual). Accepted: delta-seconds; a
 * comma-separated list that starts with delta-seconds, as a repeated header arrives (`"5, 5"`:
 * the first counts); an HTTP-date in one of its three forms, a past one giving 0. (Effect's
 * `Headers.parseHttpDate` would do, but brings `DateTime` into a browser bundle: ~4 KB minified.)
 */
const retryAfterSeconds = (header: Header, nowMillis: number): number | undefined => {
  const raw = header("retry-after")?.trim()
  if (raw === undefined || raw === "") return undefined
  const delta = /^(\d+)\s*(?:,|$)/.exec(raw)
  if (delta !== null) return Number(delta[1])
  const date = httpDateMillis(raw, nowMillis)
  return date === undefined ? undefined : Math.max(0, Math.ceil((date - nowMillis) / 1000))
}

/**
 * The paths of the leaves of an issue. A union that no member matches the type of (`scope: 5`)
 * is an `AnyOf` without inner issues: a leaf.
 */
const issuePaths = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>, out: Set<string>): void => {
  switch (issue._tag) {
    case "Pointer":
      return issuePaths(issue.issue, [...path, ...issue.path], out)
    case "Composite":
    case "AnyOf":
      if (issue.issues.length === 0) break
      for (const inner of issue.issues) issuePaths(inner, path, out)
      return
    case "Filter":
    case "Encoding":
      return issuePaths(issue.issue, path, out)
  }
  out.add(path.map(String).join(".") || "body")
}

const invalidFields = (error: Schema.SchemaError): string => {
  const fields = new Set<string>()
  issuePaths(error.issue, [], fields)
  return `the success body has missing or invalid fields: ${[...fields].join(", ")}`
}

/**
 * Turns the status, headers and body of a token endpoint response into a `ConnectionTokenSet`
 * or the typed error that describes it. One JSON parse, one decode of the body (by hand when it
 * is plainly well-formed, else by its Schema).
 */
export const classifyResponse = (
  status: number,
  header: Header,
  body: string,
  context: ExchangeContext
): Effect.Effect<ConnectionTokenSet, ExchangeFailure> =>
  Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<ConnectionTokenSet, ExchangeFailure> => {
    const json = parseJson(body)
    const unexpected = (description: string) =>
      Effect.fail(
        new UnexpectedResponseError({ status, description, excerpt: excerpt(body, json, context.secrets, header) })
      )
    if (status >= 200 && status < 300) {
      if (json === undefined) {
        return unexpected(
          body.trim() === "" ? "the success response has an empty body" : "the success body is not JSON"
        )
      }
      const decoded = decodeSuccess(json)
      if (Result.isFailure(decoded)) return unexpected(invalidFields(decoded.failure))
      const success = decoded.success
      return Effect.succeed(
        new ConnectionTokenSet({
          accessToken: success.access_token,
          scope: success.scope ?? undefined,
          expiresAt: Math.floor(now / 1000) + success.expires_in,
          connection: context.connection,
          loginHint: context.loginHint
        }, { disableChecks: true })
      )
    }
    // A server may echo what it was sent: what it says goes into the error scrubbed.
    const answer = oauthAnswerOf(status, json, context.secrets)
    if (status === 429) {
      return Effect.fail(
        new RateLimitError({
          connection: context.connection,
          retryAfter: retryAfterSeconds(header, now),
          limit: headerNumber(header, "x-ratelimit-limit"),
          remaining: headerNumber(header, "x-ratelimit-remaining"),
          reset: headerNumber(header, "x-ratelimit-reset"),
          error: answer?.error,
          errorDescription: answer?.errorDescription
        })
      )
    }
    if (status >= 400 && answer !== undefined) return Effect.fail(oauthFailure(status, answer, context))
    if (body.trim() === "") return unexpected(`status ${status} with an empty body`)
    return unexpected(
      json === undefined
        ? `status ${status} with a body that is not JSON`
        : `status ${status} without an OAuth error body`
    )
  })
