import type { Module } from '../server/module.ts';
import { socialPublicRoutes } from './feed.ts';
import { defineSocialJobs, PUBLISH_JOB } from './jobs.ts';
import { socialRoutes } from './routes.ts';
import * as tables from './schema.ts';

export const socialModule: Module = {
  name: 'social',
  purpose:
    'social listening and publishing: connected Bluesky and Mastodon accounts, streams of mentions, replies, hashtags and keywords with sentiment and the contact who wrote them (social.mentioned events), posts composed once and checked against each network, scheduled on a calendar and published exactly once, with coupons whose redemptions trace back to the post',
  tables,
  routes: [
    { prefix: '/api/v1', plugin: socialRoutes },
    { prefix: '', plugin: socialPublicRoutes },
  ],
  jobs: defineSocialJobs,
  // Posts a previous life of the process was publishing when it died are taken up at once
  // (after their lease), not at the next minute.
  start: async (ctx, { work }) => {
    if (work) await ctx.jobs.send(PUBLISH_JOB, {});
  },
  contactsDeleted: {
    // The posts are public and stay in the stream; they are no longer anyone's.
    forget: async (tx, workspaceId, contactIds) => {
      await tx.query(`update social_mentions set contact_id = null, matched_by = null where workspace_id = $1 and contact_id = any($2::uuid[])`, [workspaceId, contactIds]);
    },
  },
};
