/**
 * Numbers as a shop's files write them: plain decimals ("12", "-3.5", ".5", "1e3"). JavaScript's
 * Number() also reads "0x10", "0b101", "0o7" and "Infinity", which no price or position column
 * means; reading them as 16, 5, 7 would put a wrong value in the model without a word.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * @param text a cell or a field's text.
 * @returns its value, or null when it is not a plain finite decimal number (surrounding spaces allowed).
 */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}
