/** Constants shared by the builder and the browser. */

/** The model format written by src/build and read by the browser; bump on any breaking change. */
export const MODEL_FORMAT = 'vitrine-model';
export const MODEL_FORMAT_VERSION = 1;

/** Tolerance for "this row is L2-normalised" when validating decoded vectors. */
export const UNIT_NORM_TOLERANCE = 1e-2;

/** How many products the grid shows. */
export const DEFAULT_GRID_SIZE = 24;

/** Half-life of past interest: an interaction this long ago counts half as much as one now. */
export const DEFAULT_HALF_LIFE_MS = 30 * 60 * 1000;

/** Weight of the popularity prior (in [0,1]) added to the cosine score. */
export const DEFAULT_PRIOR_WEIGHT = 0.08;

/** How many recent positive interactions are kept to explain recommendations. */
export const RECENT_INTERACTIONS_KEPT = 8;

/** A recommended card is explained by a recent item only when their cosine is at least this. */
export const REASON_MIN_SIMILARITY = 0.35;

/**
 * Raw events older than this are compacted into the interest state's baseline at start-up: their
 * effect is kept, the events themselves (what, when) are removed. Issue 7, "Retention".
 */
export const DEFAULT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
