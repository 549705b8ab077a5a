/**
 * Every client the exchange benchmark runs, in the order of the report.
 */
import { auth0AuthJs } from "./anchor.js"
import type { DriverSpec } from "./driver.js"
import { effectHttp } from "./effect-http.js"
import { effectFetch, effectNode, effectNodeDpop, effectNodeJwt } from "./effect.js"
import { globalFetch, undiciRequest } from "./handwritten.js"
import { promiseFetch, promiseNode } from "./promise.js"

export type { Driver, DriverSpec, Role } from "./driver.js"
export { effectOptions } from "./effect.js"

export const drivers: ReadonlyArray<DriverSpec> = [
  undiciRequest,
  globalFetch,
  effectHttp,
  effectNode,
  effectNodeJwt,
  effectNodeDpop,
  effectFetch,
  promiseNode,
  promiseFetch,
  auth0AuthJs
]
