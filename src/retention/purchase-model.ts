// The model whose per-customer figures become the scores: the one of BG/NBD and Pareto/NBD
// that predicted the workspace's own holdout period better (check.ts), Pareto/NBD unless BG/NBD
// is clearly closer. Pareto/NBD is preferred because its customers can leave at any moment, so
// a customer who bought once, long ago, is probably gone; under BG/NBD a customer can only
// leave right after a purchase, so every one-time buyer keeps P(alive) = 1 however long ago
// they bought (the model's known blind spot, which a shop owner reads as nonsense).
import { bgnbd, paretonbd } from './models/index.ts';

export type PurchaseModelName = 'paretonbd' | 'bgnbd';
export type BgNbdParams = { r: number; alpha: number; a: number; b: number };
export type ParetoNbdParams = { r: number; alpha: number; s: number; beta: number };

/** One customer's figures; times in the models' unit (weeks). */
export interface PurchaseModel {
  name: PurchaseModelName;
  params: BgNbdParams | ParetoNbdParams;
  pAlive(x: number, tx: number, T: number): number;
  /** Expected purchases in (T, T + t] for each t. */
  expectedMany(ts: readonly number[], x: number, tx: number, T: number): number[];
  /** Expected repeat purchases of a new customer by t. */
  expectedCumulative(t: number): number;
}

export function purchaseModel(name: 'bgnbd', params: BgNbdParams): PurchaseModel;
export function purchaseModel(name: 'paretonbd', params: ParetoNbdParams): PurchaseModel;
export function purchaseModel(name: PurchaseModelName, params: BgNbdParams | ParetoNbdParams): PurchaseModel {
  if (name === 'bgnbd') {
    const p = params as BgNbdParams;
    return {
      name,
      params: p,
      pAlive: (x, tx, T) => bgnbd.pAlive(p, x, tx, T),
      expectedMany: (ts, x, tx, T) => bgnbd.conditionalExpectedMany(p, ts, x, tx, T),
      expectedCumulative: (t) => bgnbd.expectedCumulative(p, t),
    };
  }
  const p = params as ParetoNbdParams;
  return {
    name,
    params: p,
    pAlive: (x, tx, T) => paretonbd.pAlive(p, x, tx, T),
    expectedMany: (ts, x, tx, T) => paretonbd.conditionalExpectedMany(p, ts, x, tx, T),
    expectedCumulative: (t) => paretonbd.expectedCumulative(p, t),
  };
}

/** A usable fit: finite parameters and log-likelihood. */
export const usable = (f: { params: Record<string, number>; loglik: number } | null): boolean =>
  f !== null && Number.isFinite(f.loglik) && Object.values(f.params).every((v) => Number.isFinite(v) && v > 0);

/** The scoring model of a pair of fits: the one named (the holdout check's choice) if usable, else Pareto/NBD, else BG/NBD. */
export function scoringModel(
  bg: { params: BgNbdParams; loglik: number } | null,
  pnbd: { params: ParetoNbdParams; loglik: number } | null,
  preferred: PurchaseModelName = 'paretonbd',
): PurchaseModel | null {
  if (preferred === 'bgnbd' && bg && usable(bg)) return purchaseModel('bgnbd', bg.params);
  if (pnbd && usable(pnbd)) return purchaseModel('paretonbd', pnbd.params);
  if (bg && usable(bg)) return purchaseModel('bgnbd', bg.params);
  return null;
}
