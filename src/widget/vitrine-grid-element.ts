/**
 * `<vitrine-grid models="/models/demo" limit="24">`: the custom element a shop pastes into any page.
 * It is a thin shell around the VitrineGrid React component: an open shadow root (the shop's CSS
 * cannot break the grid and the grid's cannot leak out; open so tools and tests can look inside),
 * the stylesheets of what it renders adopted into it, attributes passed through as the component's
 * settings, its callbacks turned into DOM events, and `record()` for the host page's own
 * interactions.
 *
 * Styles are adopted as a constructed stylesheet rather than a <style> element: a strict
 * Content-Security-Policy (style-src 'self', as ours) refuses inline <style>, and adoptedStyleSheets
 * is not subject to it. Theming is through CSS custom properties set on the element (README).
 */
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { parseInteractionInput, RecError, type Recommender } from '../core/index.ts';
import { applyAvailability } from '../app/availability-file.ts';
import baseCss from '../ui/styles/base.css?inline';
import buttonsCss from '../ui/styles/buttons.css?inline';
import productGridCss from '../ui/styles/product-grid.css?inline';
import { rankedDetail, type HostAvailabilityChange, type HostInteraction, type VitrineEventMap, type VitrineRankedDetail } from './events.ts';
import { VitrineGrid } from './VitrineGrid.tsx';
import widgetCss from './widget.css?inline';

/** Where record()'s errors come from, for messages. */
const RECORD_CALL = '<vitrine-grid>.record()';
const SEARCH_CALL = '<vitrine-grid>.search()';
const AVAILABILITY_CALL = '<vitrine-grid>.setAvailability()';

/** record() on an element outside the document: its grid has not started and will not until it is attached. */
function notConnected(): RecError {
  return new RecError(
    'CONFIG_INVALID',
    'the <vitrine-grid> element is not connected to the document (never attached, or removed): attach it before recording interactions through it',
    { file: RECORD_CALL },
  );
}

/** The attributes the element reads; changing one restarts the grid with the new settings. */
const ATTRIBUTES = ['models', 'limit', 'backend', 'placement', 'item', 'category'] as const;

/**
 * The storefront's sheets for what the grid renders (tokens and resets, buttons, the product grid),
 * in the storefront's cascade order, then the widget's own; not the header, dialogs, banners or
 * page layout, which only the storefront renders.
 */
const WIDGET_CSS: readonly string[] = [baseCss, buttonsCss, productGridCss, widgetCss];

/** One constructed stylesheet for every grid on the page (created on first use: no DOM in Node). */
let sharedSheet: CSSStyleSheet | null = null;
function widgetStyleSheet(): CSSStyleSheet {
  if (sharedSheet === null) {
    sharedSheet = new CSSStyleSheet();
    sharedSheet.replaceSync(WIDGET_CSS.join('\n'));
  }
  return sharedSheet;
}

/** `<vitrine-grid>`: attributes `models`, `limit`, `backend`, `placement`, `item`, `category`; events in events.ts; `record()`, `search()`, `clearSearch()`, `setAvailability()`, `ranked`. */
export class VitrineGridElement extends HTMLElement {
  static readonly observedAttributes: readonly string[] = ATTRIBUTES;

  #root: Root | null = null;
  #started: { readonly recommender: Recommender; readonly limit: number } | null = null;
  /** Why the grid could not start (record() then rejects with it), or null. */
  #failure: RecError | null = null;
  /** A placement grid's latest list (its `ranked`); null for the "for you" grid. */
  #placementShown: VitrineRankedDetail | null = null;
  /** Callers of record() before the grid has started wait here. */
  #waiting: Array<{ resolve: (recommender: Recommender) => void; reject: (error: RecError) => void }> = [];

  connectedCallback(): void {
    if (this.#root === null) {
      const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      shadow.adoptedStyleSheets = [widgetStyleSheet()];
      const container = document.createElement('div');
      container.className = 'vitrine';
      shadow.replaceChildren(container);
      this.#root = createRoot(container);
    }
    this.#render();
  }

  attributeChangedCallback(_name: string, oldValue: string | null, newValue: string | null): void {
    // The grid restarts with the new settings; until it has, record() waits for it rather than
    // reaching the recommender of the old ones.
    if (oldValue !== newValue) this.#started = null;
    if (this.#root !== null) this.#render();
  }

  disconnectedCallback(): void {
    // Unmounting releases this grid's hold on the shared storefront (disposed when none is left).
    this.#root?.unmount();
    this.#root = null;
    // A removed grid never starts: whoever awaits record() must hear so rather than wait forever.
    for (const { reject } of this.#waiting.splice(0)) reject(notConnected());
  }

  /**
   * The latest ranking shown (ids in order, event count, backend), or null before the first. For a
   * placement, its latest list (computed again after each interaction, so it can trail `record()` by a render).
   */
  get ranked(): VitrineRankedDetail | null {
    if (this.#started === null) return null;
    // Read from the shared recommender, not from the last render: once `await record()` or
    // `await search()` has settled, this already reflects it.
    return this.#placementShown ?? rankedDetail(this.#started.recommender.ranking(), this.#started.limit);
  }

  /**
   * Records an interaction from the host page (its own product page, cart or checkout) and
   * re-ranks every grid on the page that shows the same model; waits for the grid to start first.
   * @param interaction e.g. `{ type: 'purchase', item: 'sku-42' }` or `{ type: 'search', query: 'tea' }`.
   * @throws RecError EVENT_INVALID or UNKNOWN_ITEM naming the bad field or id; CONFIG_INVALID when
   *   the element is not in the document (never attached, or removed), as only a connected grid starts.
   */
  async record(interaction: HostInteraction): Promise<void> {
    const input = parseInteractionInput(interaction, RECORD_CALL);
    await (await this.#recommender()).record(input);
  }

  /**
   * Shows the matches of a query, most relevant first and personalised within, in place of the
   * grid (in every grid on the page that shows the same model: they share one shopper), until
   * clearSearch(). `ranked.mode` is then 'search'. A query without matches shows a no-results state
   * and is not recorded.
   * @param query the shopper's words.
   * @throws RecError EVENT_INVALID for a query that is not a non-blank string; as record() otherwise.
   */
  async search(query: string): Promise<void> {
    // Host pages are often plain JavaScript: the same check as a recorded search.
    const input = parseInteractionInput({ type: 'search', query }, SEARCH_CALL);
    await (await this.#recommender()).search(input.type === 'search' ? input.query : query);
  }

  /**
   * Stock and price changes from the shop's own systems, without rebuilding the model: every grid
   * and placement of the model on the page respects them from the next ranking (which this starts).
   * Ids the model does not have (new since its build) are ignored until the next build, with a
   * console warning.
   * @param changes e.g. `[{ item: 'p0042', inStock: false }, { item: 'p0007', price: 19.99 }]`.
   * @returns the ids that were ignored.
   * @throws RecError CONFIG_INVALID naming the entry and field that is wrong; as record() otherwise.
   */
  async setAvailability(changes: readonly HostAvailabilityChange[]): Promise<{ readonly ignored: readonly string[] }> {
    return { ignored: await applyAvailability(await this.#recommender(), changes, AVAILABILITY_CALL) };
  }

  /** Leaves a search: the grid shows the shopper's "for you" ranking again. */
  async clearSearch(): Promise<void> {
    await (await this.#recommender()).clearSearch();
  }

  /** The started recommender, waiting for the grid to start. */
  async #recommender(): Promise<Recommender> {
    if (!this.isConnected) throw notConnected();
    if (this.#failure !== null) throw this.#failure;
    return this.#started?.recommender ?? new Promise<Recommender>((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** (Re)renders the grid with the current attributes. */
  #render(): void {
    this.#failure = null;
    this.#placementShown = null;
    this.#root?.render(
      createElement(VitrineGrid, {
        models: this.getAttribute('models'),
        limit: this.getAttribute('limit'),
        backend: this.getAttribute('backend'),
        placement: this.getAttribute('placement'),
        item: this.getAttribute('item'),
        category: this.getAttribute('category'),
        settingsSource: '<vitrine-grid> attribute',
        onProductClick: (detail) => this.#dispatch('vitrine:product-click', detail),
        onAddToCart: (detail) => this.#dispatch('vitrine:add-to-cart', detail),
        onImpression: (detail) => this.#dispatch('vitrine:impression', detail),
        onRanked: (detail) => {
          this.#placementShown = detail.placement === 'for-you' ? null : detail;
          this.#dispatch('vitrine:ranked', detail);
        },
        onError: (detail) => {
          if (detail.during === 'start') {
            this.#failure = detail.error;
            for (const { reject } of this.#waiting.splice(0)) reject(detail.error);
          }
          this.#dispatch('vitrine:error', detail);
        },
        onRecommender: (started) => {
          this.#started = started;
          if (started === null) return;
          for (const { resolve } of this.#waiting.splice(0)) resolve(started.recommender);
        },
      }),
    );
  }

  #dispatch<Name extends keyof VitrineEventMap>(name: Name, detail: VitrineEventMap[Name]['detail']): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

/** The element's tag name. */
export const VITRINE_GRID_TAG = 'vitrine-grid';

/** Registers `<vitrine-grid>`, unless a script loaded earlier (this one, or another build of it) did. */
export function defineVitrineGrid(): void {
  const existing = customElements.get(VITRINE_GRID_TAG);
  if (existing === undefined) customElements.define(VITRINE_GRID_TAG, VitrineGridElement);
  else if (existing !== VitrineGridElement)
    console.warn(`Vitrine: <${VITRINE_GRID_TAG}> is already defined by another script on this page; this copy is not used.`);
}

declare global {
  interface HTMLElementTagNameMap {
    'vitrine-grid': VitrineGridElement;
  }
}
