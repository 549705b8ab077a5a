import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { expect } from "@effect/vitest"
import type { Outcome, Report } from "../fixtures/scenarios.js"
import { FEDERATED_TOKEN, SCOPE } from "./tenant.js"

const linked = (outcome: Outcome, before: number) => {
  expect(outcome.ok, outcome.ok ? "" : `expected a token set, got ${outcome.name}: ${outcome.message}`).toBe(true)
  expect(outcome).toMatchObject({ ok: true, accessToken: FEDERATED_TOKEN, scope: SCOPE, connection: "google-oauth2" })
  if (outcome.ok) {
    expect(outcome.expiresAt).toBeGreaterThanOrEqual(before + 1800)
    expect(outcome.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1800)
  }
}

/**
 * The report of a runtime that reached the emulator: the linked connection's token through the
 * Effect API (twice: default and configured fetch) and the Promise facade, and the typed error of
 * the unlinked one through each; then the linked one with `private_key_jwt` and DPoP, which the
 * emulator accepted after checking the assertion's signature and the proof.
 */
export const expectExchanges = (report: Report, before: number): void => {
  linked(report.effectLinked, before)
  linked(report.effectSigned, before)
  linked(report.effectWithOptions, before)
  linked(report.promiseLinked, before)
  expect(report.effectUnlinked).toMatchObject({
    ok: false,
    name: "AccountNotConnectedError",
    status: 401,
    error: "federated_connection_refresh_token_not_found"
  })
  expect(report.promiseUnlinked).toMatchObject({
    ok: false,
    name: "TokenForConnectionError",
    code: "token_for_connection_error",
    status: 401,
    error: "federated_connection_refresh_token_not_found"
  })
}

/**
 * The token requests of the scenarios: six, the last one the signed scenario's, with a client
 * assertion instead of a secret and a DPoP proof.
 */
export const expectScenarioPosts = (posts: ReadonlyArray<TokenVaultEmulator.RecordedRequest>): void => {
  expect(posts.length).toBe(6)
  const signed = posts[5]!
  expect(signed.form["client_assertion_type"]).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
  expect(signed.form["client_secret"]).toBeUndefined()
  expect(signed.headers["dpop"]?.split(".")).toHaveLength(3)
}

/** The report of a runtime whose requests never got an answer it could read. */
export const expectTransportFailures = (report: Report): void => {
  for (const outcome of [report.effectLinked, report.effectWithOptions, report.effectUnlinked, report.effectSigned]) {
    expect(outcome).toMatchObject({ ok: false, name: "TransportError" })
  }
  for (const outcome of [report.promiseLinked, report.promiseUnlinked]) {
    expect(outcome).toMatchObject({ ok: false, name: "TokenForConnectionError", code: "token_for_connection_error" })
    if (!outcome.ok) expect(outcome.message).toMatch(/^Could not complete the request to /)
  }
}

/** The token requests (`POST /oauth/token`) the emulator received, oldest first. */
export const tokenPosts = (
  requests: ReadonlyArray<TokenVaultEmulator.RecordedRequest>
): ReadonlyArray<TokenVaultEmulator.RecordedRequest> =>
  requests.filter((request) => request.method === "POST" && request.path === "/oauth/token")

/** No trace context went to the tenant: `traceparent` / `b3` would fail Auth0's CORS preflight. */
export const expectNoTracePropagation = (requests: ReadonlyArray<TokenVaultEmulator.RecordedRequest>): void => {
  for (const request of requests) {
    expect(Object.keys(request.headers)).not.toContain("traceparent")
    expect(Object.keys(request.headers)).not.toContain("b3")
    expect(Object.keys(request.headers)).not.toContain("tracestate")
  }
}
