/**
 * `build:models --shard i/n`: one slice of a build's text embedding, for a catalogue too large to
 * embed on one machine in time. It reads the catalogue only (with the whole build's mapping and text
 * template), embeds the texts of shard i into that shard's file of the embedding cache, and writes
 * no model. With every shard's file in the whole build's cache folder (a shared --cache-dir, or the
 * files copied there), the whole build finds every text cached, and its vectors are the bytes one
 * unsharded run writes: each text is embedded as it would be alone (engine/text-encoder.ts).
 */
import { embedShard, type Shard } from '../lib/embed.ts';
import { readCatalogStep } from './build-inputs.ts';
import type { BuildDeps, BuildOptions } from './build-model.ts';
import { embeddingCacheOption } from './build-vectors.ts';
import { createBuildRun } from './build-run.ts';

/**
 * @param options validated options (with a shard).
 * @param shard the shard to embed.
 * @param deps encoder, output streams and cache.
 * @returns the exit code (0: the shard is in the cache).
 * @throws RecError CONFIG_INVALID with --no-cache (a shard's vectors live in the cache) or an unreadable
 *   --catalog; in --strict mode, the first bad record; encoder errors as they come.
 */
export async function buildShard(options: BuildOptions, shard: Shard, deps: BuildDeps): Promise<number> {
  const run = createBuildRun(options.quiet, deps);
  const { catalog } = await readCatalogStep(options, run);
  const name = `shard ${shard.index}/${shard.count}`;
  const result = await run.timed('embed texts', () =>
    embedShard(catalog.texts, shard, {
      encoderVersion: deps.encoder.version,
      loadEncoder: () => deps.loadEncoder(options.workers),
      ...embeddingCacheOption(options, deps),
      batchSize: options.batchSize,
      progress: (total) => run.progress(`embedding ${name}`, total),
    }),
  );
  run.log(
    `build:models: ${name}: ${result.unique} of the catalogue's ${new Set(catalog.texts).size} distinct texts, ${result.embedded} embedded and ${result.cached} already cached (${result.encoderSeconds.toFixed(1)} s)`,
  );
  return 0;
}
