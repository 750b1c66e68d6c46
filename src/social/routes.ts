// The social API (/api/v1/social…): accounts and what they listen to, the stream, posts and
// their schedule. Every route is a workspace member's; the calendar feed and the click
// redirect are public by signed token (public-routes.ts).
import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, type FieldIssue, notFound } from '../errors.ts';
import { badTextError, findBadText } from '../server/text-hygiene.ts';
import type { AppContext } from '../server/context.ts';
import { workspaceOf } from '../server/request.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { connectAccount, listAccounts, removeAccount } from './accounts.ts';
import {
  accountResult,
  accountsResult,
  authorizeBody,
  authorizeFinishBody,
  authorizeResult,
  checkResult,
  connectBody,
  feedResult,
  imageAltBody,
  linkBody,
  mentionsQuery,
  mentionsResult,
  moveBody,
  postBody,
  postResult,
  postResultsResult,
  postsQuery,
  postsResult,
  replyBody,
  scheduleBody,
  streamBody,
  streamResult,
  summaryQuery,
  summaryResult,
} from './contract.ts';
import { feedUrl } from './feed.ts';
import { PUBLISH_JOB } from './jobs.ts';
import { fetchDueStreams } from './listen.ts';
import { finishMastodonAuthorization, startMastodonAuthorization } from './oauth.ts';
import {
  addImage,
  checkPost,
  createPost,
  deletePost,
  getPost,
  imageBytes,
  listPosts,
  MAX_IMAGE_BYTES,
  reschedulePost,
  retryDelivery,
  schedulePost,
  unschedulePost,
  updateImage,
  updatePost,
} from './posts.ts';
import { postResults } from './results.ts';
import { linkMention, listMentions, parseCursor, summarize } from './stream.ts';
import { addStream, removeStream, streamsOf } from './streams.ts';

const tags = ['Social'];
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };
const idParam = uuidParam('id');

/** What listening can do on each network, said on the accounts page. */
export const LISTENING: Record<string, string> = {
  bluesky: 'Mentions and replies come from Bluesky’s notifications; hashtags and keywords from Bluesky’s post search.',
  mastodon:
    'Mentions and replies come from the account’s notifications; hashtags from the server’s hashtag timeline. Keywords find posts only on servers with full-text search, and only posts that server knows of.',
};

async function timeZoneOf(ctx: AppContext, workspaceId: string): Promise<string> {
  const [row] = await ctx.db.query<{ timezone: string }>('select timezone from workspaces where id = $1', [workspaceId]);
  return row?.timezone ?? 'UTC';
}

export function socialRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const accountsOut = async (workspaceId: string) => {
      const accounts = await listAccounts(ctx.db, workspaceId);
      const streams = await streamsOf(ctx.db, workspaceId);
      return accounts.map((a) => ({ ...a, streams: streams.filter((s) => s.accountId === a.id), listening: LISTENING[a.network]! }));
    };

    app.get('/social/accounts', { schema: { tags, summary: 'Connected accounts with their limits, rate-limit window and streams', response: { 200: accountsResult } } }, async (req) => ({
      accounts: await accountsOut(workspaceOf(req).workspaceId),
    }));
    app.post(
      '/social/accounts',
      { config: { role: 'admin' }, schema: { tags, summary: 'Connect an account: Bluesky with a handle and an app password, Mastodon with an access token', body: connectBody, response: { 201: accountResult, ...errors } } },
      async (req, reply) => {
        const { workspaceId, userId } = workspaceOf(req);
        const account = await connectAccount(ctx, workspaceId, userId, req.body);
        const out = (await accountsOut(workspaceId)).find((a) => a.id === account.id)!;
        return reply.code(201).send(out);
      },
    );
    app.delete('/social/accounts/:id', { config: { role: 'admin' }, schema: { tags, summary: 'Disconnect an account (the mentions found stay)', params: idParam, response: { 204: z.null(), 404: errorResponse } } }, async (req, reply) => {
      await removeAccount(ctx.db, workspaceOf(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    });
    app.post(
      '/social/mastodon/authorize',
      { config: { role: 'admin' }, schema: { tags, summary: 'Start connecting a Mastodon account: registers Rapport on the server and gives the page where the member allows it', body: authorizeBody, response: { 200: authorizeResult, ...errors } } },
      async (req) => {
        const redirectUri = 'urn:ietf:wg:oauth:2.0:oob';
        const r = await startMastodonAuthorization(ctx, workspaceOf(req).workspaceId, req.body.serverUrl, null);
        return { ...r, redirectUri };
      },
    );
    app.post(
      '/social/mastodon/connect',
      { config: { role: 'admin' }, schema: { tags, summary: 'Finish connecting a Mastodon account with the code the server showed', body: authorizeFinishBody, response: { 201: accountResult, ...errors } } },
      async (req, reply) => {
        const { workspaceId, userId } = workspaceOf(req);
        const account = await finishMastodonAuthorization(ctx, workspaceId, userId, req.body);
        return reply.code(201).send((await accountsOut(workspaceId)).find((a) => a.id === account.id)!);
      },
    );
    app.post('/social/streams', { schema: { tags, summary: 'Listen for a hashtag or a keyword on an account’s network', body: streamBody, response: { 201: streamResult, ...errors } } }, async (req, reply) =>
      reply.code(201).send(await addStream(ctx, workspaceOf(req).workspaceId, req.body)),
    );
    app.delete('/social/streams/:id', { schema: { tags, summary: 'Stop listening for a hashtag or keyword', params: idParam, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
      await removeStream(ctx.db, workspaceOf(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    });

    app.get('/social/mentions', { schema: { tags, summary: 'The stream: mentions, replies, hashtags and keywords, newest first, filtered', querystring: mentionsQuery, response: { 200: mentionsResult, 400: errorResponse } } }, async (req) => {
      const { cursor, ...filter } = req.query;
      return listMentions(ctx.db, workspaceOf(req).workspaceId, { ...filter, before: parseCursor(cursor) });
    });
    app.get('/social/mentions/summary', { schema: { tags, summary: 'Volume and sentiment per day (workspace time zone) and the top authors', querystring: summaryQuery, response: { 200: summaryResult } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      const { days, ...filter } = req.query;
      const timeZone = await timeZoneOf(ctx, workspaceId);
      return { ...(await summarize(ctx.db, workspaceId, filter, days, timeZone, ctx.clock.now())), timeZone };
    });
    app.put('/social/mentions/:id/contact', { schema: { tags, summary: 'Tie a mention to a contact by hand (null: untie); the contact gets the handle', params: idParam, body: linkBody, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
      await linkMention(ctx, workspaceOf(req).workspaceId, req.params.id, req.body.contactId);
      return reply.code(204).send(null);
    });
    app.post('/social/mentions/:id/reply', { schema: { tags, summary: 'Reply to a mention from the account that found it (published now)', params: idParam, body: replyBody, response: { 201: postResult, ...errors } } }, async (req, reply) => {
      const { workspaceId, userId } = workspaceOf(req);
      const [m] = await ctx.db.query<{ id: string; remote_id: string; account_id: string | null }>('select id, coalesce(local_id, remote_id) as remote_id, account_id from social_mentions where workspace_id = $1 and id = $2', [
        workspaceId,
        req.params.id,
      ]);
      if (!m) throw notFound('The mention');
      if (!m.account_id) throw badRequest('The account that found this mention is no longer connected: connect it again to reply.');
      const post = await createPost(ctx, workspaceId, userId, { text: req.body.text, accountIds: [m.account_id] }, { remoteId: m.remote_id, mentionId: m.id });
      return reply.code(201).send(await schedulePost(ctx, workspaceId, post.id, null));
    });

    app.get('/social/posts', { schema: { tags, summary: 'The calendar: posts scheduled or published between two times, and the drafts', querystring: postsQuery, response: { 200: postsResult, 400: errorResponse } } }, async (req) => {
      const { workspaceId } = workspaceOf(req);
      return { posts: await listPosts(ctx.db, workspaceId, { from: new Date(req.query.from), to: new Date(req.query.to) }), timeZone: await timeZoneOf(ctx, workspaceId) };
    });
    app.post('/social/posts', { schema: { tags, summary: 'Write a post (a draft until scheduled)', body: postBody, response: { 201: postResult, ...errors } } }, async (req, reply) => {
      const { workspaceId, userId } = workspaceOf(req);
      return reply.code(201).send(await createPost(ctx, workspaceId, userId, req.body));
    });
    app.get('/social/posts/:id', { schema: { tags, summary: 'A post with its deliveries, their state and figures', params: idParam, response: { 200: postResult, 404: errorResponse } } }, async (req) =>
      getPost(ctx.db, workspaceOf(req).workspaceId, req.params.id),
    );
    app.put('/social/posts/:id', { schema: { tags, summary: 'Change a draft', params: idParam, body: postBody, response: { 200: postResult, ...errors } } }, async (req) =>
      updatePost(ctx, workspaceOf(req).workspaceId, req.params.id, req.body),
    );
    app.delete('/social/posts/:id', { schema: { tags, summary: 'Delete a post that is on no network yet', params: idParam, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
      await deletePost(ctx, workspaceOf(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    });
    app.get('/social/posts/:id/check', { schema: { tags, summary: 'The post’s length as each chosen network counts it, and what each would refuse', params: idParam, response: { 200: checkResult, ...errors } } }, async (req) =>
      checkPost(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
    app.get('/social/posts/:id/results', { schema: { tags, summary: 'A post’s reach, clicks, coupon redemptions and revenue per network', params: idParam, response: { 200: postResultsResult, 404: errorResponse } } }, async (req) =>
      postResults(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
    // Multipart is read by the image upload alone: every other route takes JSON only.
    const images: FastifyPluginAsyncZod = async (sub) => {
      await sub.register(fastifyMultipart, { limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 3 } });
      sub.post(
        '/social/posts/:id/images',
        {
          schema: {
            tags,
            summary: 'Add an image (multipart: "file", and "alt" for its alt text) to a draft',
            consumes: ['multipart/form-data'],
            params: idParam,
            response: { 201: postResult, ...errors, 413: errorResponse, 415: errorResponse },
          },
        },
        async (req, reply) => {
          if (!req.isMultipart()) throw badRequest('Send the image as multipart/form-data in a field named "file" (and its alt text in "alt").');
          let bytes: Buffer | null = null;
          let mime = '';
          let alt = '';
          const issues: FieldIssue[] = [];
          for await (const part of req.parts()) {
            if (part.type === 'file' && part.fieldname === 'file') {
              issues.push(...findBadText({ filename: part.filename }, 'file'));
              bytes = await part.toBuffer();
              mime = part.mimetype;
            } else if (part.type === 'field' && part.fieldname === 'alt') {
              alt = String(part.value ?? '');
              issues.push(...findBadText({ alt }, 'body'));
            }
          }
          if (issues.length) throw badTextError(issues);
          if (!bytes) throw badRequest('No image was sent: use a multipart field named "file".', [{ path: 'file', message: 'is required' }]);
          return reply.code(201).send(await addImage(ctx, workspaceOf(req).workspaceId, req.params.id, { bytes, mime, alt }));
        },
      );
    };
    await app.register(images);
    const imageParams = z.object({ id: z.uuid(), imageId: z.uuid() });
    app.get('/social/posts/:id/images/:imageId', { schema: { tags, summary: 'An image of a post', params: imageParams, produces: ['image/*'] } }, async (req, reply) => {
      const img = await imageBytes(ctx.db, workspaceOf(req).workspaceId, req.params.id, req.params.imageId);
      return reply.header('content-type', img.mime).header('cache-control', 'private, max-age=3600').send(img.bytes);
    });
    app.put('/social/posts/:id/images/:imageId', { schema: { tags, summary: 'Change an image’s alt text', params: imageParams, body: imageAltBody, response: { 200: postResult, ...errors } } }, async (req) =>
      updateImage(ctx, workspaceOf(req).workspaceId, req.params.id, req.params.imageId, req.body.alt),
    );
    app.delete('/social/posts/:id/images/:imageId', { schema: { tags, summary: 'Remove an image from a draft', params: imageParams, response: { 200: postResult, ...errors } } }, async (req) =>
      updateImage(ctx, workspaceOf(req).workspaceId, req.params.id, req.params.imageId, null),
    );
    app.post(
      '/social/posts/:id/schedule',
      { schema: { tags, summary: 'Schedule a draft for a time, or publish it now (at: null); refused when a network would refuse it', params: idParam, body: scheduleBody, response: { 200: postResult, ...errors } } },
      async (req) => schedulePost(ctx, workspaceOf(req).workspaceId, req.params.id, req.body.at ? new Date(req.body.at) : null),
    );
    app.post('/social/posts/:id/unschedule', { schema: { tags, summary: 'Take a scheduled post back to a draft', params: idParam, response: { 200: postResult, ...errors } } }, async (req) =>
      unschedulePost(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
    app.post('/social/posts/:id/move', { schema: { tags, summary: 'Move a scheduled post to another time (the calendar’s drag)', params: idParam, body: moveBody, response: { 200: postResult, ...errors } } }, async (req) =>
      reschedulePost(ctx, workspaceOf(req).workspaceId, req.params.id, new Date(req.body.at)),
    );
    app.post('/social/deliveries/:id/retry', { schema: { tags, summary: 'Try a failed post again (under the same key: still one post)', params: idParam, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
      await retryDelivery(ctx, workspaceOf(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    });
    // The stream's "Check now": the workspace's streams fetched at once instead of at the next
    // minute's round (the rate-limit budget is kept as the job keeps it).
    app.post(
      '/social/streams/fetch',
      {
        schema: {
          tags,
          summary: 'Fetch the workspace’s streams now, without waiting for the next round',
          response: { 200: z.object({ streams: z.number().int(), found: z.number().int(), stored: z.number().int(), matched: z.number().int(), failed: z.number().int() }) },
        },
      },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        const now = ctx.clock.now();
        await ctx.db.query('update social_streams set next_fetch_at = $2 where workspace_id = $1 and next_fetch_at > $2', [workspaceId, now]);
        return fetchDueStreams(ctx, { workspaceId });
      },
    );
    // "Publish now" on a scheduled post: moved to now, and the publishing job asked at once.
    app.post('/social/posts/:id/publish', { schema: { tags, summary: 'Publish a scheduled post now instead of at its time', params: idParam, response: { 200: postResult, ...errors } } }, async (req) => {
      const post = await reschedulePost(ctx, workspaceOf(req).workspaceId, req.params.id, ctx.clock.now());
      await ctx.jobs.send(PUBLISH_JOB, {});
      return post;
    });
    app.get('/social/calendar/feed', { schema: { tags, summary: 'The address of the calendar as an iCalendar feed, for the team’s calendar apps', response: { 200: feedResult } } }, async (req) => ({
      url: feedUrl(ctx, workspaceOf(req).workspaceId, `${req.protocol}://${req.host}`),
    }));
  };
}

