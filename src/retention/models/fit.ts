// What every model's fit shares: all parameters are positive, so the optimizer works on their
// logarithms (no constraints to handle, and steps are relative: α = 4 and a = 0.8 move on one
// scale); the standard errors come from the Hessian in the parameters themselves.
import { minimize, standardErrors, type ValueAndGradient } from './optimize.ts';

export interface FitResult<K extends string> {
  params: Record<K, number>;
  /** The maximized log-likelihood (with weights: the sum over the customers the rows stand for). */
  loglik: number;
  /** Asymptotic standard errors of the parameters; NaN where the Hessian is not positive definite. */
  se: Record<K, number>;
  converged: boolean;
  iterations: number;
  /** Evaluations of the likelihood on all rows (a large fit also ran its starts on a subsample). */
  evaluations: number;
}

export interface FitOptions<K extends string> {
  /** Starting points (parameter values, not logs); each is tried and the best fit kept. */
  starts?: readonly Record<K, number>[];
}

/** Beyond e^±30 a parameter means the data pushed the model to a degenerate corner. */
const LOG_BOUND = 30;

/** In u = ln θ: ∂f/∂u_i = θ_i ∂f/∂θ_i; +∞ beyond the bounds. */
function inLogSpace(n: number, negLogLik: ValueAndGradient): ValueAndGradient {
  const theta = new Array<number>(n);
  const inner = new Array<number>(n).fill(0);
  return (u, gradient) => {
    for (let i = 0; i < n; i++) {
      if (!(Math.abs(u[i]!) <= LOG_BOUND)) return Number.POSITIVE_INFINITY;
      theta[i] = Math.exp(u[i]!);
    }
    const v = negLogLik(theta, inner);
    for (let i = 0; i < n; i++) gradient[i] = theta[i]! * inner[i]!;
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
}

/**
 * Maximizes a log-likelihood over positive parameters. `negLogLik(θ, gradient)` returns −LL at
 * θ and writes −∂LL/∂θ into `gradient` (it may return +∞ outside the domain). `screening`, the
 * same on a subsample of the rows, runs the starts when the data are large (optimize.ts).
 */
export function fitPositive<K extends string>(names: readonly K[], negLogLik: ValueAndGradient, starts: readonly Record<K, number>[], screening?: ValueAndGradient): FitResult<K> {
  const n = names.length;
  const logSpace = inLogSpace(n, negLogLik);
  const scratch = new Array<number>(n);
  const result = minimize((u) => logSpace(u, scratch), {
    starts: starts.map((s) => names.map((k) => Math.log(s[k]))),
    valueAndGradient: logSpace,
    screening: screening && inLogSpace(n, screening),
  });
  const params = result.x.map(Math.exp);
  const se = standardErrors((p) => negLogLik(p, new Array<number>(n)), params, negLogLik);
  return {
    params: record(names, params),
    loglik: -result.value,
    se: record(names, se),
    converged: result.converged,
    iterations: result.iterations,
    evaluations: result.evaluations,
  };
}

export function record<K extends string>(names: readonly K[], values: readonly number[]): Record<K, number> {
  return Object.fromEntries(names.map((k, i) => [k, values[i]!])) as Record<K, number>;
}
