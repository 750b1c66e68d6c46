// The retail data set of the segments and reports benchmarks: CONTACTS contacts with typed
// properties and EVENTS events over the last three years (purchases 20 %, page views 50 %,
// email opens 20 %, clicks 10 %), a few heavy users and most light; bench_ids numbers the
// contacts. Deterministic (setseed and arithmetic on the row number).
import { createDefinition } from '../src/contacts/properties.ts';
import { type BenchDb, log } from './_setup.ts';

export async function seedRetail(bench: BenchDb, now: Date, CONTACTS: number, EVENTS: number): Promise<void> {
  for (const [key, type, options] of [
    ['tier', 'enum', ['bronze', 'silver', 'gold']],
    ['country', 'string', []],
    ['birthday', 'date', []],
  ] as const) {
    await createDefinition(bench.ctx, bench.workspaceId, { key, label: key, description: '', type, options: [...options] });
  }
  const t0 = performance.now();
  await bench.db.query('select setseed(0.7)');
  await bench.db.query(
    `insert into contacts (id, workspace_id, email, first_name, lifecycle_stage, properties, created_at, updated_at)
     select rapport_uuid_v7(), $1, 'c' || i || '@example.com', 'N' || (i % 997),
            (array['subscriber','lead','customer','customer','churned'])[1 + i % 5],
            jsonb_build_object('tier', (array['bronze','bronze','bronze','silver','silver','gold'])[1 + (i * 7) % 6],
                               'country', (array['GB','DE','FR','US','US','ES','IT','NL'])[1 + (i * 13) % 8],
                               'birthday', to_char(date '1950-01-01' + (i * 37) % 20000, 'YYYY-MM-DD')),
            $2::timestamptz - ((i % 1000) || ' days')::interval, $2
     from generate_series(1, $3::int) i`,
    [bench.workspaceId, now, CONTACTS],
  );
  log(`contacts: ${CONTACTS.toLocaleString()} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await bench.db.exec('create table bench_ids as select row_number() over (order by id) as n, id from contacts');
  await bench.db.exec('create unique index on bench_ids (n)');
  // Events: a few heavy users, most light (the square skews toward low numbers); purchases
  // 20 %, page views 50 %, email opens 20 %, clicks 10 %, over the last three years.
  const chunk = 1_000_000;
  for (let start = 0; start < EVENTS; start += chunk) {
    const t1 = performance.now();
    await bench.db.query(
      `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
       select $1, b.id, k.name,
              case when k.name = 'purchase' then jsonb_build_object('total', 500 + (g * 7919) % 20000, 'currency', 'GBP', 'item_count', 1 + g % 5)
                   when k.name = 'page' then jsonb_build_object('path', '/p/' || g % 50)
                   else jsonb_build_object('campaign', 'c' || g % 20) end,
              $2::timestamptz - ((g * 104729) % (3 * 365 * 86400)) * interval '1 second', $2, 'bench', 'b' || g
       from generate_series($3::bigint, $4::bigint) g
       cross join lateral (select case when g % 10 < 2 then 'purchase' when g % 10 < 7 then 'page' when g % 10 < 9 then 'email.opened' else 'email.clicked' end as name) k
       join bench_ids b on b.n = 1 + floor(power(((g * 2654435761) % 1000003) / 1000003.0, 2) * $5)::bigint`,
      [bench.workspaceId, now, start + 1, Math.min(start + chunk, EVENTS), CONTACTS],
    );
    log(`events: ${Math.min(start + chunk, EVENTS).toLocaleString()} (${((performance.now() - t1) / 1000).toFixed(1)} s for this million)`);
  }
  await bench.db.exec('analyze contacts; analyze events; analyze contact_purchases');
}
