import { describe, expect, it } from 'vitest';
import { openModal, type ModalElement, type Opener } from './modal.ts';

/** A <dialog> stand-in on Node's EventTarget: showModal focuses its first button, as the browser does. */
class FakeDialog extends EventTarget implements ModalElement {
  open = false;
  isConnected = true;
  showModal(): void {
    this.open = true;
    focused = 'close button';
  }
}

/** Which element has focus, by name. */
let focused = 'nothing';

function opener(name: string): Opener & { focusCount: number } {
  return {
    isConnected: true,
    focusCount: 0,
    focus() {
      this.focusCount += 1;
      focused = name;
    },
  };
}

describe('openModal', () => {
  it('given StrictMode’s mount (effect, cleanup, effect) then an unmount, focus returns to the opener known before the first showModal', () => {
    focused = 'card';
    const card = opener('card');
    const dialog = new FakeDialog();
    // The opener is read once, before the dialog exists (Dialog.tsx's state initialiser).
    const first = openModal(dialog, card, () => undefined);
    expect(focused).toBe('close button');
    first(); // StrictMode's cleanup: the dialog is still in the document, so focus stays inside
    expect(card.focusCount).toBe(0);
    const second = openModal(dialog, card, () => undefined);
    dialog.isConnected = false; // unmounted: React removed the node before running the cleanup
    second();
    expect(card.focusCount).toBe(1);
    expect(focused).toBe('card');
  });

  it('does not focus an opener that has left the document', () => {
    const gone = { ...opener('gone'), isConnected: false };
    const dialog = new FakeDialog();
    const cleanup = openModal(dialog, gone, () => undefined);
    dialog.isConnected = false;
    cleanup();
    expect(gone.focusCount).toBe(0);
  });

  it('routes Escape (a cancelable cancel event, prevented) and a backdrop click to onClose, and stops listening after cleanup', () => {
    const dialog = new FakeDialog();
    let closes = 0;
    const cleanup = openModal(dialog, null, () => (closes += 1));
    const cancel = new Event('cancel', { cancelable: true });
    dialog.dispatchEvent(cancel);
    expect(cancel.defaultPrevented).toBe(true);
    dialog.dispatchEvent(new Event('click'));
    expect(closes).toBe(2);
    cleanup();
    dialog.dispatchEvent(new Event('click'));
    expect(closes).toBe(2);
  });

  it('does not show a dialog that is already open again (showModal on an open dialog throws)', () => {
    const dialog = new FakeDialog();
    dialog.open = true;
    focused = 'card';
    openModal(dialog, null, () => undefined);
    expect(focused).toBe('card');
  });
});
