import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { generateKeyPairSync } from "node:crypto"
import type { ScenarioConfig } from "../fixtures/scenarios.js"

export const CLIENT_ID = "spa-client"
export const CLIENT_SECRET = "spa-secret-3f9a"
export const ACCESS_TOKEN = "at-alice-7c21"
/** Bob connected nothing. */
export const BOB_ACCESS_TOKEN = "at-bob-41d0"
export const FEDERATED_TOKEN = "ya29.alice-calendar"
export const SCOPE = "openid https://www.googleapis.com/auth/calendar.readonly"
/** The client that authenticates with `private_key_jwt`. */
export const SIGNING_CLIENT_ID = "signing-client"

/** Its RS256 key pair: the emulator holds the public key, the runtime signs with the private one. */
const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 })

/** Alice linked Google; she never linked Slack. Bob linked nothing. */
export const tenant = (allowedWebOrigins: ReadonlyArray<string>): TokenVaultEmulator.TenantConfig => ({
  domain: "tenant.example.com",
  allowedWebOrigins,
  clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, {
    clientId: SIGNING_CLIENT_ID,
    authMethods: ["private_key_jwt"],
    clientAssertionKeys: [{
      algorithm: "RS256",
      publicKey: signingKey.publicKey.export({ format: "pem", type: "spki" }) as string
    }]
  }],
  users: [{
    userId: "auth0|alice",
    accessTokens: [ACCESS_TOKEN],
    connections: { "google-oauth2": [{ accessToken: FEDERATED_TOKEN, scope: SCOPE, expiresIn: 1800 }] }
  }, {
    userId: "auth0|bob",
    accessTokens: [BOB_ACCESS_TOKEN]
  }]
})

/** The scenario configuration for a runtime that reaches the emulator at `domain`. */
export const scenarioConfig = (domain: string): ScenarioConfig => ({
  domain,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  accessToken: ACCESS_TOKEN,
  linkedConnection: "google-oauth2",
  unlinkedConnection: "slack",
  httpClientOptions: { credentials: "omit", mode: "cors", referrerPolicy: "no-referrer" },
  signing: {
    clientId: SIGNING_CLIENT_ID,
    privateKeyPem: signingKey.privateKey.export({ format: "pem", type: "pkcs8" }) as string
  }
})
