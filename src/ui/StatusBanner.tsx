/**
 * The one live region of the storefront (role="status", polite): notices from the recommender and
 * errors from interactions. It is always in the DOM so screen readers announce what is added.
 */
import type { Message } from './use-messages.ts';

export interface StatusBannerProps {
  readonly messages: readonly Message[];
  readonly onDismiss: (id: number) => void;
}

export function StatusBanner({ messages, onDismiss }: StatusBannerProps) {
  return (
    <div className="banner" role="status" aria-live="polite">
      {messages.map((message) => (
        <p key={message.id} className={`banner__message banner__message--${message.tone}`}>
          <span className="banner__text">{message.text}</span>
          <button type="button" className="banner__dismiss" aria-label="Dismiss" onClick={() => onDismiss(message.id)}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
