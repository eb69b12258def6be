/**
 * A product image, or a neutral placeholder with the category's initial when there is none or it
 * fails. The image is requested after the next paint: a re-ranked grid is painted first, its new
 * cards' pictures after. Requested at once, a local server's answers arrived before that paint and
 * their decoding and painting held it (on the demo, 10 of 120 clicks over 60 ms against 2).
 */
import { useEffect, useRef, useState } from 'react';
import { afterNextPaint } from './after-next-paint.ts';
import type { CatalogItem } from '../core/index.ts';
import { displayTitle, imageSrc } from './format.ts';

export interface ProductImageProps {
  readonly item: CatalogItem;
  readonly modelUrl: string;
  readonly className: string;
  readonly loading?: 'lazy' | 'eager';
}

export function ProductImage({ item, modelUrl, className, loading = 'lazy' }: ProductImageProps) {
  const src = imageSrc(modelUrl, item);
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const image = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const element = image.current;
    if (element === null || src === null) return undefined;
    // A card shown for another product must not keep the last one's picture while it waits.
    element.removeAttribute('src');
    let current = true;
    void afterNextPaint().then(() => {
      if (current) element.src = src;
    });
    return () => {
      current = false;
    };
  }, [src]);
  if (src === null || failedSrc === src) {
    return (
      <div className={`${className} image-placeholder`} role="img" aria-label={displayTitle(item.title)}>
        <span aria-hidden="true">{(item.category || item.title).slice(0, 1).toUpperCase()}</span>
      </div>
    );
  }
  return <img ref={image} className={className} alt={item.title} loading={loading} decoding="async" onError={() => setFailedSrc(src)} />;
}
