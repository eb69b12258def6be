/**
 * The product page, as a dialog named after the product. It measures dwell from open to close with
 * performance.now() and hands it to `onClose`; the caller decides whether it is long enough to record.
 */
import { useEffect, useRef, useState } from 'react';
import type { CatalogItem } from '../core/index.ts';
import { Dialog } from './Dialog.tsx';
import { displayTitle, formatPrice } from './format.ts';
import { ProductImage } from './ProductImage.tsx';

export interface ProductDialogProps {
  readonly item: CatalogItem;
  readonly modelUrl: string;
  readonly inCart: boolean;
  /** Omitted when there is no cart (the popularity fallback): the page says so instead of offering it. */
  readonly onAddToCart?: (() => void) | undefined;
  /** @param dwellMs time the page was open. */
  readonly onClose: (dwellMs: number) => void;
}

export function ProductDialog({ item, modelUrl, inCart, onAddToCart, onClose }: ProductDialogProps) {
  const openedAt = useRef<number | null>(null);
  const [added, setAdded] = useState(false);
  useEffect(() => {
    openedAt.current ??= performance.now();
  }, []);
  const close = (): void => onClose(openedAt.current === null ? 0 : performance.now() - openedAt.current);

  return (
    <Dialog label={displayTitle(item.title)} onClose={close} className="dialog--product" heading={<span className="dialog__kicker">Product</span>}>
      <div className="product">
        <ProductImage item={item} modelUrl={modelUrl} className="product__image" loading="eager" />
        <div className="product__info">
          <h2 className="product__title" dir="auto">
            {displayTitle(item.title)}
          </h2>
          {item.category !== '' && (
            <p className="product__category" dir="auto">
              {item.category}
            </p>
          )}
          <p className="product__price">{formatPrice(item.price)}</p>
          {item.description !== '' && (
            <p className="product__description" dir="auto">
              {item.description}
            </p>
          )}
          <div className="product__actions">
            {onAddToCart === undefined ? (
              <p className="product__unavailable">The cart is unavailable while personalised ranking is off.</p>
            ) : (
              <button
                type="button"
                className="button"
                onClick={() => {
                  setAdded(true);
                  onAddToCart();
                }}
              >
                Add to cart
              </button>
            )}
            {(added || inCart) && <span className="product__added">In your cart</span>}
          </div>
        </div>
      </div>
    </Dialog>
  );
}
