/**
 * Hand-written exchanges: POST the form, read the JSON, check it. On undici's `request()` with a
 * keep-alive `Agent` (the floor: the least a Node client can do) and on Node's global `fetch`.
 */
import { Agent, request } from "undici"
import type { Driver, DriverSpec } from "./driver.js"
import { checkAnswer, form, formContentType } from "./wire.js"

const formHeaders = { "content-type": formContentType }

/** A driver from one way of POSTing a form and reading the JSON answer. */
const handwritten = (
  name: string,
  post: (body: string) => Promise<{ readonly status: number; readonly json: unknown }>,
  close: () => Promise<void>
): Driver => ({
  name,
  exchange: async (i) => {
    const { json, status } = await post(form(i))
    checkAnswer(status, json)
  },
  close
})

export const undiciRequest: DriverSpec = {
  key: "undici",
  role: "floor",
  make: (url) => {
    const agent = new Agent()
    const tokenUrl = `${url}/oauth/token`
    return handwritten(
      "undici request() + keep-alive Agent, by hand (floor)",
      async (body) => {
        const response = await request(tokenUrl, { method: "POST", headers: formHeaders, body, dispatcher: agent })
        return { status: response.statusCode, json: await response.body.json() }
      },
      () => agent.close()
    )
  }
}

export const globalFetch: DriverSpec = {
  key: "fetch",
  role: "reference",
  make: (url) => {
    const tokenUrl = `${url}/oauth/token`
    return handwritten(
      "global fetch, by hand",
      async (body) => {
        const response = await fetch(tokenUrl, { method: "POST", headers: formHeaders, body })
        return { status: response.status, json: await response.json() }
      },
      async () => {}
    )
  }
}
