/** The cart: what was added (and not removed or bought), with Remove and a one-step "Buy now". */
import { useState } from 'react';
import type { CatalogItem } from '../core/index.ts';
import { Dialog } from './Dialog.tsx';
import { displayTitle, formatPrice } from './format.ts';
import { ProductImage } from './ProductImage.tsx';

export interface CartDialogProps {
  readonly items: readonly CatalogItem[];
  readonly modelUrl: string;
  readonly onRemove: (item: CatalogItem) => void;
  /** Records a purchase of every item; resolves with how many were bought. */
  readonly onCheckout: (items: readonly CatalogItem[]) => Promise<number>;
  readonly onClose: () => void;
}

export function CartDialog({ items, modelUrl, onRemove, onCheckout, onClose }: CartDialogProps) {
  const [buying, setBuying] = useState(false);
  const [bought, setBought] = useState<number | null>(null);
  const total = items.reduce((sum, item) => sum + (item.price ?? 0), 0);
  const checkout = (): void => {
    setBuying(true);
    void onCheckout(items).then((count) => {
      setBuying(false);
      setBought(count);
    });
  };

  return (
    <Dialog label="Cart" onClose={onClose} className="dialog--side" heading={<h2 className="dialog__title">Your cart</h2>}>
      {bought !== null && bought > 0 && (
        <p className="cart__thanks">
          Thank you! {bought} {bought === 1 ? 'item' : 'items'} bought. Bought products no longer appear in your recommendations.
        </p>
      )}
      {items.length === 0 ? (
        <p className="cart__empty">Your cart is empty.</p>
      ) : (
        <>
          <ul className="cart__list">
            {items.map((item) => (
              <li key={item.id} className="cart__item" data-item-id={item.id}>
                <ProductImage item={item} modelUrl={modelUrl} className="cart__image" />
                <div className="cart__text">
                  <span className="cart__title" dir="auto">
                    {displayTitle(item.title)}
                  </span>
                  <span className="cart__price">{formatPrice(item.price)}</span>
                </div>
                <button
                  type="button"
                  className="button button--ghost"
                  aria-label={`Remove ${displayTitle(item.title)}`}
                  disabled={buying}
                  onClick={() => onRemove(item)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div className="cart__footer">
            <p className="cart__total">
              Total <strong>{formatPrice(total)}</strong>
            </p>
            <button type="button" className="button" disabled={buying} onClick={checkout}>
              {buying ? 'Buying…' : 'Buy now'}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
