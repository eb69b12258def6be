/**
 * The product grid: the re-ranked one, a search's results, or the popularity fallback when the
 * model could not be loaded. Its section carries the grid's state for tests, tools and host pages:
 * the mode ("for-you" or "search", with the query and the number of matches), the placement (asked
 * for, and shown: a fallback's name when the list fell back), the active backend
 * ("none" in the fallback, "starting" before the engine is ready), which interest model scored it (absent in the fallback), how many
 * events the order reflects, whether it is personalised, and aria-busy while an interaction is
 * being applied.
 */
import type { RefCallback } from 'react';
import type { BackendName, InterestModel, ItemId, PlacementName, SearchView } from '../core/index.ts';
import { ProductCard, type GridEntry } from './ProductCard.tsx';

/**
 * What the grid shows: a Ranking, the fallback's fixed order (backend "none", never personalised),
 * or the first grid painted while the engine starts (backend "starting").
 */
export interface GridContents<T extends GridEntry> {
  readonly items: readonly T[];
  readonly backend: BackendName | 'none' | 'starting';
  /** Why that backend (Ranking.backendReason), when known. */
  readonly backendReason?: string;
  /** What scored the grid (Ranking.interestModel); absent in the fallback, which is not scored. */
  readonly interestModel?: InterestModel;
  readonly eventCount: number;
  /** What the shopper did (Ranking.actionCount): the note's count; absent where nothing was counted (the fallback). */
  readonly actionCount?: number;
  readonly personalised: boolean;
  /** The search on show (Ranking.search); absent or null for the "for you" grid and the fallback. */
  readonly search?: SearchView | null;
  /** A placement's grid (core's placements.ts): the one asked for and the one shown (its fallback); absent for "for you". */
  readonly placement?: { readonly asked: PlacementName; readonly shows: PlacementName };
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
  /** Leaves a search ("Back to For you"); omitted where the grid cannot search. */
  readonly onLeaveSearch?: (() => void) | undefined;
  /** Searches a suggested category (offered when a search matched nothing). */
  readonly onSuggestion?: ((query: string) => void) | undefined;
}

export function ProductGrid<T extends GridEntry>(props: ProductGridProps<T>) {
  const { ranking, modelUrl, busy, cartIds, cardRef, heading, onOpen, onAddToCart, onLeaveSearch, onSuggestion } = props;
  const search = ranking.search ?? null;
  const title = search === null ? (heading?.title ?? (ranking.personalised ? 'Recommended for you' : 'Popular right now')) : `Results for “${search.query}”`;
  const note = search === null ? (heading?.note ?? forYouNote(ranking)) : searchNote(search, ranking.personalised);
  return (
    <section
      className="grid-section"
      aria-label={ranking.placement !== undefined ? title : search === null ? 'Recommended products' : 'Search results'}
      aria-busy={busy}
      data-mode={search === null ? 'for-you' : 'search'}
      data-placement={ranking.placement?.asked ?? 'for-you'}
      data-shows={ranking.placement?.shows ?? (search === null ? 'for-you' : 'search')}
      data-query={search?.query}
      data-result-count={search?.resultCount}
      data-backend={ranking.backend}
      data-backend-reason={ranking.backendReason}
      data-interest-model={ranking.interestModel}
      data-event-count={ranking.eventCount}
      data-personalised={String(ranking.personalised)}
    >
      <div className="grid-section__head">
        <h2 className="grid-section__title">{title}</h2>
        <p className="grid-section__note">{note}</p>
        {search !== null && onLeaveSearch !== undefined && (
          <button type="button" className="button button--ghost grid-section__leave" onClick={onLeaveSearch}>
            Back to For you
          </button>
        )}
      </div>
      {search !== null && search.resultCount === 0 ? (
        <NoResults search={search} onSuggestion={onSuggestion} />
      ) : ranking.items.length === 0 ? (
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

/** Counts what the shopper did, not the cards shown (impressions) nor the skips inferred from a click. */
function forYouNote({ personalised, actionCount }: { readonly personalised: boolean; readonly actionCount?: number | undefined }): string {
  if (!personalised) return 'Browse, search or add to your cart: the order adapts to you, on this device.';
  if (actionCount === undefined) return 'Re-ranked on this device from your interactions.';
  return `Re-ranked on this device from ${actionCount} ${actionCount === 1 ? 'interaction' : 'interactions'}.`;
}

function searchNote(search: SearchView, personalised: boolean): string {
  if (search.resultCount === 0) return 'No products match.';
  const count = `${search.resultCount.toLocaleString()} ${search.resultCount === 1 ? 'product matches' : 'products match'}`;
  const order = personalised ? ', the most relevant first, then ordered by your interests on this device' : ', the most relevant first';
  const words = search.semantic ? '' : ' (by their words only: the search model could not be loaded)';
  return `${count}${order}${words}.`;
}

/** Announced (role="status") so a screen reader hears that the search found nothing. */
function NoResults({ search, onSuggestion }: { readonly search: SearchView; readonly onSuggestion: ((query: string) => void) | undefined }) {
  return (
    <div className="grid-section__empty grid-section__no-results" role="status">
      <p>{`No products match “${search.query}”.`}</p>
      {search.suggestions.length > 0 && onSuggestion !== undefined && (
        <p>
          Try{' '}
          {search.suggestions.map((category) => (
            <button key={category} type="button" className="button button--ghost grid-section__suggestion" onClick={() => onSuggestion(category)}>
              {category}
            </button>
          ))}
        </p>
      )}
    </div>
  );
}
