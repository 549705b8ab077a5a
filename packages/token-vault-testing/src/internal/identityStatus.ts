/**
 * The state of connected accounts (`FederatedIdentityConfig.status`, overridden at run time by
 * `setIdentityStatus`) and the token endpoint's answer for each state that is not `"connected"`.
 *
 * @internal
 */
import type * as SecureRandom from "effect/crypto/SecureRandom"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type { EmulatorResponse, IdentitySelector, IdentityStatus, UserConfig } from "../TokenVaultEmulator.js"
import * as Errors from "./errors.js"
import { randomToken } from "./jose.js"
import { IDENTITY_STATUSES, isIdentityStatus } from "./protocol.js"
import { identitiesFor, type Tenant } from "./tenant.js"

/** The run-time states of an emulator's connected accounts. @internal */
export interface IdentityStatuses {
  /** The state of the identity at `index` among the user's identities at `connection`. */
  readonly statusOf: (user: UserConfig, connection: string, index: number) => IdentityStatus
  /** Sets the state of the selected identities; fails naming the problem when it selects none. */
  readonly set: (selector: IdentitySelector, status: IdentityStatus) => Result.Result<void, string>
}

const keyOf = (userId: string, connection: string, index: number): string => JSON.stringify([userId, connection, index])

/**
 * The states of a tenant's connected accounts: the configured ones, with run-time overrides that
 * belong to the emulator instance.
 *
 * @internal
 */
export const makeIdentityStatuses = (tenant: Tenant): IdentityStatuses => {
  const overrides = new Map<string, IdentityStatus>()
  return {
    statusOf: (user, connection, index) =>
      overrides.get(keyOf(user.userId, connection, index)) ??
        identitiesFor(user, connection)[index]?.status ??
        "connected",
    set: (selector, status) => {
      if (!isIdentityStatus(status)) {
        return Result.fail(`status must be one of ${IDENTITY_STATUSES.join(", ")}, got ${JSON.stringify(status)}`)
      }
      const user = tenant.users.get(selector.userId)
      if (user === undefined) return Result.fail(`no user ${JSON.stringify(selector.userId)}`)
      const identities = identitiesFor(user, selector.connection)
      const indices = [...identities.keys()].filter((index) =>
        selector.loginHint === undefined || identities[index]?.loginHint === selector.loginHint
      )
      if (indices.length === 0) {
        return Result.fail(
          `user ${JSON.stringify(selector.userId)} has no identity at connection ${
            JSON.stringify(selector.connection)
          }` +
            (selector.loginHint === undefined ? "" : ` with loginHint ${JSON.stringify(selector.loginHint)}`)
        )
      }
      for (const index of indices) overrides.set(keyOf(user.userId, selector.connection, index), status)
      return Result.void
    }
  }
}

/** Bytes of randomness in an `mfa_token`. */
const MFA_TOKEN_BYTES = 32

/**
 * The answer for an identity in a state other than `"connected"` (see {@link IdentityStatus}).
 *
 * @internal
 */
export const statusAnswer = (
  status: Exclude<IdentityStatus, "connected">
): Effect.Effect<EmulatorResponse, never, SecureRandom.SecureRandom> => {
  switch (status) {
    case "refresh_token_not_found":
      return Effect.succeed(Errors.federatedConnectionNotFound())
    case "tokenset_not_found":
      return Effect.succeed(Errors.tokensetNotFound())
    case "refresh_failed":
      return Effect.succeed(Errors.refreshTokenFlowFailed())
    case "mfa_required":
      return Effect.map(randomToken(MFA_TOKEN_BYTES), Errors.mfaRequired)
  }
}
