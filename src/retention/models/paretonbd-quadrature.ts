// ∫_y1^y2 (α+y)^−(r+x) (β+y)^−(s+1) dy of the Pareto/NBD likelihood, by adaptive Gauss–Kronrod
// quadrature, where its hypergeometric series would converge slowly (paretonbd-integral.ts).
// In v = ln(m + y), m = min(α, β), the integrand is e^ψ(v) with
//   α ≥ β:  ψ = −(r+x) ln(α−β + e^v) − s v
//   α < β:  ψ = −(r+x−1) v − (s+1) ln(β−α + e^v)
// smooth and concave (the near-singular (m+y)^−c of the y-axis becomes an exponential). The
// partial derivatives of the integral are integrated alongside (∂ ln f/∂θ times f), so the
// gradient is exact too.
//
// Nodes are offsets d = v − v1 from the lower end, and ψ is taken relative to its value there:
// ψ(v1+d) − ψ(v1) = −c1·d − c2·ln(1 + w1(e^d − 1)/(D + w1)), w1 = e^v1, D = |α − β|. ψ itself
// reaches −10^4 for x in the thousands; e^(ψ(v) − ψ0) formed by subtraction would carry a
// relative error of |ψ|·ε ≈ 10^−12, more than the tolerance, and the refinement would chase
// rounding noise.

// Gauss–Kronrod 7–15 nodes and weights (QUADPACK qk15).
const XGK = [0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911, 0.4058451513773972, 0.20778495500789848, 0];
const WGK = [0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679, 0.19035057806478542, 0.20443294007529889, 0.20948214108472782];
// Gauss 7-point weights, for the Kronrod nodes 1, 3, 5 and the centre.
const WG = [0, 0.1294849661688697, 0, 0.27970539148927664, 0, 0.3818300505051189, 0, 0.4179591836734694];

const MAX_INTERVALS = 200;
const RELATIVE_TOLERANCE = 1e-13;

// The integrand's parameters, set by integrate (module state: the inner loop allocates nothing).
let alphaBig = true;
let D = 0;
let rx = 0;
let sv = 0;
let c1 = 0;
let c2 = 0;
let v1 = 0;
let w1 = 0;
let l1 = 0; // ln(D + w1)
let shift = 0; // max of ψ − ψ(v1) on the interval: the integrand is scaled to a maximum of 1
let partialsWanted = false;
let lastL = 0; // ln(D + e^v) − l1 at the last `rise`

/** ψ(v1 + d) − ψ(v1); leaves ln(D + e^(v1+d)) − ln(D + w1) in lastL. */
function rise(d: number): number {
  lastL = Math.log1p((w1 * Math.expm1(d)) / (D + w1));
  return -c1 * d - c2 * lastL;
}

const at = new Float64Array(5);

/** The scaled integrand and its four partial-derivative integrands at offset d, into `at`. */
function integrand(d: number): void {
  const f = Math.exp(rise(d) - shift);
  at[0] = f;
  if (!partialsWanted) return;
  const v = v1 + d;
  const w = Math.exp(v); // m + y
  const l = l1 + lastL; // ln(D + m + y)
  if (alphaBig) {
    // v = ln(β+y), l = ln(α+y)
    at[1] = -f * l;
    at[2] = (-f * rx) / (D + w);
    at[3] = -f * v;
    at[4] = (-f * (sv + 1)) / w;
  } else {
    // v = ln(α+y), l = ln(β+y)
    at[1] = -f * v;
    at[2] = (-f * rx) / w;
    at[3] = -f * l;
    at[4] = (-f * (sv + 1)) / (D + w);
  }
}

// The intervals: ends, integrals of the five integrands, error estimate of the first.
const lo = new Float64Array(MAX_INTERVALS);
const hi = new Float64Array(MAX_INTERVALS);
const val = new Float64Array(5 * MAX_INTERVALS);
const err = new Float64Array(MAX_INTERVALS);
const kron = new Float64Array(5);
const sums = new Float64Array(5);

function gk15(k: number, a: number, b: number): void {
  const c = (a + b) / 2;
  const half = (b - a) / 2;
  kron.fill(0);
  let gauss = 0;
  // Nodes c ± half·XGK[j] (the last, XGK[7] = 0, is the centre: evaluated once).
  for (let node = 0; node < 15; node++) {
    const j = node >> 1;
    integrand(c + (node & 1 ? -half : half) * XGK[j]!);
    for (let q = 0; q < 5; q++) kron[q] = kron[q]! + WGK[j]! * at[q]!;
    gauss += WG[j]! * at[0]!;
  }
  lo[k] = a;
  hi[k] = b;
  for (let q = 0; q < 5; q++) val[5 * k + q] = kron[q]! * half;
  err[k] = Math.abs((kron[0]! - gauss) * half);
}

export interface Integral {
  /** ln of the integral. */
  log: number;
  /** Its partial derivatives in r, α, s, β. */
  dr: number;
  dalpha: number;
  ds: number;
  dbeta: number;
}

/** ln ∫_y1^y2 and its partials into `out`; −∞ (and zero partials) when y1 ≥ y2. */
export function integrate(r: number, alpha: number, s: number, beta: number, x: number, y1: number, y2: number, out: Integral, partials: boolean): void {
  out.dr = out.dalpha = out.ds = out.dbeta = 0;
  if (!(y2 > y1)) {
    out.log = Number.NEGATIVE_INFINITY;
    return;
  }
  alphaBig = alpha >= beta;
  D = Math.abs(alpha - beta);
  rx = r + x;
  sv = s;
  partialsWanted = partials;
  w1 = Math.min(alpha, beta) + y1;
  v1 = Math.log(w1);
  l1 = Math.log(D + w1);
  c1 = alphaBig ? s : rx - 1;
  c2 = alphaBig ? rx : s + 1;
  const psi1 = -c1 * v1 - c2 * l1;
  const width = Math.log1p((y2 - y1) / w1);
  // ψ is concave: its maximum is at an end or where ψ' = 0 (only possible when α < β, r+x < 1).
  shift = Math.max(0, rise(width));
  if (!alphaBig && rx < 1) {
    const p = (1 - rx) / (s + 1);
    const dStar = Math.log((p * D) / (1 - p)) - v1;
    if (dStar > 0 && dStar < width) shift = Math.max(shift, rise(dStar));
  }
  // Bisect the interval with the largest error until the total is within tolerance.
  gk15(0, 0, width);
  let count = 1;
  for (;;) {
    let total = 0;
    let totalErr = 0;
    let worst = 0;
    for (let k = 0; k < count; k++) {
      total += val[5 * k]!;
      totalErr += err[k]!;
      if (err[k]! > err[worst]!) worst = k;
    }
    if (totalErr <= RELATIVE_TOLERANCE * total || count >= MAX_INTERVALS) break;
    const a = lo[worst]!;
    const b = hi[worst]!;
    gk15(worst, a, (a + b) / 2);
    gk15(count++, (a + b) / 2, b);
  }
  sums.fill(0);
  for (let k = 0; k < count; k++) for (let q = 0; q < 5; q++) sums[q] = sums[q]! + val[5 * k + q]!;
  const I = sums[0]!;
  out.log = psi1 + shift + Math.log(I);
  if (!partials) return;
  out.dr = sums[1]! / I;
  out.dalpha = sums[2]! / I;
  out.ds = sums[3]! / I;
  out.dbeta = sums[4]! / I;
}
