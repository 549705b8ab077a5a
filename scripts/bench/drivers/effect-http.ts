/**
 * A reference between the floor and the library: the same exchange written by hand on Effect's
 * `HttpClient` over the Node adapter's undici client (`NodeTokenVault.layerHttpClient()`), trace
 * propagation off as the library has it. The gap to the floor is the cost of Effect's HTTP client;
 * the gap to `effect-node` is the cost of `TokenVault` itself (validation, cache, coalescing,
 * retries, time limits, spans, metrics, schemas).
 */
import { NodeTokenVault } from "@effect-auth0/token-vault-node"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type { DriverSpec } from "./driver.js"
import { checkAnswer, formFields } from "./wire.js"

export const effectHttp: DriverSpec = {
  key: "effect-http",
  role: "reference",
  make: (url) => {
    const runtime = ManagedRuntime.make(Layer.orDie(NodeTokenVault.layerHttpClient()))
    const request = HttpClientRequest.post(`${url}/oauth/token`)
    const exchange = (i: number) =>
      Effect.gen(function*() {
        const client = yield* HttpClient.HttpClient
        const response = yield* client.execute(HttpClientRequest.bodyUrlParams(request, formFields(i)))
        checkAnswer(response.status, yield* response.json)
      }).pipe(Effect.provideService(HttpClient.TracerPropagationEnabled, false))
    return {
      name: "Effect HttpClient (NodeTokenVault.layerHttpClient), by hand",
      exchange: (i) => runtime.runPromise(exchange(i)),
      close: () => runtime.dispose()
    }
  }
}
