/** The storefront's header: name, search, cart and "Your data", and the developer overlay (BackendIndicator). */
import type { FormEvent } from 'react';
import type { ItemSpaceMemory } from '../core/index.ts';
import { BackendIndicator, type EngineStatus } from './BackendIndicator.tsx';
import type { SearchBox } from './use-search.ts';

export interface HeaderProps {
  readonly shopName: string;
  readonly catalogName: string;
  /** The latest ranking (for the developer overlay), or null while the engine starts. */
  readonly ranking: EngineStatus;
  /** What the item space holds (for the developer overlay), or null while the engine starts. */
  readonly itemSpace: ItemSpaceMemory | null;
  readonly cartCount: number;
  readonly search: SearchBox;
  readonly onOpenCart: () => void;
  readonly onOpenPrivacy: () => void;
}

/** The id tying the search box to its completions. */
const SUGGESTIONS_ID = 'search-suggestions';

export function Header({ shopName, catalogName, ranking, itemSpace, cartCount, search, onOpenCart, onOpenPrivacy }: HeaderProps) {
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
        <BackendIndicator ranking={ranking} itemSpace={itemSpace} />
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
