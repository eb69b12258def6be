/**
 * The product grid: the re-ranked one, or the popularity fallback when the model could not be
 * loaded. Its section carries the grid's state for tests and tools: the active backend ("none" in
 * the fallback), which interest model scored it (absent in the fallback), how many events the order reflects, whether it is personalised, and aria-busy
 * while an interaction is being applied.
 */
import type { RefCallback } from 'react';
import type { BackendName, InterestModel, ItemId } from '../core/index.ts';
import { ProductCard, type GridEntry } from './ProductCard.tsx';

/** What the grid shows: a Ranking, or the fallback's fixed order (backend "none", never personalised). */
export interface GridContents<T extends GridEntry> {
  readonly items: readonly T[];
  readonly backend: BackendName | 'none';
  /** Why that backend (Ranking.backendReason), when known. */
  readonly backendReason?: string;
  /** What scored the grid (Ranking.interestModel); absent in the fallback, which is not scored. */
  readonly interestModel?: InterestModel;
  readonly eventCount: number;
  readonly personalised: boolean;
}

export interface ProductGridProps<T extends GridEntry> {
  readonly ranking: GridContents<T>;
  readonly modelUrl: string;
  readonly busy: boolean;
  readonly cartIds: ReadonlySet<ItemId>;
  /** Put on every card (impression tracking); omitted when nothing is recorded. */
  readonly cardRef?: RefCallback<HTMLElement> | undefined;
  /** Replaces the heading and note that follow from `ranking.personalised`. */
  readonly heading?: { readonly title: string; readonly note: string } | undefined;
  readonly onOpen: (entry: T) => void;
  /** Omitted when there is no cart: the cards then have no "Add to cart" button. */
  readonly onAddToCart?: ((entry: T) => void) | undefined;
}

export function ProductGrid<T extends GridEntry>({ ranking, modelUrl, busy, cartIds, cardRef, heading, onOpen, onAddToCart }: ProductGridProps<T>) {
  const title = heading?.title ?? (ranking.personalised ? 'Recommended for you' : 'Popular right now');
  const note =
    heading?.note ??
    (ranking.personalised
      ? `Re-ranked on this device from ${ranking.eventCount} ${ranking.eventCount === 1 ? 'interaction' : 'interactions'}.`
      : 'Browse, search or add to your cart: the order adapts to you, on this device.');
  return (
    <section
      className="grid-section"
      aria-label="Recommended products"
      aria-busy={busy}
      data-backend={ranking.backend}
      data-backend-reason={ranking.backendReason}
      data-interest-model={ranking.interestModel}
      data-event-count={ranking.eventCount}
      data-personalised={String(ranking.personalised)}
    >
      <div className="grid-section__head">
        <h2 className="grid-section__title">{title}</h2>
        <p className="grid-section__note">{note}</p>
      </div>
      {ranking.items.length === 0 ? (
        <p className="grid-section__empty">Nothing left to recommend: you have bought everything in this catalogue.</p>
      ) : (
        <div className="grid">
          {ranking.items.map((entry) => (
            <ProductCard
              key={entry.item.id}
              ranked={entry}
              modelUrl={modelUrl}
              inCart={cartIds.has(entry.item.id)}
              cardRef={cardRef}
              onOpen={onOpen}
              onAddToCart={onAddToCart}
            />
          ))}
        </div>
      )}
    </section>
  );
}
