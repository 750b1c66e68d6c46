import type { Module } from '../server/module.ts';
import { trackingRoutes } from './routes.ts';

export const trackingModule: Module = {
  name: 'tracking',
  purpose: 'the Segment-compatible tracking API: validation, identity resolution, merges, traits, order events',
  // Segment's HTTP Tracking API lives at /v1 so that Segment's own SDKs work unchanged.
  routes: [{ prefix: '/v1', plugin: trackingRoutes }],
};
