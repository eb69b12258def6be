/**
 * The events part of "Your data": how many of each type are stored, and the latest ones in a table,
 * impressions ("shown" events) left out unless the shopper asks for them (there are many).
 */
import { useState } from 'react';
import type { InteractionEvent, ItemId } from '../core/index.ts';
import { countByType, EVENT_LABELS, formatMs } from './format.ts';
import { useStorefront } from './storefront-context.ts';

/** How many of the latest events the table shows. */
const LATEST_SHOWN = 12;

export interface PrivacyEventsProps {
  /** Every stored event (at least one), in any order. */
  readonly events: readonly InteractionEvent[];
}

export function PrivacyEvents({ events }: PrivacyEventsProps) {
  const { recommender } = useStorefront();
  const [showImpressions, setShowImpressions] = useState(false);

  const titleOf = (id: ItemId): string => {
    const row = recommender.model.rowOf.get(id);
    // A sharded catalogue's card may not be on hand (an item seen on another visit): its id stands in.
    return (row === undefined || !recommender.model.cards.has(row) ? undefined : recommender.model.items[row]?.title) ?? id;
  };
  const impressions = events.filter((event) => event.type === 'impression').length;
  const latest = events
    .filter((event) => showImpressions || event.type !== 'impression')
    .sort((a, b) => b.time - a.time)
    .slice(0, LATEST_SHOWN);

  return (
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
        // A scroll region of its own: focusable, so a keyboard can scroll it, and named for that stop.
        <div className="privacy__table-wrap" role="region" aria-label="Latest events" tabIndex={0}>
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
  );
}

function detailOf(event: InteractionEvent, titleOf: (id: ItemId) => string): string {
  if (event.type === 'search') return `“${event.query}”`;
  if (event.type === 'dwell') return `${titleOf(event.item)} · ${formatMs(event.dwellMs)}`;
  return event.position === undefined ? titleOf(event.item) : `${titleOf(event.item)} · position ${event.position + 1}`;
}
