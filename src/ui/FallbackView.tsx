/**
 * The storefront without its model: when the model files are missing or broken but the catalogue
 * could be salvaged (core's loadFallbackCatalog), the shopper still gets a grid, in popularity
 * order, under a notice that names the precise error, rather than a shop with nothing to buy.
 * Nothing is ranked, recorded or stored in this mode: the grid is the same for everyone
 * (data-backend="none", data-personalised="false"), product pages open read-only and there is no
 * cart.
 */
import { useMemo, useState } from 'react';
import type { CatalogItem, FallbackCatalog, RecError } from '../core/index.ts';
import { ERROR_HINTS } from './format.ts';
import type { GridEntry } from './ProductCard.tsx';
import { ProductDialog } from './ProductDialog.tsx';
import { ProductGrid, type GridContents } from './ProductGrid.tsx';

export interface FallbackViewProps {
  /** Why the model could not be loaded; its message and code are shown above the grid. */
  readonly error: RecError;
  readonly catalog: FallbackCatalog;
  /** The model folder's URL path (e.g. "/models/demo"), for product images and the catalogue's name. */
  readonly modelUrl: string;
  /** How many cards to show (the storefront's `limit`). */
  readonly gridSize: number;
  readonly onRetry?: (() => void) | undefined;
}

const NO_CART: ReadonlySet<never> = new Set();

export function FallbackView({ error, catalog, modelUrl, gridSize, onRetry }: FallbackViewProps) {
  const [open, setOpen] = useState<CatalogItem | null>(null);
  const contents = useMemo((): GridContents<GridEntry> => {
    const reason = catalog.order === 'popularity' ? { kind: 'popular' as const } : null;
    return {
      items: catalog.items.slice(0, gridSize).map((item, position) => ({ item, position, reason })),
      backend: 'none',
      eventCount: 0,
      personalised: false,
    };
  }, [catalog, gridSize]);
  const hint = ERROR_HINTS[error.code];
  const byPopularity = catalog.order === 'popularity';

  return (
    <div className="shell">
      <header className="header">
        <div className="header__brand">
          <h1 className="header__name">Vitrine</h1>
          <span className="header__catalog">{catalog.catalogId ?? modelUrl.split('/').at(-1)}</span>
        </div>
      </header>
      <div className="notice" role="alert" data-error-code={error.code}>
        <p className="notice__message">Personalised ranking is off: {error.message}</p>
        <p className="notice__detail">
          {byPopularity ? 'Showing the most popular products instead, the same for every shopper.' : 'Showing the catalogue in its own order instead.'}
          {catalog.verified ? '' : ' The catalogue could not be checked against the model manifest: it is shown as the server sent it.'}
        </p>
        {hint !== undefined && <p className="notice__hint">{hint}</p>}
        <p className="notice__code">
          Error code <code>{error.code}</code>
        </p>
        {onRetry !== undefined && (
          <button type="button" className="button button--secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
      <main className="main">
        <ProductGrid
          ranking={contents}
          modelUrl={modelUrl}
          busy={false}
          cartIds={NO_CART}
          heading={{
            title: byPopularity ? 'Popular right now' : 'Products',
            note: 'Personalised ranking is off, so this order does not adapt to you and nothing you do is recorded.',
          }}
          onOpen={(entry) => setOpen(entry.item)}
        />
      </main>
      <footer className="footer">
        <p>
          {catalog.items.length.toLocaleString()} products, shown {byPopularity ? 'in popularity order' : 'in catalogue order'} because the product model could
          not be loaded.
        </p>
      </footer>
      {open !== null && <ProductDialog key={open.id} item={open} modelUrl={modelUrl} inCart={false} onClose={() => setOpen(null)} />}
    </div>
  );
}
