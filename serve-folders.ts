// How the dev and preview servers (vite.config.ts) map a request's URL to a file of a folder they
// serve: decoded once, refused when the escape is malformed, and kept inside the folder. A root file
// of its own so a unit test (src/serve-folders.test.ts) can drive it without starting Vite; root
// config files import no src module (eslint.config.js).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
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
 *   load progress, and an ETag so an unchanged file is answered 304; 404 outside them, 400 (a short message, no stack or server path) for a URL whose
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
      // images and manifest cost a round trip, not their bytes again.
      const etag = `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('ETag', etag);
      if (matchesEtag(req.headers['if-none-match'], etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
      res.setHeader('Content-Length', size);
      createReadStream(file).pipe(res);
    }, next);
  };
}
