/**
 * "Your data": what the recommender keeps about the shopper, read back from the store itself
 * (exportData), with a JSON download and a two-step "Erase everything". Nothing here talks to a
 * server: there is none.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Recommender, StoredData } from '../core/index.ts';
import { Dialog } from './Dialog.tsx';
import { toExportJson } from './format.ts';
import { PrivacyEvents } from './PrivacyEvents.tsx';
import { useStorefront } from './storefront-context.ts';

export interface PrivacyPanelProps {
  /** Called with anything that fails (export, erase), for the status banner. */
  readonly onError: (error: unknown) => void;
  readonly onClose: () => void;
}

type Load = { readonly status: 'loading' } | { readonly status: 'ready'; readonly data: StoredData } | { readonly status: 'failed' };

export function PrivacyPanel({ onError, onClose }: PrivacyPanelProps) {
  const { recommender } = useStorefront();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [confirming, setConfirming] = useState(false);
  const [erased, setErased] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    recommender.exportData().then(
      (data) => {
        if (live) setLoad({ status: 'ready', data });
      },
      (error: unknown) => {
        if (live) setLoad({ status: 'failed' });
        onError(error);
      },
    );
    return () => {
      live = false;
    };
  }, [recommender, onError, version]);

  const download = useCallback(() => downloadExport(recommender).catch(onError), [recommender, onError]);

  const erase = useCallback(async () => {
    try {
      await recommender.erase();
      setErased(true);
    } catch (error) {
      onError(error);
    } finally {
      setConfirming(false);
      setVersion((v) => v + 1);
    }
  }, [recommender, onError]);

  const events = load.status === 'ready' ? load.data.events : [];

  return (
    <Dialog label="Your data" onClose={onClose} className="dialog--side dialog--privacy" heading={<h2 className="dialog__title">Your data</h2>}>
      <p className="privacy__lead">
        Everything stays on this device. Your views, cart, purchases and searches are stored in this browser and used here, by code running on this page, to
        re-rank the products. Even searches are understood on the device. Nothing is sent to a server.
      </p>
      <dl className="privacy__facts">
        <div>
          <dt>Stored in</dt>
          <dd data-storage={recommender.storage}>
            {recommender.storage === 'indexeddb' ? 'IndexedDB' : 'Memory only'}
            <span className="privacy__sub">
              {recommender.storage === 'indexeddb' ? 'in this browser, kept across visits' : 'storage is unavailable: gone when you leave'}
            </span>
          </dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd data-testid="privacy-event-count">{load.status === 'ready' ? events.length : '…'}</dd>
        </div>
        <div>
          <dt>Interest vectors</dt>
          <dd>{load.status === 'ready' ? load.data.states.length : '…'}</dd>
        </div>
      </dl>

      {load.status === 'loading' && <p className="privacy__muted">Reading what is stored…</p>}
      {load.status === 'failed' && <p className="privacy__muted">What is stored could not be read.</p>}
      {erased && <p className="privacy__done">Everything was erased. Recommendations start afresh.</p>}

      {load.status === 'ready' && events.length > 0 && <PrivacyEvents events={events} />}
      {load.status === 'ready' && events.length === 0 && <p className="privacy__muted">Nothing is stored yet.</p>}

      <div className="privacy__actions">
        <button type="button" className="button button--secondary" onClick={() => void download()}>
          Export JSON
        </button>
        <EraseControls
          confirming={confirming}
          onAsk={() => {
            setErased(false);
            setConfirming(true);
          }}
          onErase={() => void erase()}
          onCancel={() => setConfirming(false)}
        />
      </div>
    </Dialog>
  );
}

/** Saves what is stored, with where and for which model, as a JSON file the browser downloads. */
async function downloadExport(recommender: Recommender): Promise<void> {
  const data = await recommender.exportData();
  const blob = new Blob(
    [toExportJson({ exportedAt: new Date().toISOString(), storage: recommender.storage, model: recommender.model.manifest.catalogId, ...data })],
    {
      type: 'application/json',
    },
  );
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `vitrine-my-data-${new Date().toISOString().slice(0, 10)}.json`;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface EraseControlsProps {
  readonly confirming: boolean;
  readonly onAsk: () => void;
  readonly onErase: () => void;
  readonly onCancel: () => void;
}

/** "Erase everything", in two steps: the button, then a confirmation. */
function EraseControls({ confirming, onAsk, onErase, onCancel }: EraseControlsProps) {
  if (!confirming) {
    return (
      <button type="button" className="button button--danger-outline" onClick={onAsk}>
        Erase everything
      </button>
    );
  }
  return <EraseConfirmation onErase={onErase} onCancel={onCancel} />;
}

/**
 * The second step. It appears at the end of a panel that is often taller than the screen, and the
 * button that asked for it is gone: so it is scrolled into view and its button takes focus.
 */
function EraseConfirmation({ onErase, onCancel }: Pick<EraseControlsProps, 'onErase' | 'onCancel'>) {
  const group = useRef<HTMLDivElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    group.current?.scrollIntoView({ block: 'nearest' });
    confirm.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div ref={group} className="privacy__confirm" role="group" aria-label="Confirm erasing">
      <p>Erase every event and your interest profile from this device? This cannot be undone.</p>
      <button ref={confirm} type="button" className="button button--danger" onClick={onErase}>
        Yes, erase everything
      </button>
      <button type="button" className="button button--ghost" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
