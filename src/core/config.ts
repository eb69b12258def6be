/**
 * Runtime configuration of a storefront (the app's URL parameters, later the widget's attributes):
 * parsed from strings once, with defaults, naming the bad value.
 */
import { DEFAULT_GRID_SIZE, MAX_GRID_SIZE } from './constants.ts';
import { RecError } from './errors.ts';
import { BACKEND_NAMES, type BackendName } from './ports.ts';
import { quote } from './validate.ts';

export interface StorefrontConfig {
  /** Base URL of the model folder (holding manifest.json). */
  readonly modelUrl: string;
  /** A backend to try first, or null for the default order. */
  readonly backend: BackendName | null;
  readonly gridSize: number;
}

export const DEFAULT_MODEL = 'demo';

/**
 * @param params string settings, e.g. URLSearchParams of the page: `models` (a model folder name
 *   under /models/ or a URL path), `backend`, `limit`.
 * @param source where the settings came from, for messages ("URL", "<vitrine-grid> attribute").
 */
export function parseStorefrontConfig(params: { get(name: string): string | null }, source: string): StorefrontConfig {
  const models = params.get('models') ?? DEFAULT_MODEL;
  // A path that starts with two slashes is protocol-relative: the browser resolves it on another host.
  if (!/^[\w./-]+$/.test(models) || models.includes('..') || models.startsWith('//')) {
    throw new RecError('CONFIG_INVALID', `"models" must be a model folder name or a same-origin path, found ${quote(models)}`, {
      file: source,
      field: 'models',
    });
  }
  const backendParam = params.get('backend');
  if (backendParam !== null && !(BACKEND_NAMES as readonly string[]).includes(backendParam)) {
    throw new RecError('CONFIG_INVALID', `"backend" must be one of ${BACKEND_NAMES.join(', ')}, found ${quote(backendParam)}`, {
      file: source,
      field: 'backend',
    });
  }
  const limitParam = params.get('limit');
  const gridSize = limitParam === null ? DEFAULT_GRID_SIZE : Number(limitParam);
  if (!Number.isInteger(gridSize) || gridSize < 1 || gridSize > MAX_GRID_SIZE) {
    throw new RecError('CONFIG_INVALID', `"limit" must be a whole number from 1 to ${MAX_GRID_SIZE}, found ${quote(String(limitParam))}`, {
      file: source,
      field: 'limit',
    });
  }
  return {
    modelUrl: models.includes('/') ? models.replace(/\/$/, '') : `/models/${models}`,
    backend: backendParam as BackendName | null,
    gridSize,
  };
}
