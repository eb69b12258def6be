/**
 * The storefront while its engine starts: the page as App lays it out (header, grid, footer) with
 * the first grid (src/app/first-grid.ts: the shopper's last grid, or the popular one), painted
 * before any backend is chosen or measured. App replaces it with the same cards in the same places.
 *
 * Read-only until then: the cards, the search box and the header's buttons are disabled (a disabled
 * fieldset, which leaves the layout alone), because nothing can be recorded before the event store
 * is open and a cart shown as filled could not be kept if the engine failed to start; the grid says
 * so with aria-busy and data-backend="starting". This lasts as long as the engine's start (a cached
 * backend verdict: the upload only; a first visit: the short calibration as well).
 */
import type { GridEntry } from './ProductCard.tsx';
import { Header } from './Header.tsx';
import { ProductGrid, type GridContents } from './ProductGrid.tsx';
import type { SearchBox } from './use-search.ts';

export interface StartingViewProps {
  readonly shopName: string;
  readonly catalogName: string;
  readonly grid: GridContents<GridEntry>;
  readonly cartCount: number;
  readonly modelUrl: string;
  /** The footer's facts about the catalogue, as App states them. */
  readonly itemCount: number;
  readonly dim: number;
  readonly encoderName: string;
}

const ignore = (): void => {};
const NO_SEARCH: SearchBox = {
  text: '',
  suggestions: [],
  searching: false,
  onType: ignore,
  onSubmit: ignore,
  onFocus: ignore,
  onLeave: ignore,
  onPick: ignore,
};
const NO_CART: ReadonlySet<never> = new Set();

export function StartingView({ shopName, catalogName, grid, cartCount, modelUrl, itemCount, dim, encoderName }: StartingViewProps) {
  return (
    <fieldset className="starting" disabled>
      <div className="shell">
        <Header
          shopName={shopName}
          catalogName={catalogName}
          ranking={null}
          itemSpace={null}
          cartCount={cartCount}
          search={NO_SEARCH}
          onOpenCart={ignore}
          onOpenPrivacy={ignore}
        />
        <main className="main">
          <ProductGrid ranking={grid} modelUrl={modelUrl} busy={true} cartIds={NO_CART} onOpen={ignore} onAddToCart={ignore} />
        </main>
        <footer className="footer">
          <p>
            Recommendations are computed in this browser from {itemCount.toLocaleString()} products ({dim}-dimensional {encoderName} embeddings). Your history
            stays on this device.
          </p>
        </footer>
      </div>
    </fieldset>
  );
}
