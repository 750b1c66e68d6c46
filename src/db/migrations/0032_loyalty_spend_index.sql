-- A member's latest spend (the members' figures read it on every change of their points). The
-- index on (from_account, id) does not serve it: almost every transfer comes from the
-- workspace's one "issued" account, so the planner expects any account to match most rows and
-- scans the table (the loyalty benchmark: 6 ms per member refreshed). Spends alone are few per
-- account, and this index holds only them.
create index loyalty_transfers_spend_idx on loyalty_transfers (from_account, id) where kind = 'spend';
