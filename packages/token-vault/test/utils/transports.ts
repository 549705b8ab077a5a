import { TokenTransport } from "@effect-auth0/token-vault"
import { Effect, Layer } from "effect"
import { HttpClient } from "effect/http"

/** An HttpClient that must not be used: it counts what it was asked and fails the test's call. */
export const unusedHttpClient = () => {
  const used: Array<string> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.sync(() => used.push(request.url)).pipe(Effect.andThen(Effect.die("HttpClient used")))
    )
  )
  return { used, layer }
}

/**
 * A `TokenTransport` that records the requests it sends and answers them with `answers` in turn,
 * the last one for every request after.
 */
export const recordingTransport = (...answers: ReadonlyArray<TokenTransport.TokenResponse>) => {
  const sent: Array<TokenTransport.TokenRequest> = []
  const service: TokenTransport.TokenTransport["Service"] = {
    send: (request) => Effect.sync(() => (sent.push(request), answers[Math.min(sent.length, answers.length) - 1]!))
  }
  return { sent, layer: Layer.succeed(TokenTransport.TokenTransport, service) }
}
