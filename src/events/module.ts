import type { Module } from '../server/module.ts';
import { trackingRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const eventsModule: Module = {
  name: 'events',
  purpose: 'the event spine (one writer, the catalogue of system events) and the Segment-compatible tracking API',
  tables,
  // Segment's HTTP Tracking API lives at /v1 so that Segment's own SDKs work unchanged.
  routes: [{ prefix: '/v1', plugin: trackingRoutes }],
};
