-- Order lines of an import in progress, grouped into orders by set-based SQL at the end.
-- Unlogged: a staging area, rebuilt from the stored file if the server crashes.
create unlogged table import_order_lines (
  import_id uuid not null references imports (id) on delete cascade,
  workspace_id uuid not null,
  row_number integer not null,
  order_id text not null,
  -- The external id, or else the email: who bought.
  customer_key text,
  customer_id text,
  customer_email text,
  customer_country text,
  contact_id uuid,
  ordered_at timestamptz not null,
  quantity numeric,
  -- Money in minor units of `currency` (pence for GBP); a unit price may have fractions of one.
  unit_price_minor numeric,
  line_total_minor numeric,
  order_total_minor numeric,
  currency text not null,
  sku text,
  product_name text,
  primary key (import_id, row_number)
);
create index import_order_lines_order_idx on import_order_lines (import_id, order_id);
create index import_order_lines_customer_idx on import_order_lines (import_id, customer_key);
