// Customers simulated from known parameters, grouped by (x, tx, T) in days as the product
// groups them: the fits find the parameters again, at a maximum. (How long a fit takes at a
// million customers is measured by `npm run bench -- retention`, not asserted here.)
import { describe, expect, it } from 'vitest';
import { fitBgNbd } from './bgnbd.ts';
import { fitParetoNbd, paretoNbdLogLikelihood } from './paretonbd.ts';
import { simulateParetoNbd } from './test-support.ts';

const TRUTH = { r: 0.5, alpha: 30, s: 0.7, beta: 300 };

describe('fits on 60,000 simulated customers (days), grouped', () => {
  const rows = simulateParetoNbd(60_000, TRUTH, 1000, 7);

  it('Pareto/NBD finds the parameters it was simulated with, at a maximum', { timeout: 120_000 }, () => {
    const fit = fitParetoNbd(rows);
    expect(fit.converged).toBe(true);
    // Within 10%: counting purchase days (not purchases) biases the simulated data slightly.
    for (const k of ['r', 'alpha', 's', 'beta'] as const) expect(Math.abs(fit.params[k] / TRUTH[k] - 1)).toBeLessThan(0.1);
    for (const k of ['r', 'alpha', 's', 'beta'] as const)
      for (const f of [0.999, 1.001]) expect(paretoNbdLogLikelihood({ ...fit.params, [k]: fit.params[k] * f }, rows)).toBeLessThan(fit.loglik);
  });

  it('BG/NBD converges on the same customers', { timeout: 120_000 }, () => {
    const fit = fitBgNbd(rows);
    expect(fit.converged).toBe(true);
  });
});
