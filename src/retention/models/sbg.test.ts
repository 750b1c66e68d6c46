import { describe, expect, it } from 'vitest';
import { fitSbg, projectSurvival, retentionRate, sbgLogLikelihood, sbgNegLogLik, survival } from './sbg.ts';
import { cohortObservations } from './summary.ts';
import { gradientError, sbgCohort } from './test-support.ts';

const regular = sbgCohort('regular');
const highend = sbgCohort('highend');

describe('shifted-beta-geometric on the two cohorts of Fader & Hardie (2007), 7 years', () => {
  it('the data: 1,000 subscribers each; 631, 468, 382, 326, 289, 262, 241 regular ones left after years 1–7', () => {
    expect(regular.alive + regular.lost.reduce((n, l) => n + l.lost, 0)).toBe(1000);
    expect(projectSurvival({ alpha: 1, beta: 1 }, 0)).toEqual([1]);
    let alive = 1000;
    const left = regular.lost.map((l) => (alive -= l.lost));
    expect(left).toEqual([631, 468, 382, 326, 289, 262, 241]);
  });

  it('reproduces the published fits: regular α 0.704, β 1.182; high end α 0.668, β 3.806', () => {
    const r = fitSbg(regular);
    expect(r.converged).toBe(true);
    expect(r.params.alpha).toBeCloseTo(0.704, 3); // 0.704077
    expect(r.params.beta).toBeCloseTo(1.182, 3); // 1.182043
    const h = fitSbg(highend);
    expect(h.converged).toBe(true);
    expect(h.params.alpha).toBeCloseTo(0.668, 3); // 0.668088
    expect(h.params.beta).toBeCloseTo(3.806, 3); // 3.806094
    for (const f of [r, h]) for (const se of Object.values(f.se)) expect(Number.isFinite(se) && se > 0).toBe(true);
  });

  it('the log-likelihood at the fit is no lower than 1% off; the gradient is right', () => {
    const { params, loglik } = fitSbg(regular);
    for (const k of ['alpha', 'beta'] as const) for (const f of [0.99, 1.01]) expect(sbgLogLikelihood({ ...params, [k]: params[k] * f }, regular)).toBeLessThan(loglik);
    for (const theta of [
      [params.alpha, params.beta],
      [0.1, 10],
      [5, 0.3],
    ])
      expect(gradientError(sbgNegLogLik(regular), theta)).toBeLessThan(1e-6);
  });

  it('subscribers given one by one (the product’s shape) fit the same as the cohort table', () => {
    const rows = cohortObservations(regular).flatMap((o) => [
      { ...o, weight: o.weight / 2 },
      { ...o, weight: o.weight / 2 },
    ]);
    expect(fitSbg(rows).params.alpha).toBeCloseTo(fitSbg(regular).params.alpha, 8);
  });

  it('survival, retention rates and the projection agree: S(t) = Π r(k), r(t) = (β+t−1)/(α+β+t−1)', () => {
    const params = fitSbg(regular).params;
    const projected = projectSurvival(params, 12);
    expect(projected).toHaveLength(13);
    for (let t = 0; t <= 12; t++) expect(projected[t]).toBeCloseTo(survival(params, t), 12);
    for (let t = 1; t <= 12; t++) expect(retentionRate(params, t)).toBeCloseTo(survival(params, t) / survival(params, t - 1), 12);
    // Rising retention: the sBG's point.
    for (let t = 2; t <= 12; t++) expect(retentionRate(params, t)).toBeGreaterThan(retentionRate(params, t - 1));
    // Fitted on 7 years, the projection to year 12 (17.0%) is close to what the regular cohort went on to do (about 17% in the paper's 12-year data).
    expect(projected[12]).toBeGreaterThan(0.15);
    expect(projected[12]).toBeLessThan(0.19);
  });
});
