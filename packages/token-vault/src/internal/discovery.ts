import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { type TransportError, UnexpectedResponseError } from "../TokenVaultError.js"
import { isLoopbackHost, parseEndpoint } from "./domain.js"
import { exchange } from "./httpTransport.js"
import { failureToError } from "./outcome.js"

const DiscoveryDocument = Schema.fromJsonString(Schema.Struct({
  mtls_endpoint_aliases: Schema.Struct({ token_endpoint: Schema.String })
}))

const parseDocument = Schema.decodeUnknownOption(DiscoveryDocument)

/** A host name without the trailing dot of a fully qualified one. */
const bare = (host: string) => host.endsWith(".") ? host.slice(0, -1) : host

/**
 * The hosts an alias may be on: the tenant's host and, under its parent domain, its siblings and
 * their subdomains (for `login.example.com`: `*.example.com`); for a tenant of two labels
 * (`example.com`), its subdomains. An IP address has no parent.
 */
const allowedHosts = (tenantHost: string): { readonly host: string; readonly suffix: string | undefined } => {
  const host = bare(tenantHost)
  if (/^\[|^[\d.]+$/.test(host)) return { host, suffix: undefined }
  const labels = host.split(".")
  return { host, suffix: `.${labels.length >= 3 ? labels.slice(1).join(".") : host}` }
}

/**
 * Checks the mTLS alias a discovery document named against the tenant it came from: it must be
 * `https` and on the tenant's host or under its parent domain; plain `http` only when the tenant
 * itself is `http` on loopback (a test's emulator), and then on loopback. Any other host is
 * reachable only through an explicit `mtlsEndpoint`: a document must not choose where subject
 * tokens go. The reason on the left says which rule the alias broke.
 */
export const checkAlias = (discoveryUrl: string, alias: string): Result.Result<string, string> => {
  const noValid = (reason: string) =>
    `the discovery document has no valid mtls_endpoint_aliases.token_endpoint: it ${reason}`
  const noValidAlias = (reason: string) => Result.fail(noValid(reason))
  const valid = () => Result.mapError(parseEndpoint(alias), noValid)
  let url: URL
  try {
    url = new URL(alias)
  } catch {
    return noValidAlias("is not an absolute URL")
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return noValidAlias("must use https")
  const tenant = new URL(discoveryUrl)
  if (tenant.protocol === "http:" && isLoopbackHost(tenant.hostname) && isLoopbackHost(url.hostname)) return valid()
  if (url.protocol !== "https:") {
    return Result.fail("the mTLS alias of the token endpoint uses http; it must use https")
  }
  const allowed = allowedHosts(tenant.hostname)
  const host = bare(url.hostname)
  if (host === allowed.host || (allowed.suffix !== undefined && host.endsWith(allowed.suffix))) return valid()
  const under = allowed.suffix === undefined ? "" : ` or under ${allowed.suffix.slice(1)}`
  return Result.fail(
    `the mTLS alias of the token endpoint (host ${host}) is not on the tenant's host (${allowed.host})${under}; ` +
      "set mtlsEndpoint to send token requests to another host"
  )
}

const refusedDocument = (status: number, description: string) =>
  Effect.fail(new UnexpectedResponseError({ status, description: `discovery failed (${description})`, excerpt: "" }))

/**
 * Reads the mTLS alias of the token endpoint from the tenant's discovery document, once: the
 * first success is kept, a failure is not, so a later call tries again. Each lookup is bounded as
 * a token request is: it ends within `timeoutMillis` (what the calling attempt may still spend),
 * and a document over `maxBytes` is not read. Redirects are not followed (a `3xx` is an error, as
 * on token requests), and the alias must pass {@link checkAlias}. `hostSource` names the
 * tenant's host (the option or the configuration variable), for the advice on a host name that
 * does not resolve.
 */
export const makeMtlsEndpointLookup = (
  httpClient: HttpClient.HttpClient,
  discoveryUrl: string,
  maxBytes: number,
  hostSource: string
) => {
  let found: string | undefined
  const request = HttpClientRequest.get(discoveryUrl, { acceptJson: true })
  const lookup = (timeoutMillis: number): Effect.Effect<string, TransportError | UnexpectedResponseError> =>
    exchange(httpClient, request, maxBytes, Math.max(0, timeoutMillis)).pipe(
      Effect.mapError((failure) =>
        failureToError(failure, {
          url: discoveryUrl,
          maxBytes,
          timedOut: `no discovery document within ${Duration.format(Duration.millis(Math.max(0, timeoutMillis)))}`,
          prefix: "discovery failed",
          body: "the discovery document",
          secrets: [],
          hostSource
        })
      ),
      Effect.flatMap((response) => {
        if (response.status >= 300 && response.status < 400) {
          return refusedDocument(
            response.status,
            `the discovery document's URL answered a redirect (status ${response.status}), which is not followed`
          )
        }
        if (response.status < 200 || response.status >= 300) {
          return refusedDocument(response.status, `status ${response.status} instead of the discovery document`)
        }
        const document = parseDocument(response.body)
        if (Option.isNone(document)) {
          return refusedDocument(
            response.status,
            "the discovery document has no valid mtls_endpoint_aliases.token_endpoint"
          )
        }
        const alias = checkAlias(discoveryUrl, document.value.mtls_endpoint_aliases.token_endpoint)
        if (Result.isFailure(alias)) return refusedDocument(response.status, alias.failure)
        found = alias.success
        return Effect.succeed(alias.success)
      })
    )
  return (timeoutMillis: number): Effect.Effect<string, TransportError | UnexpectedResponseError> =>
    Effect.suspend(() => (found === undefined ? lookup(timeoutMillis) : Effect.succeed(found)))
}
