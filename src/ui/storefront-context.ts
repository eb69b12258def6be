/**
 * What the composition root hands the UI: the Recommender (an interface from core; the UI never
 * sees the engine or storage behind it) and where the model's files are, for product images.
 */
import { createContext, useContext } from 'react';
import type { Recommender } from '../core/index.ts';

export interface Storefront {
  readonly recommender: Recommender;
  /** The model folder's URL path (e.g. "/models/demo"): relative image paths resolve against it. */
  readonly modelUrl: string;
}

export const StorefrontContext = createContext<Storefront | null>(null);

/** @returns the storefront provided by the composition root; throws outside a provider. */
export function useStorefront(): Storefront {
  const storefront = useContext(StorefrontContext);
  if (storefront === null) throw new Error('useStorefront() needs a <StorefrontContext value={…}> above it (see src/app/main.tsx)');
  return storefront;
}
