// The element's record() outside the document. Tests run in Node without a DOM: HTMLElement is
// stood in for by a class whose isConnected the test sets, which is all record() reads before the
// grid has started.
import { beforeAll, describe, expect, it } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import type { HostInteraction } from './events.ts';
import type { VitrineGridElement as VitrineGridElementClass } from './vitrine-grid-element.ts';

class FakeHTMLElement {
  isConnected = false;
}

let VitrineGridElement: typeof VitrineGridElementClass;

beforeAll(async () => {
  Object.assign(globalThis, { HTMLElement: FakeHTMLElement });
  ({ VitrineGridElement } = await import('./vitrine-grid-element.ts'));
});

const notConnected = {
  code: 'CONFIG_INVALID',
  location: { file: '<vitrine-grid>.record()' },
  message: expect.stringContaining('the <vitrine-grid> element is not connected to the document') as unknown,
};

describe('<vitrine-grid>.record()', () => {
  it(
    'rejects, saying so, on an element never attached',
    faultTest('Host page calls', 'grid.record() on an element never attached to the page (the promise never settled)', async (fault) => {
      const grid = new VitrineGridElement();
      const settled = grid.record({ type: 'view', item: 'sku-1' });
      settled.catch((error: unknown) => fault.observe(`rejected: ${String(error)}`));
      await expect(settled).rejects.toMatchObject(notConnected);
    }),
  );

  it(
    'rejects a call waiting for the grid to start when the element is removed',
    faultTest('Host page calls', 'grid.record() waiting for the grid when the element is removed', async () => {
      const grid = new VitrineGridElement();
      Reflect.set(grid, 'isConnected', true); // the DOM's isConnected is read-only; the stand-in's is a field
      const waiting = grid.record({ type: 'view', item: 'sku-1' });
      Reflect.set(grid, 'isConnected', false);
      grid.disconnectedCallback();
      await expect(waiting).rejects.toMatchObject(notConnected);
    }),
  );

  it('still names a bad interaction first', async () => {
    const grid = new VitrineGridElement();
    // A host page's script is untyped: an interaction without its item, as one might send.
    const noItem = { type: 'view' } as unknown as HostInteraction;
    await expect(grid.record(noItem)).rejects.toMatchObject({ code: 'EVENT_INVALID' });
  });
});
