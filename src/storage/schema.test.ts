import 'fake-indexeddb/auto';
import { openDB, type IndexNames, type StoreKey, type StoreNames, type StoreValue } from 'idb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { InteractionEvent } from '../core/interactions.ts';
import { openVitrineDB } from './db.ts';
import { DB_NAME, DB_VERSION, STORE_NAMES, upgradeVitrineDB, type StateRecord, type VitrineDB } from './schema.ts';
import { createVersion1Database, uniqueDbName } from './test-support.ts';

describe('schema', () => {
  it('declares the stores, keys, values and indexes (type test)', () => {
    expectTypeOf<StoreNames<VitrineDB>>().toEqualTypeOf<'events' | 'state' | 'baselines'>();
    expectTypeOf<StoreKey<VitrineDB, 'events'>>().toEqualTypeOf<string>();
    expectTypeOf<StoreValue<VitrineDB, 'events'>>().toEqualTypeOf<InteractionEvent>();
    expectTypeOf<IndexNames<VitrineDB, 'events'>>().toEqualTypeOf<'by-time' | 'by-session' | 'by-type'>();
    expectTypeOf<StoreValue<VitrineDB, 'state'>>().toEqualTypeOf<StateRecord>();
    expectTypeOf<StoreKey<VitrineDB, 'baselines'>>().toEqualTypeOf<string>();
    expectTypeOf<StoreValue<VitrineDB, 'baselines'>>().toEqualTypeOf<StateRecord>();
    expectTypeOf<StateRecord['vector']>().toEqualTypeOf<Float32Array>();
    expect(DB_NAME).toBe('vitrine');
    expect(DB_VERSION).toBe(2);
    expect([...STORE_NAMES].sort()).toEqual(['baselines', 'events', 'state']);
  });

  it('creates the stores and indexes on first open', async () => {
    const db = await openVitrineDB(uniqueDbName());
    try {
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual(['baselines', 'events', 'state']);
      const tx = db.transaction(STORE_NAMES, 'readonly');
      const events = tx.objectStore('events');
      expect(events.keyPath).toBe('id');
      expect([...events.indexNames].sort()).toEqual(['by-session', 'by-time', 'by-type']);
      expect(events.index('by-time').keyPath).toBe('time');
      expect(events.index('by-session').keyPath).toBe('session');
      expect(events.index('by-type').keyPath).toBe('type');
      expect(events.index('by-time').unique).toBe(false);
      const state = tx.objectStore('state');
      expect(state.keyPath).toBe('modelKey');
      expect([...state.indexNames]).toEqual([]);
      const baselines = tx.objectStore('baselines');
      expect(baselines.keyPath).toBe('modelKey');
      expect([...baselines.indexNames]).toEqual([]);
      await tx.done;
    } finally {
      db.close();
    }
  });

  it('runs the migration steps from version 0 when driven directly', async () => {
    const steps: Array<[number, number | null]> = [];
    const db = await openDB<VitrineDB>(uniqueDbName(), DB_VERSION, {
      upgrade(database, oldVersion, newVersion, transaction, event) {
        steps.push([oldVersion, newVersion]);
        upgradeVitrineDB(database, oldVersion, newVersion, transaction);
        expect(event.type).toBe('upgradeneeded');
      },
    });
    expect(steps).toEqual([[0, DB_VERSION]]);
    expect([...db.objectStoreNames].sort()).toEqual(['baselines', 'events', 'state']);
    db.close();
  });

  it('adds the baselines store to a version 1 database and leaves its stores and indexes as they were', async () => {
    const name = uniqueDbName();
    (await createVersion1Database(name, 5)).close();
    const steps: Array<[number, number | null]> = [];
    const db = await openDB<VitrineDB>(name, DB_VERSION, {
      upgrade(database, oldVersion, newVersion, transaction) {
        steps.push([oldVersion, newVersion]);
        upgradeVitrineDB(database, oldVersion, newVersion, transaction);
      },
    });
    expect(steps).toEqual([[1, 2]]);
    expect([...db.objectStoreNames].sort()).toEqual(['baselines', 'events', 'state']);
    const tx = db.transaction(STORE_NAMES, 'readonly');
    expect([...tx.objectStore('events').indexNames].sort()).toEqual(['by-session', 'by-time', 'by-type']);
    expect(await tx.objectStore('events').count()).toBe(5);
    expect(tx.objectStore('baselines').keyPath).toBe('modelKey');
    await tx.done;
    db.close();
  });

  it('does not run the upgrade again when the database is already current', async () => {
    const name = uniqueDbName();
    (await openVitrineDB(name)).close();
    let upgrades = 0;
    const db = await openDB<VitrineDB>(name, DB_VERSION, { upgrade: () => void upgrades++ });
    expect(upgrades).toBe(0);
    db.close();
  });
});
