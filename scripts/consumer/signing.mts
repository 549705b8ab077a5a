// private_key_jwt and DPoP (Effect's JOSE code, loaded lazily by the core) with the installed
// effect, through NodeTokenVault.layer against the emulator's loopback server, which checks the
// client assertion's signature and asks for a DPoP nonce.
import { TokenVault } from "@effect-auth0/token-vault"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import { EmulatorServer, TokenVaultEmulator } from "@effect-auth0/token-vault-testing"
import { Effect, Redacted } from "effect"
import { generateKeyPairSync } from "node:crypto"
import { tenant } from "./tenant.mjs"

const client = generateKeyPairSync("rsa", { modulusLength: 2048 })
const proofKey = generateKeyPairSync("ec", { namedCurve: "P-256" })

const program = Effect.gen(function*() {
  const emulator = yield* TokenVaultEmulator.make({
    ...tenant,
    dpop: { requireNonce: true },
    clients: [{
      clientId: "signing-app",
      authMethods: ["private_key_jwt"],
      clientAssertionKeys: [{
        algorithm: "RS256",
        publicKey: client.publicKey.export({ format: "pem", type: "spki" }) as string
      }]
    }]
  })
  const server = yield* EmulatorServer.serve(emulator)
  const tokenSet = yield* TokenVault.getAccessTokenForConnection({
    connection: "github",
    accessToken: "consumer-user-token"
  }).pipe(Effect.provide(NodeTokenVault.layer({
    domain: server.url,
    clientId: "signing-app",
    clientAssertionSigningKey: Redacted.make(client.privateKey.export({ format: "pem", type: "pkcs8" }) as string),
    dpop: { privateKey: proofKey.privateKey.export({ format: "jwk" }) as never }
  })))
  const requests = (yield* emulator.requests).filter((request) => request.path === "/oauth/token")
  return {
    matches: Redacted.value(tokenSet.accessToken) === "gho_consumer",
    requests: requests.length,
    assertions: requests.filter((request) => request.form["client_assertion"] !== undefined).length,
    proofs: requests.filter((request) => request.headers["dpop"] !== undefined).length
  }
})

console.log(JSON.stringify(await Effect.runPromise(Effect.scoped(program))))
