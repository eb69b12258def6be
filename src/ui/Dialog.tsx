/**
 * A modal dialog on the native <dialog> element (showModal): focus moves in and is trapped, the
 * rest of the page is inert, Escape closes. Mount it to open it and unmount it to close it; every
 * way of closing (the Close button in its top bar, Escape, a click on the backdrop) goes through
 * `onClose` once, and focus goes back to what was focused when it opened (modal.ts).
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { focusedElement, openModal } from './modal.ts';

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

  // Read while rendering, before the dialog is shown and takes focus; a state initialiser runs on
  // the first render only, so StrictMode's second run of the effect below cannot replace it.
  const [opener] = useState(focusedElement);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    return openModal(dialog, opener, () => onCloseRef.current());
  }, [opener]);

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
