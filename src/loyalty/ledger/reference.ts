// The points ledger in memory: the rules of docs/design/loyalty.md written as plainly as
// possible, as the reference the SQL ledger is property-tested against (the same operations in
// the same order must leave the same balances, lots and transfers). Not used by the product.
//
// - Every change is a transfer between two accounts (a member's, or the system's issued,
//   redeemed, expired, adjusted), under an idempotency key: the same key twice changes nothing.
// - Points are held in lots: available from `availableAt` (pending before), expiring at
//   `expiresAt` (null: never). Spends take available, unexpired lots, the earliest expiry first
//   (never-expiring last), then the earliest available.
// - A reversal (a refund) takes its purchase's own lots first, then the member's other lots in
//   spending order (pending ones too), and what is still missing becomes debt (policy
//   "negative") or is not taken (policy "cap"). New points pay debt first.
// - A member's balance = Σ remaining of their lots − debt = Σ transfers in − Σ transfers out.

export type SystemAccount = 'issued' | 'redeemed' | 'expired' | 'adjusted';
export type TransferKind = 'earn' | 'spend' | 'expire' | 'reverse' | 'adjust' | 'forfeit';
export type RefundPolicy = 'negative' | 'cap';

export interface Lot {
  id: number;
  contact: string;
  points: number;
  remaining: number;
  availableAt: number;
  expiresAt: number | null;
  /** The earn's key, by which a reversal finds its purchase's lots. */
  earnKey: string;
}

export interface Transfer {
  id: number;
  from: string;
  to: string;
  amount: number;
  kind: TransferKind;
  key: string;
}

export type Outcome = { ok: true; transfer: Transfer | null } | { ok: false; reason: 'insufficient' | 'unknown_earn' };

const member = (contact: string) => `member:${contact}`;

export class ReferenceLedger {
  readonly lots: Lot[] = [];
  readonly transfers: Transfer[] = [];
  readonly debt = new Map<string, number>();
  readonly #done = new Map<string, Outcome>();

  constructor(readonly policy: RefundPolicy) {}

  /** Points for a cause: a lot (after paying any debt) and a transfer issued → member. */
  earn(contact: string, points: number, o: { key: string; availableAt: number; expiresAt: number | null }): Outcome {
    return this.#once(o.key, () => {
      const owed = this.debt.get(contact) ?? 0;
      const paid = Math.min(owed, points);
      this.debt.set(contact, owed - paid);
      this.lots.push({ id: this.lots.length + 1, contact, points, remaining: points - paid, availableAt: o.availableAt, expiresAt: o.expiresAt, earnKey: o.key });
      return { ok: true, transfer: this.#transfer('issued', member(contact), points, 'earn', o.key) };
    });
  }

  /** Spends available points, earliest expiry first; refused whole when there are not enough. */
  spend(contact: string, points: number, now: number, key: string): Outcome {
    return this.#once(key, () => {
      if (this.spendable(contact, now) < points) return { ok: false, reason: 'insufficient' };
      this.#take(this.spendOrder(contact, now), points);
      return { ok: true, transfer: this.#transfer(member(contact), 'redeemed', points, 'spend', key) };
    });
  }

  /** Moves what is left of every lot expired by `now` to the expired account, a transfer per lot. */
  expire(now: number): Transfer[] {
    const out: Transfer[] = [];
    for (const lot of this.lots) {
      if (lot.expiresAt === null || lot.expiresAt > now || lot.remaining === 0) continue;
      const outcome = this.#once(`expire:${lot.id}`, () => {
        const amount = lot.remaining;
        lot.remaining = 0;
        return { ok: true, transfer: this.#transfer(member(lot.contact), 'expired', amount, 'expire', `expire:${lot.id}`) };
      });
      if (outcome.ok && outcome.transfer) out.push(outcome.transfer);
    }
    return out;
  }

  /** Takes back `points` of the earn `earnKey` (a refund): its own lots, then the others, then debt or nothing by the policy. */
  reverse(contact: string, earnKey: string, points: number, key: string): Outcome {
    return this.#once(key, () => {
      const own = this.lots.filter((l) => l.contact === contact && l.earnKey === earnKey);
      if (own.length === 0) return { ok: false, reason: 'unknown_earn' };
      let missing = this.#take(own, points);
      missing = this.#take(this.#allInOrder(contact).filter((l) => l.earnKey !== earnKey), missing);
      let amount = points - missing;
      if (missing > 0 && this.policy === 'negative') {
        this.debt.set(contact, (this.debt.get(contact) ?? 0) + missing);
        amount = points;
      }
      return { ok: true, transfer: amount > 0 ? this.#transfer(member(contact), 'issued', amount, 'reverse', key) : null };
    });
  }

  /** An admin's change: points added as a lot that never expires, or taken as a spend (refused when there are not enough). */
  adjust(contact: string, delta: number, now: number, key: string): Outcome {
    return this.#once(key, () => {
      if (delta > 0) {
        const owed = this.debt.get(contact) ?? 0;
        const paid = Math.min(owed, delta);
        this.debt.set(contact, owed - paid);
        this.lots.push({ id: this.lots.length + 1, contact, points: delta, remaining: delta - paid, availableAt: now, expiresAt: null, earnKey: key });
        return { ok: true, transfer: this.#transfer('adjusted', member(contact), delta, 'adjust', key) };
      }
      if (this.spendable(contact, now) < -delta) return { ok: false, reason: 'insufficient' };
      this.#take(this.spendOrder(contact, now), -delta);
      return { ok: true, transfer: this.#transfer(member(contact), 'adjusted', -delta, 'adjust', key) };
    });
  }

  /** Points that can be spent now. */
  spendable(contact: string, now: number): number {
    const held = this.spendOrder(contact, now).reduce((s, l) => s + l.remaining, 0);
    return held - (this.debt.get(contact) ?? 0);
  }

  /** Points not yet available. */
  pending(contact: string, now: number): number {
    return this.lots.filter((l) => l.contact === contact && l.availableAt > now && (l.expiresAt === null || l.expiresAt > now)).reduce((s, l) => s + l.remaining, 0);
  }

  /** Σ remaining − debt. */
  balance(contact: string): number {
    return this.lots.filter((l) => l.contact === contact).reduce((s, l) => s + l.remaining, 0) - (this.debt.get(contact) ?? 0);
  }

  /** An account's balance from its transfers alone. */
  balanceFromTransfers(account: string): number {
    let b = 0;
    for (const t of this.transfers) {
      if (t.to === account) b += t.amount;
      if (t.from === account) b -= t.amount;
    }
    return b;
  }

  /** The member's available, unexpired lots in the order spends take them. */
  spendOrder(contact: string, now: number): Lot[] {
    return this.#allInOrder(contact).filter((l) => l.availableAt <= now && (l.expiresAt === null || l.expiresAt > now));
  }

  #allInOrder(contact: string): Lot[] {
    return this.lots
      .filter((l) => l.contact === contact && l.remaining > 0)
      .sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) || a.availableAt - b.availableAt || a.id - b.id);
  }

  /** Takes up to `points` from the lots in order; returns what could not be taken. */
  #take(lots: Lot[], points: number): number {
    let left = points;
    for (const lot of lots) {
      if (left === 0) break;
      const t = Math.min(lot.remaining, left);
      lot.remaining -= t;
      left -= t;
    }
    return left;
  }

  #transfer(from: string, to: string, amount: number, kind: TransferKind, key: string): Transfer {
    const t = { id: this.transfers.length + 1, from, to, amount, kind, key };
    this.transfers.push(t);
    return t;
  }

  #once(key: string, run: () => Outcome): Outcome {
    const before = this.#done.get(key);
    if (before) return before;
    const outcome = run();
    // A refusal is not remembered: the same request may succeed once there are points.
    if (outcome.ok) this.#done.set(key, outcome);
    return outcome;
  }
}
