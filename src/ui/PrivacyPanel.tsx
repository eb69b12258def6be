/**
 * "Your data": what the recommender keeps about the shopper, read back from the store itself
 * (exportData), with a JSON download and a two-step "Erase everything". Nothing here talks to a
 * server: there is none.
 */
import { useCallback, useEffect, useState } from 'react';
import type { InteractionEvent, ItemId, StoredData } from '../core/index.ts';
import { Dialog } from './Dialog.tsx';
import { countByType, EVENT_LABELS, formatMs, toExportJson } from './format.ts';
import { useStorefront } from './storefront-context.ts';

export interface PrivacyPanelProps {
  /** Called with anything that fails (export, erase), for the status banner. */
  readonly onError: (error: unknown) => void;
  readonly onClose: () => void;
}

/** How many of the latest events the table shows. */
const LATEST_SHOWN = 12;

type Load = { readonly status: 'loading' } | { readonly status: 'ready'; readonly data: StoredData } | { readonly status: 'failed' };

export function PrivacyPanel({ onError, onClose }: PrivacyPanelProps) {
  const { recommender } = useStorefront();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [confirming, setConfirming] = useState(false);
  const [erased, setErased] = useState(false);
  const [version, setVersion] = useState(0);
  const [showImpressions, setShowImpressions] = useState(false);

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

  const download = useCallback(async () => {
    try {
      const data = await recommender.exportData();
      const blob = new Blob([toExportJson({ exportedAt: new Date().toISOString(), storage: recommender.storage, model: recommender.model.manifest.catalogId, ...data })], {
        type: 'application/json',
      });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `vitrine-my-data-${new Date().toISOString().slice(0, 10)}.json`;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      onError(error);
    }
  }, [recommender, onError]);

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
  const titleOf = (id: ItemId): string => {
    const row = recommender.model.rowOf.get(id);
    return (row === undefined ? undefined : recommender.model.items[row]?.title) ?? id;
  };
  const impressions = events.filter((event) => event.type === 'impression').length;
  const latest = events
    .filter((event) => showImpressions || event.type !== 'impression')
    .sort((a, b) => b.time - a.time)
    .slice(0, LATEST_SHOWN);

  return (
    <Dialog label="Your data" onClose={onClose} className="dialog--side dialog--privacy">
      <div className="dialog__bar">
        <h2 className="dialog__title">Your data</h2>
        <button type="button" className="button button--ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="privacy__lead">
        Everything stays on this device. Your views, cart, purchases and searches are stored in this browser and used here, by
        code running on this page, to re-rank the products. Even searches are understood on the device. Nothing is sent to a server.
      </p>
      <dl className="privacy__facts">
        <div>
          <dt>Stored in</dt>
          <dd data-storage={recommender.storage}>
            {recommender.storage === 'indexeddb' ? 'IndexedDB' : 'Memory only'}
            <span className="privacy__sub">{recommender.storage === 'indexeddb' ? 'in this browser, kept across visits' : 'storage is unavailable: gone when you leave'}</span>
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

      {load.status === 'ready' && events.length > 0 && (
        <>
          <h3 className="privacy__heading">By type</h3>
          <ul className="privacy__counts">
            {countByType(events).map(([type, count]) => (
              <li key={type} data-type={type}>
                <span>{EVENT_LABELS[type]}</span>
                <strong>{count}</strong>
              </li>
            ))}
          </ul>
          <div className="privacy__latest-head">
            <h3 className="privacy__heading">Latest events</h3>
            {impressions > 0 && (
              <label className="privacy__toggle">
                <input type="checkbox" checked={showImpressions} onChange={(event) => setShowImpressions(event.target.checked)} />
                Include “shown” events ({impressions})
              </label>
            )}
          </div>
          {latest.length === 0 ? (
            <p className="privacy__muted">Only “shown” events so far: which products appeared on your screen.</p>
          ) : (
            <div className="privacy__table-wrap">
              <table className="privacy__table">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">What</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {latest.map((event) => (
                    <tr key={event.id}>
                      <td>{new Date(event.time).toLocaleTimeString()}</td>
                      <td>{EVENT_LABELS[event.type]}</td>
                      <td>{detailOf(event, titleOf)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {load.status === 'ready' && events.length === 0 && <p className="privacy__muted">Nothing is stored yet.</p>}

      <div className="privacy__actions">
        <button type="button" className="button button--secondary" onClick={() => void download()}>
          Export JSON
        </button>
        {confirming ? (
          <div className="privacy__confirm" role="group" aria-label="Confirm erasing">
            <p>Erase every event and your interest profile from this device? This cannot be undone.</p>
            <button type="button" className="button button--danger" onClick={() => void erase()}>
              Yes, erase everything
            </button>
            <button type="button" className="button button--ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button
            type="button"
            className="button button--danger-outline"
            onClick={() => {
              setErased(false);
              setConfirming(true);
            }}
          >
            Erase everything
          </button>
        )}
      </div>
    </Dialog>
  );
}

function detailOf(event: InteractionEvent, titleOf: (id: ItemId) => string): string {
  if (event.type === 'search') return `“${event.query}”`;
  if (event.type === 'dwell') return `${titleOf(event.item)} · ${formatMs(event.dwellMs)}`;
  return event.position === undefined ? titleOf(event.item) : `${titleOf(event.item)} · position ${event.position + 1}`;
}
