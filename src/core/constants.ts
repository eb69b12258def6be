/** Constants shared by the builder and the browser. */

/** The model format written by src/offline/builder and read by the browser; bump on any breaking change. */
export const MODEL_FORMAT = 'vitrine-model';
export const MODEL_FORMAT_VERSION = 1;

/** Tolerance for "this row is L2-normalised" when validating decoded vectors. */
export const UNIT_NORM_TOLERANCE = 1e-2;

/** How many products the grid shows. */
export const DEFAULT_GRID_SIZE = 24;

/** The most products one grid may ask for (a storefront's or widget's `limit`). */
export const MAX_GRID_SIZE = 200;

/** Half-life of past interest: an interaction this long ago counts half as much as one now. */
export const DEFAULT_HALF_LIFE_MS = 30 * 60 * 1000;

/** Weight of the popularity prior (in [0,1]) added to the cosine score. */
export const DEFAULT_PRIOR_WEIGHT = 0.08;

/** How many recent positive interactions are kept to explain recommendations. */
export const RECENT_INTERACTIONS_KEPT = 8;

/**
 * How many of the shopper's latest positive item interactions the state keeps for a sequence
 * model to read ("the shopper's last ≤ 50 interactions"); a model reads at most its own
 * maxLength of them.
 */
export const SEQUENCE_ITEMS_KEPT = 50;

/** A recommended card is explained by a recent item only when their cosine is at least this. */
export const REASON_MIN_SIMILARITY = 0.35;

/**
 * Raw events older than this are compacted into the interest state's baseline at start-up: their
 * effect is kept, the events themselves (what, when) are removed: kept no longer than the shop needs them (privacy).
 */
export const DEFAULT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Maximal-marginal-relevance trade-off of the grid (1: relevance only). Chosen from the measured
 * curve in docs/list-quality.md (linked from docs/results.md); a shop overrides it in its rules.
 */
export const DEFAULT_DIVERSITY_LAMBDA = 0.85;

/** How many of the best-scored items the diversity re-ranking chooses the grid from. */
export const DEFAULT_DIVERSITY_CANDIDATES = 200;

/**
 * Items without a variant group whose vectors' cosine is at least this are treated as variants of
 * each other. On the demo catalogue's USE vectors, pairs above 0.97 are the same product under
 * another brand or size ("… Pasta Sauce 500 g" / "… 1 l"); below it they are merely alike.
 */
export const DEFAULT_VARIANT_SIMILARITY = 0.97;

/** Share of the grid given to exploration at the start of a session (3 of 24 cards). */
export const DEFAULT_EXPLORATION_SHARE = 0.125;

/** Interactions after which the exploration share has halved. */
export const DEFAULT_EXPLORATION_HALF_LIFE = 12;
