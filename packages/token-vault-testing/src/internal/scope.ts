/**
 * Down-scoping (Auth0's Early Access `scope` parameter of the Token Vault exchange): a request may
 * ask for a subset of the scopes the user granted the connection, and is answered with that set.
 *
 * @internal
 */
import * as Result from "effect/Result"
import type { EmulatorResponse } from "../TokenVaultEmulator.js"
import * as Errors from "./errors.js"

const scopesOf = (value: string): ReadonlyArray<string> => [...new Set(value.split(/\s+/).filter((s) => s !== ""))]

/**
 * The `scope` of the answer: the identity's granted scope when none is requested, else the
 * requested scopes (each once, in request order) when all are granted; otherwise a 400
 * `invalid_scope` naming the scopes that are not granted.
 *
 * @internal
 */
export const downscope = (
  requested: string | undefined,
  granted: string | undefined
): Result.Result<string | undefined, EmulatorResponse> => {
  if (requested === undefined) return Result.succeed(granted)
  const scopes = scopesOf(requested)
  if (scopes.length === 0) return Result.fail(Errors.blankScope())
  const grantedScopes = new Set(scopesOf(granted ?? ""))
  const missing = scopes.filter((scope) => !grantedScopes.has(scope)).join(" ")
  if (missing !== "") return Result.fail(Errors.scopeNotGranted(missing))
  return Result.succeed(scopes.join(" "))
}
