import type { Module } from '../server/module.ts';
import { passwordResetRoutes } from './account-mail/reset-routes.ts';
import { broadcastRoutes } from './broadcasts/routes.ts';
import { consentRoutes } from './consent/routes.ts';
import { deliveryRoutes } from './delivery/routes.ts';
import { templateRoutes } from './templates/routes.ts';
import { stopSending } from './broadcasts/run.ts';
import { defineMessagingJobs } from './jobs.ts';
import { closeLayout } from './templates/layout.ts';
import { preferencesRoutes } from './consent/preferences-routes.ts';
import * as tables from './schema.ts';
import { trackingPixelRoutes } from './tracking/routes.ts';
import { closeTransports } from './delivery/transport.ts';
import { stopTemplated } from './delivery/templated.ts';
import { unsubscribeRoutes } from './consent/unsubscribe-routes.ts';
import { emailFeedbackRoutes, emailWebhookRoutes } from './feedback/routes.ts';

export const messagingModule: Module = {
  name: 'messaging',
  purpose: 'email templates, the send to one contact, broadcasts, delivery, tracking, consent and preferences, feedback',
  tables,
  routes: [
    { prefix: '/api/v1', plugin: templateRoutes },
    { prefix: '/api/v1', plugin: deliveryRoutes },
    { prefix: '/api/v1', plugin: consentRoutes },
    { prefix: '/api/v1', plugin: emailFeedbackRoutes },
    { prefix: '/api/v1', plugin: broadcastRoutes },
    // Forgotten passwords: public, each step authenticated by the mailed token.
    { prefix: '/api/v1', plugin: passwordResetRoutes },
    // Public, each by a signed token: the unsubscribe link, provider webhooks, the preference page, opens and clicks.
    { prefix: '', plugin: unsubscribeRoutes },
    { prefix: '', plugin: emailWebhookRoutes },
    { prefix: '', plugin: preferencesRoutes },
    { prefix: '', plugin: trackingPixelRoutes },
  ],
  jobs: defineMessagingJobs,
  // A worker that starts picks up broadcasts its previous life left mid-send.
  async start(ctx, { work }) {
    if (work) await ctx.jobs.send('email.broadcasts.tick', { startup: true });
  },
  // Broadcasts and workflow messages being sent stop after their current batch; the rest waits in the queue.
  stopping(ctx) {
    stopSending(ctx);
    stopTemplated(ctx);
  },
  async close() {
    closeTransports();
    await closeLayout();
  },
};
