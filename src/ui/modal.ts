/**
 * The imperative half of Dialog.tsx: open a <dialog> as a modal, route every way of closing it
 * through one callback, and give focus back to the element that opened it. Kept apart from React
 * so the order that matters (the opener is known before the dialog takes focus) can be tested
 * without a DOM.
 */

/** What `openModal` uses of a <dialog> element. */
export type ModalElement = Pick<HTMLDialogElement, 'open' | 'isConnected' | 'showModal' | 'addEventListener' | 'removeEventListener' | 'dispatchEvent'>;

/** The element focus returns to when the dialog goes away. */
export type Opener = Pick<HTMLElement, 'isConnected' | 'focus'>;

/**
 * Shows `dialog` as a modal (if it is not already open) and listens for Escape and backdrop clicks.
 * The opener is passed in, never read here: by now the dialog may hold focus itself (React's
 * StrictMode runs an effect, its cleanup and the effect again on mount in development), and what
 * is focused then is the dialog's own Close button.
 * @param dialog the <dialog> element.
 * @param opener what was focused before the dialog first opened, or null.
 * @param onClose called for Escape and for a click on the backdrop.
 * @returns the cleanup: removes the listeners and, once the dialog has left the document (a real
 * close, not StrictMode's re-run), focuses the opener again.
 */
export function openModal(dialog: ModalElement, opener: Opener | null, onClose: () => void): () => void {
  if (!dialog.open) dialog.showModal();
  // Escape: let the parent unmount the dialog instead of the browser closing the element under it.
  const onCancel = (event: Event): void => {
    event.preventDefault();
    onClose();
  };
  // A click on the ::backdrop is a click on the <dialog> itself (its content fills the box).
  const onClick = (event: Event): void => {
    if (event.target === dialog) onClose();
  };
  dialog.addEventListener('cancel', onCancel);
  dialog.addEventListener('click', onClick);
  return () => {
    dialog.removeEventListener('cancel', onCancel);
    dialog.removeEventListener('click', onClick);
    if (!dialog.isConnected && opener?.isConnected === true) opener.focus({ preventScroll: true });
  };
}

/** @returns the focused element of the document, or null when nothing focusable is. */
export function focusedElement(): HTMLElement | null {
  return document.activeElement instanceof HTMLElement ? document.activeElement : null;
}
