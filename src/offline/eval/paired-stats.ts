/**
 * The statistics of `npm run eval:compare`: mean and sample standard deviation over seeds, and two
 * paired tests on per-user differences between two methods: Student's t (exact, with n − 1
 * degrees of freedom, through the regularized incomplete beta function, so it also holds for a
 * handful of users) and a percentile bootstrap confidence interval of the mean difference,
 * resampling users with a seeded generator so a report can be reproduced to the digit.
 */
import { RecError } from '../../core/errors.ts';
import { seededRandom } from '../../core/random.ts';

/** @returns the arithmetic mean (NaN for no values). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0;
  return sum / values.length;
}

/** @returns the sample standard deviation (divisor n − 1), or null for fewer than two values. */
export function sampleStd(values: ArrayLike<number>): number | null {
  if (values.length < 2) return null;
  const centre = mean(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += ((values[i] ?? 0) - centre) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

export interface TTest {
  readonly n: number;
  readonly meanDifference: number;
  /** mean / (sd / √n); ±Infinity when every difference is the same non-zero value, NaN when all are 0. */
  readonly t: number;
  readonly df: number;
  /** Two-sided: 1 when all differences are 0, 0 when they are all the same non-zero value. */
  readonly p: number;
}

/**
 * @param differences per-user differences (method A − method B), at least two.
 * @returns the paired t statistic and its two-sided p-value under Student's t with n − 1 degrees of freedom.
 */
export function pairedTTest(differences: ArrayLike<number>): TTest {
  const n = differences.length;
  const sd = sampleStd(differences);
  if (sd === null) throw new RecError('INTERNAL', `a paired t-test needs at least two differences, found ${n}`);
  const meanDifference = mean(differences);
  const t = meanDifference / (sd / Math.sqrt(n));
  const df = n - 1;
  const p = Number.isNaN(t) ? 1 : studentTwoSidedP(t, df);
  return { n, meanDifference, t, df, p };
}

/**
 * @param t the statistic.
 * @param df degrees of freedom (> 0).
 * @returns P(|T| ≥ |t|) for Student's t with df degrees of freedom.
 */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * A percentile bootstrap interval of the mean: `resamples` means of n values drawn with
 * replacement, and their (1 − level)/2 and (1 + level)/2 quantiles (linear interpolation).
 * @param differences per-user differences.
 * @param options resamples, the generator's seed, the coverage (e.g. 0.95).
 * @returns [low, high].
 */
export function bootstrapMeanCi(
  differences: ArrayLike<number>,
  options: { readonly resamples: number; readonly seed: number; readonly level: number },
): readonly [number, number] {
  const n = differences.length;
  if (n === 0) throw new RecError('INTERNAL', 'a bootstrap interval needs at least one difference');
  const random = seededRandom(options.seed);
  const means = new Float64Array(options.resamples);
  for (let b = 0; b < options.resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(random() * n)] ?? 0;
    means[b] = sum / n;
  }
  means.sort();
  const quantile = (q: number): number => {
    const at = q * (means.length - 1);
    const low = Math.floor(at);
    const lowValue = means[low] ?? 0;
    return lowValue + (at - low) * ((means[Math.min(low + 1, means.length - 1)] ?? lowValue) - lowValue);
  };
  return [quantile((1 - options.level) / 2), quantile((1 + options.level) / 2)];
}

/** I_x(a, b), by its continued fraction (modified Lentz), on the side where that converges fast. */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (value: number): number => (Math.abs(value) < tiny ? tiny : value);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    h *= d * c;
    if (Math.abs(d * c - 1) < 1e-15) return h;
  }
  throw new RecError('INTERNAL', `the incomplete beta function did not converge (x ${x}, a ${a}, b ${b})`);
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, nine terms: about 15 significant digits). */
function logGamma(z: number): number {
  const coefficients = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012,
    9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const shifted = z - 1;
  let sum = coefficients[0] ?? 0;
  for (let i = 1; i < coefficients.length; i++) sum += (coefficients[i] ?? 0) / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}
