// Which contacts a search and filters select, as SQL over `contacts c`: the words of the
// search, the contacts picked by id, and the filters compiled by the segment compiler.
// Every value is a bound parameter; the SQL text is assembled from fixed fragments only.
import type { z } from 'zod';
import type { Params } from '../db/params.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import type { AppContext } from '../server/context.ts';
import { compileCondition } from '../segments/compile.ts';
import { fieldResolver, type SegmentContext } from '../segments/validate.ts';
import type { contactSelection } from './contract.ts';
import { filtersToDefinition } from './filters.ts';

export type Selection = z.output<typeof contactSelection>;

/** A selection as parts of a statement over `contacts c`, besides `c.workspace_id = $1`. */
export interface SelectionSql {
  /** `name as (…)` entries of a WITH clause (events and orders the filters read). */
  ctes: string[];
  /** Joins after `from contacts c` (memberships the filters read). */
  joins: string[];
  /** Conditions on `c`, joined with AND. */
  conditions: string[];
}

/** What filters need to know of the workspace: its properties, and now (segments are not looked up: see filters.ts). */
export function filterContext(ctx: AppContext, workspaceId: string, defs: Map<string, PropertyDefinition>): SegmentContext {
  return { workspaceId, now: ctx.clock.now(), resolveField: fieldResolver(defs), segments: new Map() };
}

/** The SQL of a selection; `p` holds the workspace as $1; `path` names the filters in errors. */
export function selectionSql(selection: Selection, sctx: SegmentContext, p: Params, path: string): SelectionSql {
  const conditions: string[] = [];
  // Each word must appear in "first last email external-id" (search_text; a scan, see migration 0006).
  for (const word of (selection.q ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
    conditions.push(`c.search_text like ${p.add(`%${escapeLike(word)}%`)}`);
  }
  const { definition, ids } = filtersToDefinition(selection.filters, sctx, path);
  for (const list of ids) conditions.push(`c.id = any(${p.add(list, 'uuid[]')})`);
  if (definition.children.length === 0) return { ctes: [], joins: [], conditions };
  const compiled = compileCondition(definition, sctx, p, '$1');
  return { ctes: compiled.ctes, joins: compiled.joins, conditions: [...conditions, compiled.where] };
}

/** `with …` (or nothing) and `from contacts c …` of a selection. */
export function fromSelection(s: SelectionSql): { withSql: string; fromSql: string } {
  return {
    withSql: s.ctes.length === 0 ? '' : `with ${s.ctes.join(',\n')}\n`,
    fromSql: `from contacts c${s.joins.map((j) => `\n  ${j}`).join('')}`,
  };
}

/** The selection as conditions on `c` alone (the joins and WITH clause, if any, in a subquery). */
export function selectionConditions(s: SelectionSql): string[] {
  if (s.ctes.length === 0 && s.joins.length === 0) return s.conditions;
  const { withSql, fromSql } = fromSelection(s);
  return [`c.id in (${withSql}select c.id ${fromSql} where c.workspace_id = $1 and ${s.conditions.join(' and ')})`];
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}
