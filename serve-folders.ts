// How the dev and preview servers (vite.config.ts) map a request's URL to a file of a folder they
// serve: decoded once, refused when the escape is malformed, and kept inside the folder. A root file
// of its own so a unit test (src/serve-folders.test.ts) can drive it without starting Vite; root
// config files import no src module (eslint.config.js).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basename, extname, isAbsolute, join, relative, sep } from 'node:path';
import type { Connect } from 'vite';

/**
 * @param url a request's URL, e.g. `/models/demo/manifest.json?v=2`.
 * @returns its path, percent-decoded; null when an escape is malformed (`%E0%A4%A`, a lone `%`).
 */
export function decodedPath(url: string | undefined): string | null {
  try {
    return decodeURIComponent((url ?? '').split('?')[0] ?? '');
  } catch {
    return null;
  }
}

/**
 * @param dir a folder (absolute).
 * @param path a decoded URL path below it.
 * @returns the file `path` names inside `dir`, or null when it leads out of it: through `..`, or
 *   into a sibling whose name only starts with the folder's (`models-secret` beside `models`).
 */
export function fileInside(dir: string, path: string): string | null {
  const file = join(dir, path);
  const below = relative(dir, file);
  return below === '..' || below.startsWith(`..${sep}`) || isAbsolute(below) ? null : file;
}

/** Whether an If-None-Match header (a list of tags, or `*`) names `etag`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  return header !== undefined && header.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
}

/** Whether an Accept-Encoding header takes gzip (and does not refuse it with q=0). */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((coding) => {
    const [name, ...params] = coding.trim().split(';');
    return (name === 'gzip' || name === '*') && !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
  });
}

/**
 * A file named by its own sha256, as a model's card shards, vector pages and search shards are: the
 * rule the browser's model source keeps too (src/core/model-file.ts isContentNamed; a root file
 * imports nothing from src).
 */
const CONTENT_NAMED = /^[0-9a-f]{64}\.[a-z0-9]+$/;

/**
 * Files sent gzipped, as a static host or CDN set up to compress them sends them (Vite's preview does
 * for the app's own files): JSON, and float32 arrays, whose bytes shrink about a tenth (a million
 * items' popularity.f32: 4.00 MB to 3.57 MB). Codes, int8 vectors and pages shrink by 3% or less.
 */
export const COMPRESSED_EXTENSIONS: ReadonlySet<string> = new Set(['.json', '.f32']);
/** Each file's gzip, by path, for the version its ETag names: compressed once, not per request (a million items' catalog.json is 15 MB). */
const gzipCache = new Map<string, { readonly etag: string; readonly bytes: Buffer }>();

/** @returns the file gzipped (cached for this version), or null for a file that is not sent compressed. */
function compressed(file: string, etag: string): Buffer | null {
  if (!COMPRESSED_EXTENSIONS.has(extname(file))) return null;
  const cached = gzipCache.get(file);
  if (cached?.etag === etag) return cached.bytes;
  const bytes = gzipSync(readFileSync(file));
  gzipCache.set(file, { etag, bytes });
  return bytes;
}

/** A folder served under a URL prefix; the folder may be found (or generated) on first use. */
export interface ServedFolder {
  /** e.g. `/models/`. */
  readonly prefix: string;
  readonly dir: () => string | Promise<string>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
};

/**
 * @param folders what to serve, by URL prefix.
 * @returns a middleware that sends their files, with Content-Length so the browser can show real
 *   load progress (JSON gzipped when the browser takes it), and an ETag so an unchanged file is answered 304; 404 outside them, 400 (a short message, no stack or server path) for a URL whose
 *   percent-escapes are malformed, whichever path it names.
 */
export function serveFolders(folders: readonly ServedFolder[]): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = decodedPath(req.url);
    if (url === null) {
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.end('bad request: the URL has a malformed percent-escape');
      return;
    }
    const folder = folders.find(({ prefix }) => url.startsWith(prefix));
    if (folder === undefined) return next();
    Promise.resolve(folder.dir()).then((dir) => {
      const file = fileInside(dir, url.slice(folder.prefix.length));
      if (file === null || !existsSync(file) || !statSync(file).isFile()) {
        res.statusCode = 404;
        // Plain text, never sniffed: the path comes from the request.
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.end(`not found: ${url}`);
        return;
      }
      const { size, mtimeMs } = statSync(file);
      // Revalidated on every use (no-cache) and answered 304 while unchanged, so a repeat visit's
      // images and manifest cost a round trip, not their bytes again; a file named by its sha256 (a
      // card shard, a vector page) never changes, so the browser keeps it without asking.
      const etag = `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
      res.setHeader('Cache-Control', CONTENT_NAMED.test(basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('ETag', etag);
      if (matchesEtag(req.headers['if-none-match'], etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
      res.setHeader('Vary', 'Accept-Encoding');
      const gzipped = acceptsGzip(req.headers['accept-encoding']) ? compressed(file, etag) : null;
      if (gzipped !== null) {
        res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Content-Length', gzipped.byteLength);
        res.end(gzipped);
        return;
      }
      res.setHeader('Content-Length', size);
      createReadStream(file).pipe(res);
    }, next);
  };
}
