import type { ApiKeyScope } from '../lib/types.ts';

export const SCOPES: Record<ApiKeyScope, { label: string; short: string; description: string; color: string }> = {
  ingest: {
    label: 'Ingest only',
    short: 'Ingest',
    description: 'Only the tracking API: send contacts and events. Safe for websites and shop backends.',
    color: 'teal',
  },
  full: {
    label: 'Full access',
    short: 'Full',
    description: 'The whole API, with admin rights in this workspace. For your own trusted integrations.',
    color: 'orange',
  },
};
