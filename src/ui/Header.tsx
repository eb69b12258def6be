/** The storefront's header: name, search, backend indicator (with the interest model), cart and "Your data". */
import type { FormEvent } from 'react';
import type { Ranking } from '../core/index.ts';
import { BACKEND_LABELS, formatMs } from './format.ts';
import type { SearchBox } from './use-search.ts';

/** How the indicator's title names what scored the grid. */
const INTEREST_MODEL_LABELS = {
  sequence: "the shop's trained sequence model, from your latest items",
  decay: 'your recent interactions and searches, older ones fading',
} as const;

export interface HeaderProps {
  readonly shopName: string;
  readonly catalogName: string;
  readonly ranking: Ranking;
  readonly cartCount: number;
  readonly search: SearchBox;
  readonly onOpenCart: () => void;
  readonly onOpenPrivacy: () => void;
}

/** The id tying the search box to its completions. */
const SUGGESTIONS_ID = 'search-suggestions';

export function Header({ shopName, catalogName, ranking, cartCount, search, onOpenCart, onOpenPrivacy }: HeaderProps) {
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const trimmed = search.text.trim();
    if (trimmed !== '') search.onSubmit(trimmed);
  };
  return (
    <header className="header">
      <div className="header__brand">
        <h1 className="header__name">{shopName}</h1>
        <span className="header__catalog">{catalogName}</span>
      </div>
      <form className="search" role="search" onSubmit={submit}>
        <input
          type="search"
          className="search__input"
          aria-label="Search products"
          placeholder="Search products"
          maxLength={200}
          autoComplete="off"
          enterKeyHint="search"
          list={SUGGESTIONS_ID}
          value={search.text}
          onChange={(event) => search.onType(event.target.value)}
          onFocus={search.onFocus}
        />
        {/* A native datalist: the browser shows the completions accessibly, on touch screens too. */}
        <datalist id={SUGGESTIONS_ID} data-testid="search-suggestions">
          {search.suggestions.map((suggestion) => (
            <option key={`${suggestion.kind}:${suggestion.text}`} value={suggestion.text} label={suggestion.kind === 'category' ? 'Category' : undefined} />
          ))}
        </datalist>
        <button type="submit" className="button search__button" disabled={search.searching}>
          {search.searching ? 'Searching…' : 'Search'}
        </button>
      </form>
      <div className="header__actions">
        <p
          className="backend"
          data-testid="backend-indicator"
          data-backend={ranking.backend}
          data-backend-reason={ranking.backendReason}
          data-interest-model={ranking.interestModel}
          title={`Where the products are re-ranked (on this device)${ranking.backendReason === undefined ? '' : `, chosen because ${ranking.backendReason}`}, by ${INTEREST_MODEL_LABELS[ranking.interestModel]}, and how long the last re-rank took`}
        >
          <span className="backend__dot" aria-hidden="true" />
          <span className="backend__name">{BACKEND_LABELS[ranking.backend]}</span>
          <span className="backend__time">{formatMs(ranking.tookMs)}</span>
        </p>
        <button type="button" className="button button--ghost header__data" onClick={onOpenPrivacy}>
          Your data
        </button>
        <button type="button" className="button button--cart header__cart" onClick={onOpenCart}>
          {`Cart (${cartCount})`}
        </button>
      </div>
    </header>
  );
}
