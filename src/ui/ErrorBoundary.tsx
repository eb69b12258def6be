/** Catches a render error anywhere in the storefront and shows the ErrorView instead of a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { toRecError, type RecError } from '../core/index.ts';
import { ErrorView } from './ErrorView.tsx';

export interface ErrorBoundaryProps {
  readonly children: ReactNode;
  readonly onRetry?: (() => void) | undefined;
}

interface ErrorBoundaryState {
  readonly error: RecError | null;
}

export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { error: toRecError(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Vitrine crashed while rendering', error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return <ErrorView error={this.state.error} title="Something went wrong in the storefront" onRetry={this.props.onRetry} />;
  }
}
