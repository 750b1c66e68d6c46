// Every domain's tables, gathered so the ORM knows them all. Add a line per domain.
export * from '../accounts/schema.ts';
export * from '../workspaces/schema.ts';
export * from '../contacts/schema.ts';
export * from '../events/schema.ts';
export * from '../imports/schema.ts';
export * from '../purchases/schema.ts';
