import type { TokenVaultEmulator } from "@effect-auth0/token-vault-testing"

/** One canned answer of {@link stubFetch}. */
export interface StubAnswer {
  readonly status: number
  readonly body: string
  readonly headers?: Readonly<Record<string, string>>
}

/** A request as the stub saw it. */
export interface SeenRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A `fetch` that answers every request with `answer` and records what it was sent. */
export const stubFetch = (answer: StubAnswer) => {
  const seen: Array<SeenRequest> = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    seen.push({
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.text()
    })
    return new Response(answer.body, { status: answer.status, headers: { ...answer.headers } })
  }
  return { fetch, seen: (): ReadonlyArray<SeenRequest> => [...seen] }
}

/** The error a promise rejects with; fails the test when it resolves. */
export const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string; cause?: unknown; statusCode?: number }
  }
  throw new Error("expected the promise to reject")
}

export const CLIENT_ID = "promise-app"
export const CLIENT_SECRET = "promise-app-secret-value"

/** A tenant with one user, alice, linked to Google; Slack is not linked (a refused exchange). */
export const tenant: TokenVaultEmulator.TenantConfig = {
  domain: "tenant.example.com",
  clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
  users: [
    {
      userId: "auth0|alice",
      accessTokens: ["at-alice", "at-alice-2"],
      connections: {
        "google-oauth2": [{
          loginHint: "alice@example.com",
          accessToken: "ya29.alice",
          scope: "openid",
          expiresIn: 1200
        }]
      }
    }
  ],
  recordRequests: true
}

/** The signing algorithms of client assertions and DPoP proofs. */
export const signingAlgorithms = ["RS256", "RS384", "PS256", "PS384", "ES256", "ES384"] as const
export type SigningAlgorithm = typeof signingAlgorithms[number]

const keyParameters: Record<SigningAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams> = {
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
  RS384: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
  PS256: { name: "RSA-PSS", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
  PS384: { name: "RSA-PSS", hash: "SHA-384", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  ES384: { name: "ECDSA", namedCurve: "P-384" }
}

/** A key pair of a signing algorithm, in every form the tests pass it. */
export interface TestKey {
  readonly algorithm: SigningAlgorithm
  /** The private key, extractable. */
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  /** PKCS#8 PEM, 64-character lines. */
  readonly pem: string
  /** The base64 body of the PEM on one line: what must never appear in an error. */
  readonly pemBody: string
  readonly privateJwk: JsonWebKey
  readonly publicJwk: JsonWebKey
}

/** Generates a key pair of `algorithm` with WebCrypto. */
export const generateKey = async (algorithm: SigningAlgorithm): Promise<TestKey> => {
  const pair = await crypto.subtle.generateKey(keyParameters[algorithm], true, ["sign", "verify"]) as CryptoKeyPair
  const pemBody = Buffer.from(await crypto.subtle.exportKey("pkcs8", pair.privateKey)).toString("base64")
  return {
    algorithm,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    pem: `-----BEGIN PRIVATE KEY-----\n${pemBody.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`,
    pemBody,
    privateJwk: await crypto.subtle.exportKey("jwk", pair.privateKey),
    publicJwk: await crypto.subtle.exportKey("jwk", pair.publicKey)
  }
}

/** The JSON of a JWT's header and claims (the signature unchecked). */
export const decodeJwt = (jwt: string) => {
  const [header, claims] = jwt.split(".").slice(0, 2).map((part) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>
  )
  return { header: header!, claims: claims! }
}
