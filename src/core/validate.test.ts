// What a validation message repeats of the value it found: enough to recognise it, never the whole
// of a huge one (a 10 MB id would make a 10 MB message, logged and shown).
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { checkInput } from './interactions.ts';
import { toItemId } from './ids.ts';
import { describe as describeValue, fail, MAX_QUOTED_CHARS, quote } from './validate.ts';

const HUGE = `${'x'.repeat(MAX_QUOTED_CHARS)}${'y'.repeat(10_000_000)}`;

describe('quote', () => {
  it('repeats a short value whole', () => {
    expect(quote('sku-42')).toBe('"sku-42"');
    expect(quote('a'.repeat(MAX_QUOTED_CHARS))).toBe(`"${'a'.repeat(MAX_QUOTED_CHARS)}"`);
  });

  it('cuts a long value to its first characters, with an ellipsis and its length', () => {
    expect(quote(HUGE)).toBe(`"${'x'.repeat(MAX_QUOTED_CHARS)}…" (${HUGE.length} characters)`);
    expect(quote('b'.repeat(MAX_QUOTED_CHARS + 1))).toBe(`"${'b'.repeat(MAX_QUOTED_CHARS)}…" (${MAX_QUOTED_CHARS + 1} characters)`);
  });

  it('does not cut a character in half', () => {
    const quoted = quote(`${'c'.repeat(MAX_QUOTED_CHARS - 1)}😀😀`);
    expect(quoted).toBe(`"${'c'.repeat(MAX_QUOTED_CHARS - 1)}…" (${MAX_QUOTED_CHARS + 3} characters)`);
  });
});

describe('messages that name a found value', () => {
  it(
    'fail quotes a huge string in part',
    faultTest('Catalogue text and records', 'A 10 MB value (an item id) named in an error message', async () => {
      expect(describeValue(HUGE)).toBe(quote(HUGE));
      let message = '';
      try {
        fail({ code: 'EVENT_INVALID', file: 'events' }, 'id', 'a known id', HUGE);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`found "${'x'.repeat(MAX_QUOTED_CHARS)}…" (${HUGE.length} characters)`);
      expect(message.length).toBeLessThan(300);
    }),
  );

  it('UNKNOWN_ITEM quotes a huge item id in part', () => {
    const unknown = () => checkInput({ type: 'view', item: toItemId(HUGE) }, () => false);
    expect(unknown).toThrow(expect.objectContaining({ code: 'UNKNOWN_ITEM' }));
    expect(unknown).toThrow(`item "${'x'.repeat(MAX_QUOTED_CHARS)}…" (${HUGE.length} characters) is not in the loaded catalogue`);
  });
});
