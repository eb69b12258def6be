/**
 * The storefront: header, status banner, the re-ranked grid and its dialogs (product page, cart,
 * "Your data"). It turns what the shopper does into Recommender calls; every call's failure lands in
 * the status banner, never as an unhandled rejection.
 */
import { useCallback, useState } from 'react';
import type { CatalogItem, InteractionInput, RankedItem } from '../core/index.ts';
import { CartDialog } from './CartDialog.tsx';
import { Header } from './Header.tsx';
import { PrivacyPanel } from './PrivacyPanel.tsx';
import { ProductDialog } from './ProductDialog.tsx';
import { ProductGrid } from './ProductGrid.tsx';
import { StatusBanner } from './StatusBanner.tsx';
import { BACKEND_LABELS } from './format.ts';
import { useStorefront } from './storefront-context.ts';
import { useInteractions } from './use-interactions.ts';
import { describeError, useMessages } from './use-messages.ts';
import { useRanking } from './use-ranking.ts';
import { useSearch } from './use-search.ts';

export interface AppProps {
  /** Shown in the status banner from the start, e.g. "storage unavailable: kept in memory". */
  readonly startupNotices?: readonly string[];
}

/** Time on a product page below this is not recorded as dwell. */
export const MIN_DWELL_MS = 500;

/** What the banner says when an interaction cannot be applied (followed by the reason). */
const FAILURES: Readonly<Record<InteractionInput['type'], string>> = {
  impression: 'Could not note which products were shown',
  view: 'Could not record this visit',
  dwell: 'Could not record the time on the product page',
  add_to_cart: 'Could not add to the cart',
  remove_from_cart: 'Could not remove from the cart',
  purchase: 'Could not complete the purchase',
  search: 'Could not search',
  skip: 'Could not record a skipped product',
};

type Open =
  { readonly kind: 'product'; readonly item: CatalogItem; readonly position: number } | { readonly kind: 'cart' } | { readonly kind: 'privacy' } | null;

export function App({ startupNotices = [] }: AppProps) {
  const { recommender, modelUrl } = useStorefront();
  const ranking = useRanking();
  const { messages, push, dismiss } = useMessages(startupNotices);
  const [open, setOpen] = useState<Open>(null);

  const reportError = useCallback((error: unknown) => push(describeError(error), 'error'), [push]);
  const { grid, cart, record, track } = useInteractions(ranking, (error, kind) => push(`${FAILURES[kind]}: ${describeError(error)}`, 'error'));

  const openProduct = useCallback(
    (ranked: RankedItem) => {
      setOpen({ kind: 'product', item: ranked.item, position: ranked.position });
      void record({ type: 'view', item: ranked.item.id, position: ranked.position });
    },
    [record],
  );
  const addToCart = useCallback((ranked: RankedItem) => void record({ type: 'add_to_cart', item: ranked.item.id, position: ranked.position }), [record]);
  const search = useSearch(track);
  const checkout = useCallback(
    async (items: readonly CatalogItem[]) => {
      let bought = 0;
      for (const item of items) {
        // One purchase event per item, in order; a failure is reported and the rest still go through.
        if (await record({ type: 'purchase', item: item.id })) bought++;
      }
      return bought;
    },
    [record],
  );

  const close = useCallback(() => setOpen(null), []);
  const { manifest } = recommender.model;

  return (
    <div className="shell">
      <Header
        shopName="Vitrine"
        catalogName={manifest.catalogId}
        ranking={ranking}
        itemSpace={recommender.itemSpaceMemory()}
        cartCount={cart.length}
        search={search}
        onOpenCart={() => setOpen({ kind: 'cart' })}
        onOpenPrivacy={() => setOpen({ kind: 'privacy' })}
      />
      <StatusBanner messages={messages} onDismiss={dismiss} />
      <main className="main">
        <ProductGrid {...grid} onOpen={openProduct} onAddToCart={addToCart} onLeaveSearch={search.onLeave} onSuggestion={search.onPick} />
      </main>
      <footer className="footer">
        <p>
          Recommendations are computed in this browser with {BACKEND_LABELS[ranking.backend]} from {manifest.itemCount.toLocaleString()} products (
          {manifest.dim}-dimensional {manifest.encoder.name} embeddings). Your history stays on this device.
        </p>
      </footer>

      {open?.kind === 'product' && (
        <ProductDialog
          key={open.item.id}
          item={open.item}
          modelUrl={modelUrl}
          inCart={grid.cartIds.has(open.item.id)}
          onAddToCart={() => void record({ type: 'add_to_cart', item: open.item.id, position: open.position })}
          onClose={(dwellMs) => {
            setOpen(null);
            if (dwellMs >= MIN_DWELL_MS) void record({ type: 'dwell', item: open.item.id, dwellMs: Math.round(dwellMs) });
          }}
        />
      )}
      {open?.kind === 'cart' && (
        <CartDialog
          items={cart}
          modelUrl={modelUrl}
          onRemove={(item) => void record({ type: 'remove_from_cart', item: item.id })}
          onCheckout={checkout}
          onClose={close}
        />
      )}
      {open?.kind === 'privacy' && <PrivacyPanel onError={reportError} onClose={close} />}
    </div>
  );
}
