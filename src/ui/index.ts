/** The storefront UI. It depends on core's interfaces only; src/app injects a Recommender. */
export { App, type AppProps } from './App.tsx';
export { ErrorBoundary } from './ErrorBoundary.tsx';
export { ErrorView } from './ErrorView.tsx';
export { FallbackView, type FallbackViewProps } from './FallbackView.tsx';
export { LoadingView } from './LoadingView.tsx';
export { StartingView, type StartingViewProps } from './StartingView.tsx';
export { StorefrontContext, useStorefront, type Storefront } from './storefront-context.ts';
export { ProductGrid, type ProductGridProps } from './ProductGrid.tsx';
export { useInteractions, type InteractionGrid, type InteractionKind, type Interactions } from './use-interactions.ts';
export { useRanking } from './use-ranking.ts';
export { BACKEND_LABELS, type StartupPhase } from './format.ts';
export { usePlacement } from './use-placement.ts';
export { placementHeading } from './format.ts';
export { useImpressions, type Shown } from './use-impressions.ts';
export { whenIdle, whenQuiet } from './page-idle.ts';
export { afterNextPaint } from './after-next-paint.ts';
