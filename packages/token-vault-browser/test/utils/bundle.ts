import * as Effect from "effect/Effect"
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"

/** The repository root: its `tsconfig.json` maps `@effect-auth0/*` to the workspace sources. */
export const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url))

/** A test fixture of this package, by file name. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/**
 * Bundles one entry into a single ES module, from the workspace sources, for a runtime without
 * Node built-ins: `browser` for pages, `neutral` with the `workerd` / `worker` conditions for
 * Cloudflare Workers (and Bun and Deno, which need nothing else).
 */
export const bundle = (entry: string, target: "browser" | "worker"): Effect.Effect<string> =>
  // A build error is a defect: the test fails with esbuild's message.
  Effect.promise(() =>
    esbuild.build({
      entryPoints: [entry],
      absWorkingDir: repositoryRoot,
      tsconfig: `${repositoryRoot}tsconfig.json`,
      bundle: true,
      write: false,
      format: "esm",
      target: "es2022",
      logLevel: "silent",
      ...(target === "browser"
        ? { platform: "browser" as const }
        : {
          platform: "neutral" as const,
          conditions: ["workerd", "worker", "browser"],
          mainFields: ["module", "main"]
        })
    })
  ).pipe(
    Effect.flatMap((result) => {
      const file = result.outputFiles[0]
      return file === undefined
        ? Effect.die(new Error(`esbuild wrote nothing for ${entry}`))
        : Effect.succeed(file.text)
    })
  )
