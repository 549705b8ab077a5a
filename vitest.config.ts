import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const source = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url))

// Tests import the workspace packages by their public names; resolve them to source so that
// `vitest` needs no prior build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@effect-auth0\/token-vault$/, replacement: source("token-vault/src/index.ts") },
      { find: /^@effect-auth0\/token-vault-node$/, replacement: source("token-vault-node/src/index.ts") },
      { find: /^@effect-auth0\/token-vault-browser$/, replacement: source("token-vault-browser/src/index.ts") },
      { find: /^@effect-auth0\/token-vault-testing$/, replacement: source("token-vault-testing/src/index.ts") },
      { find: /^@effect-auth0\/token-vault-promise$/, replacement: source("token-vault-promise/src/index.ts") }
    ]
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "docs/examples/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
