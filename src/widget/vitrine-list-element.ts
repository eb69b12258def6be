/**
 * `<vitrine-list models="/models/demo">` around a list the shop renders itself (its category or
 * search page, on its server): it re-orders the shop's own elements (the children that carry
 * `data-item-id`) by the shopper's interest, and again whenever that interest moves (an interaction
 * recorded by any Vitrine element or `record()` on the page, or in another tab). The shop's rules
 * hold: a child with `data-pinned` keeps its place, and so does every child the model does not know
 * (or without an id). Without JavaScript, or until the engine is ready, the shop's order stands: what
 * a search engine indexes is the shop's HTML.
 *
 * No flash: the elements are the shop's, moved, never re-rendered. No layout shift the shopper did
 * not cause: a new order is applied only when it moves nothing they are looking at, right after
 * their own input (the browser's layout-shift measure leaves out the 500 ms after an input) or while
 * the list is out of view; otherwise it waits for the first of those.
 */
import { parseInteractionInput, parseStorefrontConfig, RecError, toItemId, toRecError, type InPlaceOrder, type Recommender } from '../core/index.ts';
import { acquireStorefront, type SharedStorefront } from '../app/shared-storefronts.ts';
import type { HostInteraction } from './events.ts';

const SOURCE = '<vitrine-list> attribute';
const RECORD_CALL = '<vitrine-list>.record()';
/** The window after an input in which the Layout Instability API counts a shift as expected. */
const INPUT_WINDOW_MS = 500;

/** When the shopper last gave input on the page (a trusted pointer or key press), for every list. */
let lastInputAt = Number.NEGATIVE_INFINITY;
const withinInputWindow = (): boolean => performance.now() - lastInputAt < INPUT_WINDOW_MS;
/** The lists on the page: the end of an input (its click, its key's release) applies the order each holds back. */
const lists = new Set<VitrineListElement>();
let watchingInput = false;
function watchInput(): void {
  if (watchingInput) return;
  watchingInput = true;
  const options = { capture: true, passive: true };
  const started = (event: Event): void => void (event.isTrusted && (lastInputAt = performance.now()));
  // Not on pointerdown itself: the item under the pointer must not move before the click lands.
  const ended = (event: Event): void => {
    if (event.isTrusted && withinInputWindow()) for (const list of lists) list.applyPending();
  };
  document.addEventListener('pointerdown', started, options);
  document.addEventListener('keydown', started, options);
  document.addEventListener('click', ended, options);
  document.addEventListener('keyup', ended, options);
}

export class VitrineListElement extends HTMLElement {
  static readonly observedAttributes: readonly string[] = ['models', 'backend'];

  #shared: SharedStorefront | null = null;
  #recommender: Recommender | null = null;
  #unsubscribe: (() => void) | null = null;
  #visible = true;
  #observer: IntersectionObserver | null = null;
  /** An order computed but not applied yet (it would have moved what the shopper looks at). */
  #pending: InPlaceOrder | null = null;

  connectedCallback(): void {
    lists.add(this);
    watchInput();
    this.#observer = new IntersectionObserver((entries) => {
      this.#visible = entries.some((entry) => entry.isIntersecting);
      this.#applyWhenUnseen();
    });
    this.#observer.observe(this);
    this.#start();
  }

  disconnectedCallback(): void {
    lists.delete(this);
    this.#stop();
    this.#observer?.disconnect();
    this.#observer = null;
  }

  attributeChangedCallback(_name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue || !this.isConnected) return;
    this.#stop();
    this.#start();
  }

  /**
   * The shopper's order of any ids, for shops that render lists themselves (nothing on the page moves).
   * @param itemIds the shop's list, in its order.
   * @returns the ids the model knows, most interesting first (the shop's order for a new shopper),
   *   each id's reason kind (null: no clear one), and the ids the model does not know.
   */
  async rank(itemIds: readonly string[]): Promise<{ order: string[]; reasons: Record<string, string | null>; unknown: string[] }> {
    const ranked = await (await this.#ready()).rankItems(itemIds.map((id) => toItemId(String(id))));
    return {
      order: [...ranked.order],
      reasons: Object.fromEntries([...ranked.reasons].map(([id, reason]) => [id, reason?.kind ?? null])),
      unknown: [...ranked.unknown],
    };
  }

  /**
   * Records an interaction from the host page (as `<vitrine-grid>.record()`); every list and grid
   * of the model on the page follows it.
   * @throws RecError EVENT_INVALID or UNKNOWN_ITEM naming the bad field or id.
   */
  async record(interaction: HostInteraction): Promise<void> {
    const input = parseInteractionInput(interaction, RECORD_CALL);
    await (await this.#ready()).record(input);
  }

  /** The started recommender; rejects when it could not start. */
  async #ready(): Promise<Recommender> {
    if (this.#recommender !== null) return this.#recommender;
    const started = await this.#shared?.started;
    if (started === undefined)
      throw new RecError('CONFIG_INVALID', 'the <vitrine-list> element is not connected to the document: attach it first', { file: RECORD_CALL });
    if (started.kind === 'fallback') throw started.error;
    return started.recommender;
  }

  #start(): void {
    let config;
    try {
      config = parseStorefrontConfig({ get: (name) => (name === 'models' || name === 'backend' ? this.getAttribute(name) : null) }, SOURCE);
    } catch (error) {
      this.#fail(toRecError(error));
      return;
    }
    const shared = acquireStorefront(config, () => undefined);
    this.#shared = shared;
    shared.started.then(
      (started) => {
        if (this.#shared !== shared) return;
        if (started.kind === 'fallback') return this.#fail(started.error);
        this.#recommender = started.recommender;
        this.#unsubscribe = started.recommender.on('ranking', () => void this.#reorder());
        void this.#reorder();
      },
      (error: unknown) => this.#fail(toRecError(error)),
    );
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#recommender = null;
    this.#pending = null;
    this.#shared?.release();
    this.#shared = null;
  }

  /** The shop's order stands; the developer hears why in the console and a `vitrine:error` event. */
  #fail(error: RecError): void {
    console.error('Vitrine:', error.message, error);
    this.dispatchEvent(new CustomEvent('vitrine:error', { detail: { error, during: 'start' }, bubbles: true, composed: true }));
  }

  async #reorder(): Promise<void> {
    const recommender = this.#recommender;
    if (recommender === null) return;
    const slots = this.#slots();
    const order = await recommender.rankItems(slots.flatMap(({ id }) => (id === null ? [] : [toItemId(id)])));
    if (this.#recommender !== recommender) return;
    this.#pending = order;
    if (withinInputWindow()) this.applyPending();
    else this.#applyWhenUnseen();
  }

  #applyWhenUnseen(): void {
    if (!this.#visible) this.applyPending();
  }

  /** The children that may move: those with an id and no data-pinned, in the shop's order. */
  #slots(): { readonly element: Element; readonly id: string | null }[] {
    const container = this.querySelector('[data-item-id]')?.parentElement ?? null;
    if (container === null) return [];
    return [...container.children].map((element) => ({ element, id: element.hasAttribute('data-pinned') ? null : element.getAttribute('data-item-id') }));
  }

  /** Applies the order held back, if any (called at the end of the shopper's input, when a shift is expected). */
  applyPending(): void {
    const order = this.#pending;
    this.#pending = null;
    if (order === null) return;
    const slots = this.#slots();
    const known = new Set<string>(order.order);
    const byId = new Map(slots.flatMap(({ element, id }) => (id !== null && known.has(id) ? [[id, element] as const] : [])));
    const movable = slots.filter(({ id }) => id !== null && known.has(id));
    const arranged = order.order.flatMap((id) => byId.get(id) ?? []);
    if (arranged.length !== movable.length || movable.every(({ element }, i) => element === arranged[i])) return;
    // Each movable element takes the next place of the new order; pinned and unknown ones stay, and
    // so do the text nodes between the elements.
    let next = 0;
    const moving = new Set<Node>(movable.map(({ element }) => element));
    const container = movable[0]?.element.parentElement;
    const nodes = [...(container?.childNodes ?? [])].map((node) => (moving.has(node) ? (arranged[next++] ?? node) : node));
    // Moving a node out and back drops its focus: the shopper's focused button keeps it.
    const focused = document.activeElement instanceof HTMLElement && container?.contains(document.activeElement) ? document.activeElement : null;
    container?.replaceChildren(...nodes);
    focused?.focus({ preventScroll: true });
  }
}

/** The element's tag name. */
export const VITRINE_LIST_TAG = 'vitrine-list';

/** Registers `<vitrine-list>`, unless a script loaded earlier did. */
export function defineVitrineList(): void {
  if (customElements.get(VITRINE_LIST_TAG) === undefined) customElements.define(VITRINE_LIST_TAG, VitrineListElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'vitrine-list': VitrineListElement;
  }
}
