/**
 * Cache-hit lookups in a process of their own (see `measureHitsInChild` in `cache-hits.ts`):
 * prints the `HitRate`s of `measureHits` as one JSON line.
 *
 *   node --expose-gc --import tsx scripts/bench/cache-hits-process.ts <durationMs>   (spawned by run.ts)
 */
import { measureHits } from "./cache-hits.js"

process.setSourceMapsEnabled(false)
const hits = await measureHits(Number(process.argv[2] ?? 1_500))
console.log(JSON.stringify(hits))
