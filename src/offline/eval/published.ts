/**
 * Published full-ranking leave-one-out results on exactly the Beauty file we evaluate on, copied
 * from `../shared/data/amazon-beauty/BASELINES.md`, which transcribes S3-Rec's README image
 * `all_rank.PNG` (aHuiWang/CIKM2020-S3Rec@49a890d) and ICLRec's README (salesforce/ICLRec@2890e6c).
 * PopRec there counts popularity over the whole file, test items included: the harness's
 * `popularity-published` method must reproduce it to 4 decimals (the sanity check).
 */

export interface PublishedRow {
  readonly model: string;
  readonly hr: Readonly<Record<'5' | '10' | '20', number>>;
  readonly ndcg: Readonly<Record<'5' | '10' | '20', number>>;
}

export interface PublishedResults {
  /** Where the numbers come from. */
  readonly source: string;
  readonly rows: readonly PublishedRow[];
  /** The row our whole-file popularity must reproduce. */
  readonly sanityRow: string;
}

const row = (model: string, [hr5, ndcg5, hr10, ndcg10, hr20, ndcg20]: readonly number[]): PublishedRow => ({
  model,
  hr: { '5': hr5 ?? 0, '10': hr10 ?? 0, '20': hr20 ?? 0 },
  ndcg: { '5': ndcg5 ?? 0, '10': ndcg10 ?? 0, '20': ndcg20 ?? 0 },
});

/** By the builder preset of the data set. */
export const PUBLISHED: Readonly<Record<string, PublishedResults>> = {
  'amazon-beauty': {
    source:
      '../shared/data/amazon-beauty/BASELINES.md: S3-Rec README all_rank.PNG (aHuiWang/CIKM2020-S3Rec@49a890d) and ICLRec README (salesforce/ICLRec@2890e6c); full ranking, leave-one-out, 22,363 users, 12,101 items',
    sanityRow: 'PopRec',
    rows: [
      // HR@5, NDCG@5, HR@10, NDCG@10, HR@20, NDCG@20, as in the source table.
      row('PopRec', [0.008, 0.0044, 0.0152, 0.0068, 0.0217, 0.0084]),
      row('GRU4Rec', [0.0164, 0.0099, 0.0283, 0.0137, 0.0479, 0.0187]),
      row('SASRec', [0.0387, 0.0249, 0.0605, 0.0318, 0.0902, 0.0394]),
      row('BERT4Rec', [0.0203, 0.0124, 0.0347, 0.017, 0.0599, 0.0233]),
      row('S3-Rec', [0.0387, 0.0244, 0.0647, 0.0327, 0.0994, 0.0414]),
      row('ICLRec', [0.05, 0.0326, 0.0744, 0.0403, 0.1058, 0.0483]),
    ],
  },
};
