/**
 * A whole model as the browser holds it when it is paged (core/vector-pages.ts): every item as
 * product-quantisation codes trained as the builder trains a paged model's (lib/write-pages.ts, the
 * default layout), the semantic floor taken over those codes as the builder takes it, and no vector page. A search on a paged model reads cosines from the codes and no
 * page (core/paged-semantic-scan.ts); this lets `npm run eval:search --paged` measure what that costs
 * on the real catalogues, which are small enough to be downloaded whole and are not paged by default.
 * A page read here fails the run, naming the page.
 */
import { RecError } from '../../../core/errors.ts';
import { asMatrix } from '../../../core/item-matrix.ts';
import type { LoadedModel } from '../../../core/model.ts';
import { createPagedMatrix } from '../../../core/paged-matrix.ts';
import { decodeWithQuantiser, encodeWithQuantiser } from '../../../core/product-quantiser.ts';
import { pageCount, pagedItems } from '../../../core/vector-pages.ts';
import { floorOver, type FloorQueries } from '../../lib/semantic-floor.ts';
import { trainProductQuantiser } from '../../lib/train-pq.ts';
import { defaultPagedLayout } from '../../lib/write-pages.ts';

/**
 * @param model a model read whole (its vectors decoded as stored, as the builder trains on them).
 * @param floor the semantic floor's calibration strings, embedded: the floor is taken over the
 *   codes, as the builder takes a paged model's (lib/write-model.ts).
 * @returns the same model with a paged matrix whose pages cannot be read, its codes and its floor.
 */
export function asPagedModel(model: LoadedModel, floor: FloorQueries): LoadedModel {
  const { itemCount, dim, dtype } = model.manifest;
  // No hot rows: a search reads none, and no row should be readable without its page.
  const layout = { ...defaultPagedLayout(itemCount, dim), hotRows: 0 };
  const quantiser = trainProductQuantiser(model.vectors, itemCount, dim, { subspaces: layout.subspaces });
  // Entries that name each page and nothing more: a read of any of them fails (refuse, below).
  const pages = Array.from({ length: pageCount(itemCount, layout.rowsPerPage) }, (_, page) => ({ path: `vectors/page-${page}.bin`, bytes: 0, sha256: '' }));
  const codes = encodeWithQuantiser(quantiser, model.vectors, itemCount);
  const search = floorOver(floor, [decodeWithQuantiser(quantiser, codes, itemCount)], dim);
  const paged = pagedItems({
    layout,
    quantiser,
    codes,
    pages,
    hot: { indexOf: new Map(), matrix: asMatrix(new Float32Array(0), dim) },
  });
  const refuse = (file: { readonly path: string }): Promise<Uint8Array> =>
    Promise.reject(new RecError('INTERNAL', `the search read ${file.path}: a paged model's search reads only the codes`));
  return { ...model, manifest: { ...model.manifest, search }, matrix: createPagedMatrix(paged, { itemCount, dim, dtype }, refuse, 'a paged view'), paged };
}
