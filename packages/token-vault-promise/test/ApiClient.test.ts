import {
  ApiClient,
  type ApiClientOptions,
  InvalidConfigurationError,
  MissingClientAuthError,
  MissingRequiredArgumentError,
  TokenForConnectionError
} from "@effect-auth0/token-vault-promise"
import { describe, expect, it } from "@effect/vitest"
import { decodeJwt, generateKey, rejection, type StubAnswer, stubFetch } from "./fixtures.js"

const subjectToken = "subject-8c1f0e"
const clientSecret = "secret-5b7e2d"

const success: StubAnswer = {
  status: 200,
  body: JSON.stringify({ access_token: "federated-token", expires_in: 3600, scope: "repo" })
}

/** An ApiClient over a stub `customFetch`, and what the stub received. */
const clientWith = (answer: StubAnswer, options: Partial<ApiClientOptions> = {}) => {
  const stub = stubFetch(answer)
  const apiClient = new ApiClient({
    domain: "tenant.auth0.com",
    audience: "https://api.example.com",
    clientId: "client",
    clientSecret,
    customFetch: stub.fetch,
    ...options
  })
  return { apiClient, seen: stub.seen }
}

describe("ApiClient (Promise facade)", () => {
  it("returns exactly the five keys, with a plain-string access token", async () => {
    const { apiClient } = clientWith(success)
    const before = Math.floor(Date.now() / 1000)
    const tokenSet = await apiClient.getAccessTokenForConnection({
      connection: "github",
      accessToken: subjectToken,
      loginHint: "octocat"
    })
    expect(Object.keys(tokenSet).sort()).toEqual(["accessToken", "connection", "expiresAt", "loginHint", "scope"])
    expect(tokenSet.accessToken).toBe("federated-token")
    expect(tokenSet.scope).toBe("repo")
    expect(tokenSet.connection).toBe("github")
    expect(tokenSet.loginHint).toBe("octocat")
    expect(tokenSet.expiresAt).toBeGreaterThanOrEqual(before + 3600)
    expect(tokenSet.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600)
    await apiClient.dispose()
  })

  it("keeps scope and loginHint as present-but-undefined keys", async () => {
    const { apiClient } = clientWith({ status: 200, body: JSON.stringify({ access_token: "t", expires_in: 5 }) })
    const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "github", refreshToken: "rt" })
    expect(tokenSet).toHaveProperty("scope", undefined)
    expect(tokenSet).toHaveProperty("loginHint", undefined)
    await apiClient.dispose()
  })

  it("sends the refresh token as the subject when given one", async () => {
    const { apiClient, seen } = clientWith(success)
    await apiClient.getAccessTokenForConnection({ connection: "github", refreshToken: "refresh-1" })
    const form = new URLSearchParams(seen()[0]!.body)
    expect(form.get("subject_token")).toBe("refresh-1")
    expect(form.get("subject_token_type")).toBe("urn:ietf:params:oauth:token-type:refresh_token")
    await apiClient.dispose()
  })

  it("rejects without clientId the way Auth0's SDK does", async () => {
    const { apiClient, seen } = clientWith(success, { clientId: undefined })
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.message).toBe("Client credentials are required to use getAccessTokenForConnection")
    expect(error.code).toBe("token_for_connection_error")
    expect(seen()).toHaveLength(0)
    await apiClient.dispose()
  })

  it("rejects without client authentication with MissingClientAuthError", async () => {
    const { apiClient } = clientWith(success, { clientSecret: undefined })
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(MissingClientAuthError)
    expect(error.code).toBe("missing_client_auth_error")
    expect(error.name).toBe("MissingClientAuthError")
    await apiClient.dispose()
  })

  it("with a signing key and a secret, authenticates with the key (private_key_jwt), as Auth0's SDK does", async () => {
    const key = await generateKey("RS256")
    const { apiClient, seen } = clientWith(success, { clientAssertionSigningKey: key.pem })
    await apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    const form = new URLSearchParams(seen()[0]!.body)
    expect(form.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    expect(decodeJwt(form.get("client_assertion")!).claims).toMatchObject({
      iss: "client",
      sub: "client",
      aud: "https://tenant.auth0.com/"
    })
    expect(form.has("client_secret")).toBe(false)
    await apiClient.dispose()
  })

  it("refuses a signing key with another clientAuthentication, sending nothing", async () => {
    const key = await generateKey("ES256")
    const { apiClient, seen } = clientWith(success, {
      clientAssertionSigningKey: key.privateKey,
      clientAuthentication: "client_secret_post"
    })
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(InvalidConfigurationError)
    expect(error.message).toContain("clientAssertionSigningKey")
    expect(seen()).toHaveLength(0)
    await apiClient.dispose()
  })

  it.each([
    [{ connection: "github" }, "must be specified"],
    [{ connection: "github", accessToken: "a", refreshToken: "r" }, "not both"]
  ])("rejects %j with TokenForConnectionError", async (options, message) => {
    const { apiClient, seen } = clientWith(success)
    const error = await rejection(apiClient.getAccessTokenForConnection(options))
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.message).toContain(message)
    expect(seen()).toHaveLength(0)
    await apiClient.dispose()
  })

  it("rejects a missing connection with MissingRequiredArgumentError", async () => {
    const { apiClient } = clientWith(success)
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ accessToken: subjectToken } as unknown as { connection: string })
    )
    expect(error).toBeInstanceOf(MissingRequiredArgumentError)
    expect(error.code).toBe("missing_required_argument_error")
    expect(error.message).toBe("The argument 'connection' is required but was not provided.")
    await apiClient.dispose()
  })

  it("rejects an Auth0 OAuth error with TokenForConnectionError carrying Auth0's error as cause", async () => {
    const { apiClient } = clientWith({
      status: 401,
      body: JSON.stringify({ error: "invalid_grant", error_description: "Invalid subject token" })
    })
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.code).toBe("token_for_connection_error")
    expect(error.cause).toEqual({ error: "invalid_grant", error_description: "Invalid subject token" })
    expect(error.statusCode).toBe(401)
    expect(error.message).toBe("Failed to exchange token for connection 'github'.")
    await apiClient.dispose()
  })

  it.each(
    [
      [
        "a rate limit",
        {
          status: 429,
          body: JSON.stringify({ error: "too_many_requests", error_description: "slow down" }),
          headers: { "retry-after": "7" }
        },
        "retry after 7 s"
      ],
      ["an HTML answer", { status: 502, body: "<html>bad gateway</html>" }, "not JSON"]
    ] as const
  )("rejects %s with TokenForConnectionError that says what happened", async (_, answer, message) => {
    const { apiClient } = clientWith(answer, { retry: false })
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.message).toContain(message)
    expect(JSON.stringify(error)).not.toContain(subjectToken)
    expect(String(error)).not.toContain(clientSecret)
    await apiClient.dispose()
  })

  it("throws in the constructor without a domain, or with an empty or malformed one, like Auth0's SDK", () => {
    expect(() => new ApiClient({} as ApiClientOptions)).toThrow(MissingRequiredArgumentError)
    expect(() => new ApiClient({} as ApiClientOptions)).toThrow(
      "The argument 'domain' is required but was not provided."
    )
    expect(() => new ApiClient(undefined as never)).toThrow(MissingRequiredArgumentError)
    expect(() => new ApiClient({ domain: "https://tenant.auth0.com/path" })).toThrow(InvalidConfigurationError)
    expect(() => new ApiClient({ domain: "http://tenant.auth0.com" })).toThrow(/https/)
  })

  // Issue 11, item 9: auth0-api-js (since 1.5) throws InvalidConfigurationError for an empty domain.
  it("throws InvalidConfigurationError (invalid_configuration_error) for an empty domain", () => {
    const thrown = (() => {
      try {
        new ApiClient({ domain: "" })
      } catch (error) {
        return error as InvalidConfigurationError
      }
      throw new Error("expected the constructor to throw")
    })()
    expect(thrown).toBeInstanceOf(InvalidConfigurationError)
    expect(thrown).not.toBeInstanceOf(MissingRequiredArgumentError)
    expect(thrown.code).toBe("invalid_configuration_error")
    expect(thrown.name).toBe("InvalidConfigurationError")
    expect(thrown.message).toMatch(/^Invalid domain configuration: /)
  })

  it("throws InvalidConfigurationError, without what was thrown, when reading an option throws", () => {
    const options = Object.defineProperty({ domain: "tenant.auth0.com" }, "clientSecret", {
      enumerable: true,
      get: () => {
        throw new Error(`boom ${clientSecret}`)
      }
    })
    expect(() => new ApiClient(options)).toThrow(InvalidConfigurationError)
    expect(() => new ApiClient(options)).not.toThrow(/boom|secret-5b7e2d/)
  })

  it("uses customFetch for the exchange", async () => {
    const calls: Array<string> = []
    const customFetch: typeof fetch = async (input) => {
      calls.push(input instanceof Request ? input.url : String(input))
      return new Response(success.body, { status: 200, headers: { "content-type": "application/json" } })
    }
    const apiClient = new ApiClient({ domain: "tenant.auth0.com", clientId: "client", clientSecret, customFetch })
    const tokenSet = await apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    expect(tokenSet.accessToken).toBe("federated-token")
    expect(calls).toEqual(["https://tenant.auth0.com/oauth/token"])
    await apiClient.dispose()
  })

  it.each([
    [
      "rejects",
      (async () => {
        throw new TypeError(`network down while sending ${subjectToken}`)
      }) as typeof fetch
    ],
    [
      "throws before returning a promise",
      (() => {
        throw new TypeError(`network down while sending ${subjectToken}`)
      }) as typeof fetch
    ],
    ["returns something that is not a promise of a Response", (() => ({ status: 200 })) as unknown as typeof fetch]
  ])("turns a customFetch that %s into TokenForConnectionError", async (_, customFetch) => {
    const apiClient = new ApiClient({ domain: "tenant.auth0.com", clientId: "client", clientSecret, customFetch })
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.message).toContain("Could not complete the request")
    expect(error.message).not.toContain(subjectToken)
    await apiClient.dispose()
  })

  it("rejects a customFetch that is not a function with InvalidConfigurationError", async () => {
    const apiClient = new ApiClient({
      domain: "tenant.auth0.com",
      clientId: "client",
      clientSecret,
      customFetch: "https://proxy.example.com" as unknown as typeof fetch
    })
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(InvalidConfigurationError)
    expect(error.message).toContain("customFetch")
    await apiClient.dispose()
  })

  it("rejects calls after dispose() with TokenForConnectionError", async () => {
    const { apiClient, seen } = clientWith(success)
    await apiClient.dispose()
    const error = await rejection(
      apiClient.getAccessTokenForConnection({ connection: "github", accessToken: subjectToken })
    )
    expect(error).toBeInstanceOf(TokenForConnectionError)
    expect(error.message).toContain("disposed")
    expect(seen()).toHaveLength(0)
  })

  it("serves repeated calls from its cache; invalidate() and cache: false exchange again", async () => {
    const { apiClient, seen } = clientWith(success)
    const options = { connection: "github", accessToken: subjectToken }
    await apiClient.getAccessTokenForConnection(options)
    await apiClient.getAccessTokenForConnection(options)
    expect(seen()).toHaveLength(1)
    await apiClient.invalidate(options)
    await apiClient.getAccessTokenForConnection(options)
    await apiClient.getAccessTokenForConnection({ ...options, cache: false })
    expect(seen()).toHaveLength(3)
    await apiClient.dispose()
  })

  it("keeps two clients' caches apart", async () => {
    const first = clientWith(success)
    const second = clientWith(success)
    const options = { connection: "github", accessToken: subjectToken }
    await first.apiClient.getAccessTokenForConnection(options)
    await second.apiClient.getAccessTokenForConnection(options)
    expect(first.seen()).toHaveLength(1)
    expect(second.seen()).toHaveLength(1)
    await first.apiClient.dispose()
    await second.apiClient.dispose()
  })
})
