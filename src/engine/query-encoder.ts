/**
 * The browser side of the text encoder: implements core's QueryEncoder port by fetching the
 * encoder's files from our own origin (the Vite config serves a uint8-quantised copy of the npm
 * package's files under /encoder/ and copies it into the build: docs/decisions/search-encoder-quantisation.md) and embedding the shopper's search queries on the device
 * with text-encoder.ts, the same code the builder used for the item texts.
 *
 * The encoder runs on wasm (else cpu) next to the item space's backend; see text-encoder.ts.
 */
import { RecError } from '../core/errors.ts';
import type { QueryEncoder } from '../core/ports.ts';
import { loadSentenceEncoder, type EncoderFiles, type EncoderOptions, type LoadedSentenceEncoder } from './text-encoder.ts';

/** A QueryEncoder that also says where it runs and frees the model's weights. */
export interface DisposableQueryEncoder extends QueryEncoder {
  /** The TF.js backend the encoder runs on (wasm, else cpu). */
  readonly backend: LoadedSentenceEncoder['backend'];
  /** Frees the model's weights; the encoder is unusable afterwards. */
  dispose(): void;
}

/**
 * Fetches and loads the encoder (about 28 MB, so call it when the first search needs it).
 * @param baseUrl where model.json, vocab.json and the weight shards are served (same origin).
 * @param options the backends the encoder may use and where the wasm backend's files are served
 *   (without them, wasm cannot start in a browser and the slower cpu backend is used).
 * @throws RecError ENCODER_UNAVAILABLE naming the URL that failed; BACKEND_UNAVAILABLE when
 *   neither wasm nor cpu works.
 */
export async function createQueryEncoder(baseUrl = '/encoder', options: EncoderOptions = {}): Promise<DisposableQueryEncoder> {
  const base = baseUrl.replace(/\/+$/, '');
  const files: EncoderFiles = {
    async read(name) {
      const url = `${base}/${name}`;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new RecError('ENCODER_UNAVAILABLE', `cannot fetch the text encoder (${reason})`, { file: url }, { cause: error });
      }
      if (!response.ok) {
        throw new RecError('ENCODER_UNAVAILABLE', `cannot fetch the text encoder: HTTP ${response.status} ${response.statusText}`, { file: url });
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
  const encoder = await loadSentenceEncoder(files, options).catch((error: unknown) => {
    if (error instanceof RecError && error.code === 'ENCODER_UNAVAILABLE') {
      // Name the URL: file names from the loader are relative to the base.
      const file = error.location.file;
      if (file !== undefined && !file.startsWith(`${base}/`)) {
        const prefix = `${file}: `;
        const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
        throw new RecError('ENCODER_UNAVAILABLE', message, { file: `${base}/${file}` }, { cause: error });
      }
      throw error;
    }
    if (error instanceof RecError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RecError('ENCODER_UNAVAILABLE', `cannot load the text encoder from ${base}/ (${reason})`, { file: base }, { cause: error });
  });
  return {
    backend: encoder.backend,
    embed: (text) => encoder.embed([text]),
    dispose: () => encoder.dispose(),
  };
}
