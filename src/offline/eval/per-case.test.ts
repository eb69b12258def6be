import { describe, expect, it } from 'vitest';
import { createPopularityMethod } from './baselines.ts';
import { leaveOneOut, type EvalCase } from './dataset.ts';
import { evaluateMethods } from './evaluate.ts';
import { decodePerCase, encodePerCase, splitFingerprint, type CaseScores, type PerCaseRun } from './per-case.ts';
import { FIXTURE_ITEMS, FIXTURE_USERS } from './test-support.ts';

const testCase = (user: number, targets: number[]): EvalCase => ({ user, history: [], historyLength: 1, masked: new Set(), targets });
const itemId = (row: number): string => `p${row}`;

const run = (methods: PerCaseRun['methods']): PerCaseRun => ({
  model: 'models/x',
  manifestSha256: 'ab'.repeat(32),
  protocol: 'leave-one-out',
  target: 'test',
  full: true,
  cases: 3,
  fingerprint: 'f'.repeat(64),
  methods,
});

describe('per-case results', () => {
  it("records each case's HR@10 and NDCG@10 in the split's order while evaluating", async () => {
    const log = FIXTURE_USERS.flatMap((rows, user) =>
      rows.map((row, order) => ({ user, session: -1, row, time: 0, order, weight: 1, type: 0, line: order + 2 })),
    );
    const split = leaveOneOut(log, { itemCount: FIXTURE_ITEMS, target: 'test', maxHistory: 50, spacingMs: 0 });
    const seen: CaseScores[] = [];
    await evaluateMethods(
      split,
      [createPopularityMethod('popularity', 'training counts', split.trainingCounts)],
      { itemCount: FIXTURE_ITEMS, textVectors: null, textDim: 0 },
      (_, scores) => seen.push(scores),
    );
    // As eval.test.ts works out: training popularity hits u0's target at rank 1, u1's at 6, u2's at 3.
    expect([...(seen[0]?.hr10 ?? [])]).toEqual([1, 1, 1]);
    expect([...(seen[0]?.ndcg10 ?? [])]).toEqual([1, Math.fround(1 / Math.log2(7)), 0.5]);
  });

  it('round-trips through its file, bytes and all', () => {
    const scores = { hr10: Uint8Array.from([1, 0, 1]), ndcg10: Float32Array.from([1, 0, 1 / Math.log2(3)]) };
    const original = run([
      { method: 'sequence', scores },
      { method: 'vitrine', scores: { hr10: Uint8Array.from([0, 0, 1]), ndcg10: Float32Array.from([0, 0, 0.25]) } },
    ]);
    const text = encodePerCase(original);
    expect(decodePerCase(text, 'per-case.json')).toEqual(original);
    // 3 bytes of HR@10 and 12 of NDCG@10 per method, as base64.
    expect(JSON.parse(text)).toMatchObject({
      format: 'vitrine-eval-per-case',
      version: 1,
      cases: 3,
      methods: [{ hr10: 'AQAB', ndcg10: expect.any(String) as unknown }, {}],
    });
    expect(Buffer.from((JSON.parse(text) as { methods: { ndcg10: string }[] }).methods[0]?.ndcg10 ?? '', 'base64')).toHaveLength(12);
  });

  it('refuses arrays that do not match the case count, and a file that is not per-case results, naming the field', () => {
    expect(() => encodePerCase(run([{ method: 'short', scores: { hr10: new Uint8Array(2), ndcg10: new Float32Array(3) } }]))).toThrow(
      'short: 2 HR@10 and 3 NDCG@10 values for 3 cases',
    );
    const good = JSON.parse(encodePerCase(run([{ method: 'm', scores: { hr10: new Uint8Array(3), ndcg10: new Float32Array(3) } }]))) as Record<string, unknown>;
    expect(() => decodePerCase(JSON.stringify({ ...good, cases: 4 }), 'f.json')).toThrow(/f\.json: methods\[0\]\.hr10: expected 4 bytes, found "3"/);
    expect(() => decodePerCase(JSON.stringify({ ...good, format: 'other' }), 'f.json')).toThrow(/format: expected "vitrine-eval-per-case" version 1/);
    expect(() => decodePerCase(JSON.stringify({ ...good, fingerprint: 7 }), 'f.json')).toThrow(/fingerprint: expected a string, found 7/);
    expect(() => decodePerCase('{', 'f.json')).toThrow(/f\.json: expected the per-case results of npm run eval as JSON/);
  });

  it('fingerprints the ordered users and target items, not row numbers', () => {
    const cases = [testCase(0, [3]), testCase(1, [7, 5])];
    const base = splitFingerprint('leave-one-out', 'test', cases, itemId);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(splitFingerprint('leave-one-out', 'test', [testCase(0, [3]), testCase(1, [7, 5])], itemId)).toBe(base);
    expect(splitFingerprint('leave-one-out', 'test', [...cases].reverse(), itemId)).not.toBe(base);
    expect(splitFingerprint('leave-one-out', 'test', cases.slice(0, 1), itemId)).not.toBe(base);
    expect(splitFingerprint('leave-one-out', 'test', [testCase(0, [3]), testCase(2, [7, 5])], itemId)).not.toBe(base);
    expect(splitFingerprint('leave-one-out', 'test', [testCase(0, [3]), testCase(1, [7, 4])], itemId)).not.toBe(base);
    expect(splitFingerprint('leave-one-out', 'validation', cases, itemId)).not.toBe(base);
    // The same items under other row numbers: the same split.
    expect(splitFingerprint('leave-one-out', 'test', [testCase(0, [30]), testCase(1, [70, 50])], (row) => `p${row / 10}`)).toBe(base);
  });
});
