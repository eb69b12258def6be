/**
 * A modal dialog on the native <dialog> element (showModal): focus moves in and is trapped, the
 * rest of the page is inert, Escape closes. Mount it to open it and unmount it to close it; every
 * way of closing (the Close button in its top bar, Escape, a click on the backdrop) goes through
 * `onClose` once.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export interface DialogProps {
  /** The accessible name (aria-label) of the dialog. */
  readonly label: string;
  readonly onClose: () => void;
  readonly className?: string;
  /** Shown in the bar at the top, before its Close button (which calls `onClose`). */
  readonly heading: ReactNode;
  readonly children: ReactNode;
}

export function Dialog({ label, onClose, className, heading, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // Escape: let the parent unmount us instead of the browser closing the element under React.
    const onCancel = (event: Event): void => {
      event.preventDefault();
      onCloseRef.current();
    };
    // A click on the ::backdrop is a click on the <dialog> itself (its content fills the box).
    const onClick = (event: MouseEvent): void => {
      if (event.target === dialog) onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('click', onClick);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('click', onClick);
      // Only on a real unmount (the node is gone), not React's StrictMode re-run in development.
      if (!dialog.isConnected && opener?.isConnected) opener.focus({ preventScroll: true });
    };
  }, []);

  return (
    <dialog ref={ref} aria-label={label} className={['dialog', className].filter(Boolean).join(' ')}>
      <div className="dialog__body">
        <div className="dialog__bar">
          {heading}
          <button type="button" className="button button--ghost" onClick={onClose}>
            Close
          </button>
        </div>
        {children}
      </div>
    </dialog>
  );
}
