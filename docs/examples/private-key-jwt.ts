/**
 * `private_key_jwt`: the application proves who it is with a short-lived JWT signed by its private
 * key (a client assertion, RFC 7523) instead of a client secret. Auth0 checks the signature with
 * the public key registered for the application (its Credentials tab: Private Key JWT).
 *
 * `clientAssertionSigningKey` takes the private key as a PKCS#8 PEM text in `Redacted`, a private
 * JWK (plain or in `Redacted`) or a `CryptoKey`; `clientAssertionSigningAlg` is RS256 unless you
 * say otherwise. In production, `NodeTokenVault.layerConfig()` reads AUTH0_DOMAIN, AUTH0_CLIENT_ID,
 * AUTH0_CLIENT_ASSERTION_SIGNING_KEY (the PEM text) and optionally
 * AUTH0_CLIENT_ASSERTION_SIGNING_ALG from the environment.
 *
 * Run as a program, it generates an RS256 key pair with Effect's JOSE modules, starts the Token
 * Vault emulator on 127.0.0.1 with an application that has the public key registered and Alice,
 * the user of docs/examples/demoTenant.ts, and exchanges Alice's Auth0 access token for her GitHub
 * token over HTTP twice: with every scope she granted, then down-scoped to `read:user` with her IP
 * address forwarded. The emulator checks each assertion's signature, `iss`, `sub`, `aud`, `exp`
 * and `jti` as Auth0 does. The program prints the scopes, what the emulator received (the
 * assertion's header and claims, never the signed assertion or a token), and the error of a key
 * given with an algorithm it does not fit:
 *
 *   pnpm exec tsx docs/examples/private-key-jwt.ts
 */
import { TokenVault, type TokenVaultOptions } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { Console, Effect, Layer } from "effect"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as Signature from "effect/crypto/Signature"
import * as Jwk from "effect/jose/Jwk"
import { fileURLToPath } from "node:url"
import { demoTenant } from "./demoTenant.js"

/**
 * The application's key pair: the public JWK is registered with Auth0, the private one (in
 * `Redacted`) stays with the application. Auth0 accepts RS256, RS384, PS256, PS384, ES256, ES384.
 */
export const generateApplicationKeys = Jwk.generateKeyPair({ algorithm: "RS256" }).pipe(
  Effect.provide(Signature.layerWebCrypto.pipe(Layer.provide(SecureRandom.layerWebCrypto)))
)

/**
 * `TokenVault` over undici, authenticating the application with client assertions signed by
 * `privateKey`: `private_key_jwt` is the default when a key is given, and RS256 the default
 * algorithm. The key is imported, and signs once as a check, when the layer is built; each token
 * request then carries a fresh assertion (a new `jti`, valid for 60 s).
 */
export const TokenVaultWithKey = (domain: string, clientId: string, privateKey: TokenVaultOptions.SigningKey) =>
  NodeTokenVault.layer({ domain, clientId, clientAssertionSigningKey: privateKey })

/** The user's GitHub token twice: with every scope granted, then down-scoped, with the user's IP. */
export const githubScopes = (auth0AccessToken: string, userIp: string) =>
  Effect.gen(function*() {
    const granted = yield* TokenVault.getAccessTokenForConnection({
      connection: "github",
      accessToken: auth0AccessToken
    })
    const readOnly = yield* TokenVault.getAccessTokenForConnection({
      connection: "github",
      accessToken: auth0AccessToken,
      scope: "read:user", // a subset of the granted scopes: its own cache entry, so its own exchange
      forwardedFor: userIp // sent as auth0-forwarded-for, for Auth0's suspicious-IP throttling
    })
    return { granted: granted.scope, readOnly: readOnly.scope }
  })

/** The header and claims of a JWT, without its signature. */
const jwtContents = (jwt: string) => {
  const [header = "", payload = ""] = jwt.split(".")
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>
  return { header: decode(header), claims: decode(payload) }
}

/** The whole run against the emulator: keys, tenant, two exchanges, what was received, a refused key. */
export const main = Effect.gen(function*() {
  const keys = yield* generateApplicationKeys
  const emulator = yield* TokenVaultEmulator.make({
    ...demoTenant,
    clients: [{
      clientId: "jwt-backend",
      authMethods: ["private_key_jwt"],
      clientAssertionKeys: [{ algorithm: "RS256", publicKey: keys.publicKey }]
    }]
  })
  const server = yield* EmulatorServer.serve(emulator)

  const scopes = yield* githubScopes("alice-auth0-access-token", "203.0.113.7").pipe(
    Effect.provide(TokenVaultWithKey(server.url, "jwt-backend", keys.privateKey))
  )
  yield* Console.log(`GitHub scopes: ${JSON.stringify(scopes)}`)

  const requests = yield* emulator.requests
  const jtis = new Set<unknown>()
  for (const request of requests) {
    const { claims, header } = jwtContents(request.form["client_assertion"] ?? "")
    jtis.add(claims["jti"])
    yield* Console.log(`The emulator received: ${
      JSON.stringify({
        client_assertion_type: request.form["client_assertion_type"],
        client_secret: request.form["client_secret"] ?? "(none)",
        assertion: {
          header,
          iss: claims["iss"],
          sub: claims["sub"],
          aud: claims["aud"],
          lifetime: (claims["exp"] as number) - (claims["iat"] as number)
        },
        scope: request.form["scope"] ?? "(none)",
        forwardedFor: request.forwardedFor ?? "(none)"
      })
    }`)
  }
  yield* Console.log(
    `${requests.length} requests, ${jtis.size} distinct assertion ids (jti): one assertion per request`
  )

  // The same key with an algorithm it does not fit: the layer fails when it is built, before any request.
  const refused = yield* githubScopes("alice-auth0-access-token", "203.0.113.7").pipe(
    Effect.provide(NodeTokenVault.layer({
      domain: server.url,
      clientId: "jwt-backend",
      clientAssertionSigningKey: keys.privateKey,
      clientAssertionSigningAlg: "ES256"
    })),
    Effect.flip
  )
  yield* Console.log(`A key that does not fit its algorithm: ${refused._tag}: ${refused.message}`)
  yield* Console.log(`The emulator answered ${(yield* emulator.requests).length} token request(s).`)
}).pipe(Effect.scoped)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await Effect.runPromise(main)
}
