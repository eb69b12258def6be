/** A product image, or a neutral placeholder with the category's initial when there is none or it fails. */
import { useState } from 'react';
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
  if (src === null || failedSrc === src) {
    return (
      <div className={`${className} image-placeholder`} role="img" aria-label={displayTitle(item.title)}>
        <span aria-hidden="true">{(item.category || item.title).slice(0, 1).toUpperCase()}</span>
      </div>
    );
  }
  return <img className={className} src={src} alt={item.title} loading={loading} decoding="async" onError={() => setFailedSrc(src)} />;
}
