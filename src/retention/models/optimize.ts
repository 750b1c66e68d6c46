// A small, general minimizer for smooth functions of a few variables (the negative
// log-likelihoods of the customer-base models, in log-parameter space). No optimizer on npm
// is maintained, so this is BFGS with a backtracking line search (the workhorse: a handful of
// parameters, a smooth surface, an analytic or finite-difference gradient), Nelder–Mead as
// the fallback when BFGS cannot make progress (a gradient that lies, a surface with kinks),
// and several starting points of which the best result is kept. Plus the finite-difference
// Hessian the standard errors need.

/** f(x); +∞ (or NaN) marks a point outside the domain: the line search backs off from it. */
export type Objective = (x: readonly number[]) => number;

/** Returns f(x) and writes ∂f/∂x_i into `gradient` (same length as x). */
export type ValueAndGradient = (x: readonly number[], gradient: number[]) => number;

export interface MinimizeOptions {
  /** Where to start; each is tried and the lowest result kept. */
  starts: readonly (readonly number[])[];
  /** The analytic gradient; without it, central finite differences of f. */
  valueAndGradient?: ValueAndGradient;
  /** BFGS iterations per start (default 500). */
  maxIterations?: number;
  /** Converged when max |∂f/∂x_i| ≤ tol·(1 + |f|) (default 1e-9). */
  gradientTolerance?: number;
  /** The largest move of one coordinate in one step (default 2: a factor e² in log space). */
  maxStep?: number;
  /**
   * A cheap stand-in for f with the same minimum to within noise (the objective on a
   * subsample of the data). When given, the starts are run on it and only the best point is
   * polished on f, from the inverse Hessian learnt there: a few full evaluations instead of
   * three runs' worth.
   */
  screening?: ValueAndGradient;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  converged: boolean;
  /** Iterations of the run that gave the result (BFGS, plus Nelder–Mead's when it ran). */
  iterations: number;
  /** Function evaluations over all runs. */
  evaluations: number;
  method: 'bfgs' | 'nelder-mead+bfgs';
}

/** Central differences; a one-sided one where a side is outside the domain. */
export function finiteDifferenceGradient(f: Objective): ValueAndGradient {
  return (x, gradient) => {
    const fx = f(x);
    const p = x.slice();
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      const h = 6e-6 * Math.max(Math.abs(xi), 1); // ≈ ε^(1/3): balances truncation and rounding
      p[i] = xi + h;
      const fp = f(p);
      p[i] = xi - h;
      const fm = f(p);
      p[i] = xi;
      if (Number.isFinite(fp) && Number.isFinite(fm)) gradient[i] = (fp - fm) / (2 * h);
      else if (Number.isFinite(fp)) gradient[i] = (fp - fx) / h;
      else if (Number.isFinite(fm)) gradient[i] = (fx - fm) / h;
      else gradient[i] = Number.NaN;
    }
    return fx;
  };
}

interface Run {
  x: number[];
  value: number;
  converged: boolean;
  iterations: number;
  /** BFGS's final approximation of the inverse Hessian (row-major). */
  inverseHessian?: number[];
}

type BfgsOptions = Pick<MinimizeOptions, 'maxIterations' | 'gradientTolerance' | 'maxStep'> & { inverseHessian?: readonly number[] };

const finite = (v: number) => Number.isFinite(v);
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, ai, i) => s + ai * b[i]!, 0);
const maxAbs = (a: readonly number[]) => a.reduce((m, ai) => Math.max(m, Math.abs(ai)), 0);
const identity = (n: number) => Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));

const FLAT_ITERATIONS = 10;
const FLAT_TOLERANCE = 1e-9;
const RIDGE_TOLERANCE = 1e-7;

/** BFGS on the inverse Hessian, from one start. */
export function bfgs(fg: ValueAndGradient, x0: readonly number[], options: BfgsOptions = {}): Run {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-9;
  const maxStep = options.maxStep ?? 2;
  let x = x0.slice();
  let g = new Array<number>(n).fill(0);
  let f = fg(x, g);
  if (!finite(f) || !g.every(finite)) return { x, value: Number.POSITIVE_INFINITY, converged: false, iterations: 0 };
  let H = options.inverseHessian ? options.inverseHessian.slice() : identity(n);
  let fresh = !options.inverseHessian; // H is the identity: a failed line search cannot be blamed on it
  let stalls = 0;
  const recent: number[] = [];
  const d = new Array<number>(n);
  const xn = new Array<number>(n);
  let gn = new Array<number>(n).fill(0);
  for (let k = 0; k < maxIterations; k++) {
    if (maxAbs(g) <= gtol * (1 + Math.abs(f))) return { x, value: f, converged: true, iterations: k, inverseHessian: H };
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s -= H[i * n + j]! * g[j]!;
      d[i] = s;
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (H lost positive definiteness to rounding): steepest descent.
      H = identity(n);
      fresh = true;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = -dot(g, g);
    }
    // Backtracking from the full step (or the largest allowed one) to Armijo's sufficient
    // decrease: halving-or-better by quadratic interpolation, a fifth on leaving the domain.
    let step = Math.min(1, maxStep / maxAbs(d));
    let fn = Number.NaN;
    let accepted = false;
    // Wolfe's curvature condition: where f still falls as steeply at the accepted point
    // (gn·d < 0.9·slope), the step was too short (the identity's scale, or the step cap):
    // double it while that keeps decreasing f.
    const extend = (accepted: number): void => {
      let best = accepted;
      while (dot(gn, d) < 0.9 * slope && 2 * best * maxAbs(d) <= maxStep) {
        const longer = 2 * best;
        const xl = x.map((xi, i) => xi + longer * d[i]!);
        const gl = new Array<number>(n).fill(0);
        const fl = fg(xl, gl);
        if (!(finite(fl) && gl.every(finite) && fl < fn && fl <= f + 1e-4 * longer * slope)) break;
        best = longer;
        fn = fl;
        for (let i = 0; i < n; i++) {
          xn[i] = xl[i]!;
          gn[i] = gl[i]!;
        }
      }
    };
    for (let trial = 0; trial < 60; trial++) {
      for (let i = 0; i < n; i++) xn[i] = x[i]! + step * d[i]!;
      fn = fg(xn, gn);
      if (finite(fn) && gn.every(finite) && fn <= f + 1e-4 * step * slope) {
        accepted = true;
        if (trial === 0) extend(step);
        break;
      }
      if (!finite(fn)) step *= 0.2;
      else {
        const q = (-slope * step * step) / (2 * (fn - f - slope * step));
        step = Math.min(0.5 * step, Math.max(0.1 * step, finite(q) ? q : 0.5 * step));
      }
      // A decrease this small would be lost in f's rounding: further halving is wasted work.
      if (-slope * step <= 1e-14 * (1 + Math.abs(f))) break;
    }
    if (!accepted) {
      // No decrease along a descent direction: at the floor of f's rounding (a sum over 10^5
      // rows is exact to ~10^−16·|f|·√n, and the gradient cannot be driven below what that
      // allows) when the gradient is nearly small enough, else H misleads: retry from steepest descent.
      const floor = maxAbs(g) <= 1e3 * gtol * (1 + Math.abs(f));
      // Stuck on a ridge that the last iterations climbed by a negligible amount (a model whose
      // parameters run off to infinity together): as good as the data can tell apart.
      const ridge = recent.length >= FLAT_ITERATIONS / 2 && recent[0]! - f <= RIDGE_TOLERANCE * (1 + Math.abs(f));
      if (fresh || floor || ridge) return { x, value: f, converged: floor || ridge, iterations: k, inverseHessian: H };
      H = identity(n);
      fresh = true;
      continue;
    }
    const s = xn.map((v, i) => v - x[i]!);
    const y = gn.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    // Update only with positive curvature (the Wolfe condition's purpose): keeps H positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (fresh) {
        // Scale the identity to the curvature just seen (Nocedal & Wright 6.20).
        const scale = sy / dot(y, y);
        for (let i = 0; i < n * n; i++) H[i] = H[i]! * scale;
        fresh = false;
      }
      const rho = 1 / sy;
      const Hy = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        let t = 0;
        for (let j = 0; j < n; j++) t += H[i * n + j]! * y[j]!;
        Hy[i] = t;
      }
      const yHy = dot(y, Hy);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) H[i * n + j] = H[i * n + j]! + rho * ((1 + rho * yHy) * s[i]! * s[j]! - Hy[i]! * s[j]! - s[i]! * Hy[j]!);
    }
    const decrease = f - fn;
    x = xn.slice();
    [g, gn] = [gn, g];
    f = fn;
    // At the floor of double precision the gradient cannot shrink further: stop after
    // three steps that change f by nothing measurable.
    stalls = decrease <= 1e-15 * (1 + Math.abs(f)) ? stalls + 1 : 0;
    if (stalls >= 3) return { x, value: f, converged: maxAbs(g) <= 1e3 * gtol * (1 + Math.abs(f)), iterations: k + 1, inverseHessian: H };
    // A likelihood that keeps creeping up a ridge toward a boundary (BG/NBD's a and b running
    // to infinity together when every customer drops out with the same probability) improves
    // by ever less: after FLAT_ITERATIONS steps that together changed f by less than FLAT_TOLERANCE
    // relative (a log-likelihood change of 0.003 for a million customers), the point is as
    // good as the data can tell apart from the limit.
    recent.push(f);
    if (recent.length > FLAT_ITERATIONS) {
      const before = recent.shift()!;
      if (before - f <= FLAT_TOLERANCE * (1 + Math.abs(f))) return { x, value: f, converged: true, iterations: k + 1, inverseHessian: H };
    }
  }
  return { x, value: f, converged: maxAbs(g) <= gtol * (1 + Math.abs(f)), iterations: maxIterations, inverseHessian: H };
}

/** Nelder–Mead with the dimension-adapted coefficients of Gao & Han (2012). */
export function nelderMead(f: Objective, x0: readonly number[], options: { maxEvaluations?: number; step?: number } = {}): Run & { evaluations: number } {
  const n = x0.length;
  const maxEvaluations = options.maxEvaluations ?? 2000 * n;
  const [alpha, gamma, rho, sigma] = [1, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n];
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const simplex = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = p[i]! + (options.step ?? 0.25);
    simplex.push(p);
  }
  let values = simplex.map(value);
  let evaluations = n + 1;
  let iterations = 0;
  const at = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * (b[i]! - ai));
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const pts = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    simplex.splice(0, simplex.length, ...pts);
    const best = values[0]!;
    const worst = values[n]!;
    const size = Math.max(...simplex.slice(1).map((p) => maxAbs(p.map((v, i) => v - simplex[0]![i]!))));
    if (finite(worst) && worst - best <= 1e-12 * (1 + Math.abs(best)) && size <= 1e-9) break;
    iterations++;
    const centroid = simplex.slice(0, n).reduce((c, p) => c.map((ci, i) => ci + p[i]! / n), new Array<number>(n).fill(0));
    const worstPoint = simplex[n]!;
    const reflected = at(centroid, worstPoint, -alpha);
    const fr = value(reflected);
    evaluations++;
    if (fr < best) {
      const expanded = at(centroid, worstPoint, -alpha * gamma);
      const fe = value(expanded);
      evaluations++;
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
      continue;
    }
    const outside = fr < worst;
    const contracted = outside ? at(centroid, worstPoint, -alpha * rho) : at(centroid, worstPoint, rho);
    const fc = value(contracted);
    evaluations++;
    if (fc < (outside ? fr : worst)) {
      [simplex[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let i = 1; i <= n; i++) {
      simplex[i] = at(simplex[0]!, simplex[i]!, sigma);
      values[i] = value(simplex[i]!);
    }
    evaluations += n;
  }
  const i = values.indexOf(Math.min(...values));
  return { x: simplex[i]!, value: values[i]!, converged: evaluations < maxEvaluations, iterations, evaluations };
}

/**
 * Minimizes f from every start with BFGS and keeps the lowest. When that did not converge
 * (or ended outside the domain), Nelder–Mead from the best point, then BFGS again to
 * polish (Nelder–Mead alone stops far from the precision of a gradient method).
 */
export function minimize(f: Objective, options: MinimizeOptions): MinimizeResult {
  if (options.starts.length === 0) throw new RangeError('minimize needs at least one start');
  let evaluations = 0;
  const counted: Objective = (x) => {
    evaluations++;
    return f(x);
  };
  const analytic = options.valueAndGradient;
  const fg: ValueAndGradient = analytic
    ? (x, g) => {
        evaluations++;
        return analytic(x, g);
      }
    : finiteDifferenceGradient(counted);
  let best: Run | undefined;
  for (const start of options.starts) {
    const run = bfgs(options.screening ?? fg, start, options);
    if (!best || (finite(run.value) && !(run.value >= best.value))) best = run;
  }
  if (options.screening) {
    const polished = bfgs(fg, finite(best!.value) ? best!.x : options.starts[0]!, { ...options, inverseHessian: best!.inverseHessian });
    best = { ...polished, iterations: best!.iterations + polished.iterations };
  }
  let result: Run = best!;
  let method: MinimizeResult['method'] = 'bfgs';
  // With an analytic gradient, a BFGS run that ended at a finite point without converging is on
  // a ridge or at the floor of rounding: Nelder–Mead's thousands of evaluations would not change
  // the fit's figures (measured: 128 s and 200 s on the demo's data for a log-likelihood
  // difference below 1e-4), so it runs only where the gradient is not known or nothing finite was found.
  if (!result.converged && (!analytic || !finite(result.value))) {
    const from = finite(result.value) ? result.x : options.starts[0]!;
    // With a subsample at hand, Nelder–Mead's thousands of evaluations run on it, not on the
    // full data (8,000 evaluations of 400,000 rows took 340 s), and the polish is bounded.
    const screening = options.screening;
    const nm = screening ? nelderMead((x) => screening(x, new Array<number>(x.length).fill(0)), from, { maxEvaluations: 300 * from.length }) : nelderMead(counted, from);
    const polished = bfgs(fg, nm.x, screening ? { ...options, maxIterations: 50 } : options);
    const nmValue = screening ? counted(nm.x) : nm.value;
    const candidate = polished.value <= nmValue ? polished : { ...nm, value: nmValue };
    if (finite(candidate.value) && !(candidate.value > result.value)) {
      result = { ...candidate, iterations: nm.iterations + polished.iterations };
      method = 'nelder-mead+bfgs';
    }
  }
  return { ...result, evaluations, method };
}

/**
 * The Hessian of f at x by finite differences: of the gradient when one is given (central,
 * step ≈ ε^(1/3) relative), else second differences of f (step ≈ ε^(1/4) relative). Steps
 * are relative to |x_i|, so x must be in the parameters' natural scale.
 */
export function hessian(f: Objective, x: readonly number[], valueAndGradient?: ValueAndGradient): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const step = (xi: number, rel: number) => rel * Math.max(Math.abs(xi), 1e-8);
  const p = x.slice();
  if (valueAndGradient) {
    const gp = new Array<number>(n);
    const gm = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const h = step(x[i]!, 6e-6);
      p[i] = x[i]! + h;
      valueAndGradient(p, gp);
      p[i] = x[i]! - h;
      valueAndGradient(p, gm);
      p[i] = x[i]!;
      for (let j = 0; j < n; j++) H[i]![j] = (gp[j]! - gm[j]!) / (2 * h);
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) H[i]![j] = H[j]![i] = (H[i]![j]! + H[j]![i]!) / 2;
    return H;
  }
  const f0 = f(x);
  const at = (i: number, hi: number, j: number, hj: number) => {
    p[i] = p[i]! + hi;
    p[j] = p[j]! + hj;
    const v = f(p);
    p[i] = x[i]!;
    p[j] = x[j]!;
    return v;
  };
  for (let i = 0; i < n; i++) {
    const hi = step(x[i]!, 1.2e-4);
    H[i]![i] = (at(i, hi, i, 0) - 2 * f0 + at(i, -hi, i, 0)) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = step(x[j]!, 1.2e-4);
      const v = (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      H[i]![j] = H[j]![i] = v;
    }
  }
  return H;
}

/** The diagonal of A⁻¹ for a symmetric positive definite A (Cholesky); undefined when A is not. */
export function inverseDiagonal(A: readonly (readonly number[])[]): number[] | undefined {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  // (A⁻¹)_ii = ‖L⁻¹ e_i‖²: solve L y = e_i column by column.
  const out = new Array<number>(n).fill(0);
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = c; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= L[i]![k]! * y[k]!;
      y[i] = s / L[i]![i]!;
      out[c] = out[c]! + y[i]! * y[i]!;
    }
  }
  return out;
}

/**
 * Asymptotic standard errors at a maximum of the likelihood: √diag(H⁻¹) of the negative
 * log-likelihood's Hessian in the parameters as given (the original ones, not their logs,
 * so the errors are for r, α, a, b themselves). NaN where H is not positive definite: the
 * fit is on a boundary or the data do not identify a parameter.
 */
export function standardErrors(negLogLik: Objective, params: readonly number[], valueAndGradient?: ValueAndGradient): number[] {
  const diag = inverseDiagonal(hessian(negLogLik, params, valueAndGradient));
  return diag ? diag.map((v) => (v > 0 ? Math.sqrt(v) : Number.NaN)) : params.map(() => Number.NaN);
}
