/**
 * The token request as the hand-written drivers send it, and the check of its answer.
 */
import { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { clientId, clientSecret, connection, subjectToken } from "../tenant.js"

export const formContentType = "application/x-www-form-urlencoded"

/** The form fields the library sends (`client_secret_post`), for the `i`-th subject token. */
export const formFields = (i: number): Record<string, string> => ({
  grant_type: TokenVaultEmulator.GRANT_TYPE,
  subject_token: subjectToken(i),
  subject_token_type: TokenVaultEmulator.SUBJECT_TOKEN_TYPE_ACCESS_TOKEN,
  requested_token_type: TokenVaultEmulator.REQUESTED_TOKEN_TYPE,
  connection,
  client_id: clientId,
  client_secret: clientSecret
})

/** The form, encoded. */
export const form = (i: number): string => new URLSearchParams(formFields(i)).toString()

/** Throws unless the answer is a 200 with an `access_token`. */
export const checkAnswer = (status: number, json: unknown): void => {
  if (status !== 200 || typeof (json as { access_token?: unknown } | null)?.access_token !== "string") {
    throw new Error(`exchange failed: HTTP ${status} ${JSON.stringify(json)}`)
  }
}
