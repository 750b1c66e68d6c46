import type { ApiKeyScope } from '../lib/types.ts';

export const SCOPES: Record<ApiKeyScope, { label: string; short: string; description: string; color: string }> = {
  ingest: {
    label: 'Ingest only',
    short: 'Ingest',
    description: 'Only the tracking API: send contacts and events. Safe for websites and shop backends.',
    color: 'teal',
  },
  shop: {
    label: 'Shop checkout',
    short: 'Shop',
    description: 'Check, redeem and cancel coupon codes at checkout, and send contacts and events. Cannot read your contacts.',
    color: 'grape',
  },
  full: {
    label: 'Full access',
    short: 'Full',
    description: 'The whole API, with admin rights in this workspace. For your own trusted integrations.',
    color: 'orange',
  },
};
