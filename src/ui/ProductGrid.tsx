/**
 * The re-ranked grid. Its section carries the ranking's state for tests and tools: the active
 * backend, how many events the ranking reflects, whether it is personalised, and aria-busy while
 * an interaction is being applied.
 */
import type { RefCallback } from 'react';
import type { ItemId, RankedItem, Ranking } from '../core/index.ts';
import { ProductCard } from './ProductCard.tsx';

export interface ProductGridProps {
  readonly ranking: Ranking;
  readonly modelUrl: string;
  readonly busy: boolean;
  readonly cartIds: ReadonlySet<ItemId>;
  readonly cardRef: RefCallback<HTMLElement>;
  readonly onOpen: (ranked: RankedItem) => void;
  readonly onAddToCart: (ranked: RankedItem) => void;
}

export function ProductGrid({ ranking, modelUrl, busy, cartIds, cardRef, onOpen, onAddToCart }: ProductGridProps) {
  return (
    <section
      className="grid-section"
      aria-label="Recommended products"
      aria-busy={busy}
      data-backend={ranking.backend}
      data-event-count={ranking.eventCount}
      data-personalised={String(ranking.personalised)}
    >
      <div className="grid-section__head">
        <h2 className="grid-section__title">{ranking.personalised ? 'Recommended for you' : 'Popular right now'}</h2>
        <p className="grid-section__note">
          {ranking.personalised
            ? `Re-ranked on this device from ${ranking.eventCount} ${ranking.eventCount === 1 ? 'interaction' : 'interactions'}.`
            : 'Browse, search or add to your cart: the order adapts to you, on this device.'}
        </p>
      </div>
      {ranking.items.length === 0 ? (
        <p className="grid-section__empty">Nothing left to recommend: you have bought everything in this catalogue.</p>
      ) : (
        <div className="grid">
          {ranking.items.map((ranked) => (
            <ProductCard
              key={ranked.item.id}
              ranked={ranked}
              modelUrl={modelUrl}
              inCart={cartIds.has(ranked.item.id)}
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
