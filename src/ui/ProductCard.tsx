/**
 * One product in the grid. Clicking anywhere on the card (or Enter on its focused title) opens the
 * product page; "Add to cart" adds without opening it. All catalogue text is rendered as React text
 * (never markup), with dir="auto" so a right-to-left title reads right to left and a stray bidi
 * control in one field cannot reorder its neighbours.
 */
import { memo, type RefCallback } from 'react';
import type { RankedItem, Reason } from '../core/index.ts';
import { displayTitle, formatPrice, reasonText } from './format.ts';
import { ProductImage } from './ProductImage.tsx';

/** What one card shows: an item, its grid position and why it is there. A RankedItem is one. */
export type GridEntry = Pick<RankedItem, 'item' | 'position' | 'reason'>;

export interface ProductCardProps<T extends GridEntry> {
  readonly ranked: T;
  readonly modelUrl: string;
  readonly inCart: boolean;
  readonly cardRef?: RefCallback<HTMLElement> | undefined;
  readonly onOpen: (ranked: T) => void;
  /** Omitted when there is no cart: the card then has no "Add to cart" button. */
  readonly onAddToCart?: ((ranked: T) => void) | undefined;
}

/**
 * Memoised on what the card shows: every click re-renders the grid to set its aria-busy, and every
 * ranking brings new entry objects, mostly for the same items; a card re-renders only when its item,
 * position, reason, cart badge or callbacks changed, so a re-rank renders the cards that moved, not
 * the whole grid. (The entry it then hands to its callbacks is the one it rendered: the same item at
 * the same position, which is all a caller reads.) memo's type drops the generic parameter; the
 * cast restores it (https://github.com/DefinitelyTyped/DefinitelyTyped/issues/37087).
 */
export const ProductCard = memo(ProductCardView, sameCard) as typeof ProductCardView;

function sameCard<T extends GridEntry>(before: ProductCardProps<T>, after: ProductCardProps<T>): boolean {
  return (
    before.ranked.item === after.ranked.item &&
    before.ranked.position === after.ranked.position &&
    sameReason(before.ranked.reason, after.ranked.reason) &&
    before.inCart === after.inCart &&
    before.modelUrl === after.modelUrl &&
    before.cardRef === after.cardRef &&
    before.onOpen === after.onOpen &&
    before.onAddToCart === after.onAddToCart
  );
}

/** Whether two reasons read the same on a card (reasonText's inputs). */
function sameReason(a: Reason | null, b: Reason | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'similar' && b.kind === 'similar') return a.to === b.to && a.via === b.via;
  if (a.kind === 'search' && b.kind === 'search') return a.query === b.query;
  if (a.kind === 'like' && b.kind === 'like') return a.to === b.to;
  if (a.kind === 'recent' && b.kind === 'recent') return a.via === b.via;
  if ((a.kind === 'bought-together' || a.kind === 'goes-with') && a.kind === b.kind) return a.with === b.with;
  return a.kind === b.kind;
}

function ProductCardView<T extends GridEntry>({ ranked, modelUrl, inCart, cardRef, onOpen, onAddToCart }: ProductCardProps<T>) {
  const { item, position, reason } = ranked;
  const why = reasonText(reason);
  return (
    <article
      ref={cardRef}
      className="card"
      data-item-id={item.id}
      data-category={item.category}
      data-position={position}
      data-reason={reason?.kind ?? 'none'}
      onClick={() => onOpen(ranked)}
    >
      <div className="card__media">
        <ProductImage item={item} modelUrl={modelUrl} className="card__image" />
        {inCart && <span className="card__badge">In cart</span>}
      </div>
      <div className="card__text">
        <h3 className="card__title">
          <button type="button" className="card__open" title={displayTitle(item.title)} dir="auto">
            {displayTitle(item.title)}
          </button>
        </h3>
        {item.category !== '' && (
          <p className="card__category" dir="auto">
            {item.category}
          </p>
        )}
        <p className="card__price">{formatPrice(item.price)}</p>
        {why !== null && <p className={`card__reason card__reason--${reason?.kind ?? 'none'}`}>{why}</p>}
      </div>
      {onAddToCart !== undefined && (
        <button
          type="button"
          className={inCart ? 'button button--secondary card__add' : 'button card__add'}
          onClick={(event) => {
            // Adding to the cart must not also open the product page.
            event.stopPropagation();
            onAddToCart(ranked);
          }}
        >
          Add to cart
        </button>
      )}
    </article>
  );
}
