// What the builder's pickers offer: the workspace's fields and properties with their types,
// the event names it has received with the properties those events carry, and its segments.
import { BUILT_IN_FIELDS, JOINED_FIELDS } from '../contacts/fields.ts';
import { listDefinitions } from '../contacts/properties.ts';
import { systemEvent } from '../events/catalogue.ts';
import type { AppContext } from '../server/context.ts';

const MAX_EVENT_NAMES = 300;
const SAMPLE = 50;

export async function segmentCatalog(ctx: AppContext, workspaceId: string) {
  const defs = await listDefinitions(ctx, workspaceId);
  const fields = [
    ...Object.entries(BUILT_IN_FIELDS).map(([field, meta]) => ({ field, label: meta.label, type: meta.type, ...(meta.options ? { options: [...meta.options] } : {}) })),
    ...Object.entries(JOINED_FIELDS).map(([field, meta]) => ({ field, label: meta.label, type: meta.type })),
    ...defs.map((d) => ({ field: `properties.${d.key}`, label: d.label, type: d.type, ...(d.type === 'enum' ? { options: d.options } : {}) })),
  ];
  // Distinct names by skipping through the (workspace, name, time) index, one probe per name,
  // then the keys of the newest few events of each name: cheap at ten million events.
  const rows = await ctx.db.query<{ name: string; key: string | null; type: string | null }>(
    `with recursive names(name) as (
       (select name from events where workspace_id = $1 order by name limit 1)
       union all
       select (select e.name from events e where e.workspace_id = $1 and e.name > n.name order by e.name limit 1)
       from names n where n.name is not null
     )
     select n.name, p.key, p.type
     from (select name from names where name is not null limit ${MAX_EVENT_NAMES}) n
     left join lateral (
       select k.key, jsonb_typeof(e.properties -> k.key) as type
       from (select properties from events where workspace_id = $1 and name = n.name order by occurred_at desc limit ${SAMPLE}) e
       cross join lateral jsonb_object_keys(e.properties) k(key)
       where jsonb_typeof(e.properties -> k.key) in ('string', 'number', 'boolean')
       group by 1, 2
     ) p on true
     order by n.name, p.key`,
    [workspaceId],
  );
  const events = new Map<string, { key: string; type: 'string' | 'number' | 'boolean' }[]>();
  for (const r of rows) {
    const list = events.get(r.name) ?? [];
    // A key seen with several JSON types is offered once, with the first type found.
    // Rapport's own events carry the types the catalogue declares, whatever a sample shows.
    const declared = r.key ? systemEvent(r.name)?.properties[r.key]?.type : undefined;
    const type = declared === 'string' || declared === 'number' || declared === 'boolean' ? declared : (r.type as 'string' | 'number' | 'boolean' | null);
    if (r.key && type && !list.some((p) => p.key === r.key)) list.push({ key: r.key, type });
    events.set(r.name, list);
  }
  const segments = await ctx.db.query<{ id: string; name: string; kind: 'segment' | 'list' }>(
    'select id, name, kind from segments where workspace_id = $1 order by lower(name)',
    [workspaceId],
  );
  const currencies = await ctx.db.query<{ currency: string }>(
    `select currency from (
       select currency, sum(orders) as n from contact_purchases where workspace_id = $1 group by currency
       union all select coalesce(default_currency, 'USD'), -1 from workspaces where id = $1
     ) c group by currency order by max(n) desc, currency`,
    [workspaceId],
  );
  return { fields, events: [...events].map(([name, properties]) => ({ name, properties })), segments, currencies: currencies.map((c) => c.currency) };
}
