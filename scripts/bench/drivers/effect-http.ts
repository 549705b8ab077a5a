/**
 * A reference between the floor and the library: the same exchange written by hand on
 * `@effect/platform`'s `HttpClient` over the Node adapter's undici client
 * (`NodeTokenVault.layerHttpClient()`), trace propagation off as the library has it. The gap to
 * the floor is the cost of Effect's HTTP client; the gap to `effect-node` is the cost of
 * `TokenVault` itself (validation, key, coalescing, retries, time limits, spans, metrics, schemas).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import type { DriverSpec } from "./driver.js"
import { checkAnswer, formFields } from "./wire.js"

export const effectHttp: DriverSpec = {
  key: "effect-http",
  role: "reference",
  make: (url) => {
    const runtime = ManagedRuntime.make(Layer.orDie(NodeTokenVault.layerHttpClient()))
    const request = HttpClientRequest.post(`${url}/oauth/token`)
    const exchange = (i: number) =>
      Effect.gen(function* () {
        const client = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
        const response = yield* client.execute(HttpClientRequest.bodyUrlParams(request, formFields(i)))
        checkAnswer(response.status, yield* response.json)
      })
    return {
      name: "Effect HttpClient (NodeTokenVault.layerHttpClient), by hand",
      exchange: (i) => runtime.runPromise(exchange(i)),
      close: () => runtime.dispose()
    }
  }
}
