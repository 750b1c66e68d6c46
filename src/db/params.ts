// Bound parameters of a statement assembled from fixed fragments: every value a request
// brings reaches SQL as `$n`, never as text.

/** Collects bound parameters; `add` returns the placeholder (with a cast when given). */
export class Params {
  readonly values: unknown[];
  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
