import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../server/context.ts';
import { readPreferences, readPreferencesToken, savePreferences, type Preferences } from './preferences.ts';
import { escapeHtml, page, PREVIEW_TOKEN, previewLink, unknownLink } from './public-page.ts';

function form(p: Preferences, saved: boolean): string {
  const stopped = p.status === 'bounced' || p.status === 'complained';
  const subscribed = p.status === 'subscribed';
  const topics = p.topics
    .map(
      (t) =>
        `<label><input type="checkbox" name="topic" value="${escapeHtml(t.id)}"${t.subscribed ? ' checked' : ''}> ${escapeHtml(t.name)}${t.description ? `<small>${escapeHtml(t.description)}</small>` : ''}</label>`,
    )
    .join('\n');
  return `<h1>Email preferences</h1>
${saved ? '<p role="status"><strong>Saved.</strong></p>' : ''}
<p>${escapeHtml(p.workspace)} writes to ${escapeHtml(p.email ?? 'you')}.</p>
${stopped ? `<p>Mail to this address ${p.status === 'bounced' ? 'bounced' : 'was reported as spam'}, so nothing more is sent to it.</p>` : ''}
<form method="post">
<fieldset><legend>Send me</legend>
${topics || '<p>Every kind of news and offers.</p>'}
</fieldset>
<label><input type="radio" name="all" value="yes"${subscribed ? ' checked' : ''}> Send me the emails chosen above</label>
<label><input type="radio" name="all" value="no"${subscribed ? '' : ' checked'}> Unsubscribe me from all marketing email</label>
<button type="submit">Save preferences</button>
</form>`;
}

/** The preference page (/p/<token>), public by design: the signed link is the credential. */
export function preferencesRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 20_000 }, (_req, body, done) => {
      const params = new URLSearchParams(body as string);
      done(null, { topic: params.getAll('topic'), all: params.get('all') });
    });

    app.get<{ Params: { token: string } }>('/p/:token', { config: { access: 'public' } }, async (req, reply) => {
      if (req.params.token === PREVIEW_TOKEN) return previewLink(reply, 'opens the reader’s email preferences');
      const who = readPreferencesToken(ctx, req.params.token);
      const prefs = who && (await readPreferences(ctx, who.workspaceId, who.contactId));
      if (!prefs) return unknownLink(reply);
      return page(reply, 200, 'Email preferences', form(prefs, false));
    });

    app.post<{ Params: { token: string }; Body: unknown }>('/p/:token', { config: { access: 'public' } }, async (req, reply) => {
      const who = readPreferencesToken(ctx, req.params.token);
      if (!who) return unknownLink(reply);
      const body = (req.body ?? {}) as { topic?: unknown; all?: unknown };
      const topicIds = Array.isArray(body.topic) ? body.topic.filter((t): t is string => typeof t === 'string' && /^[0-9a-f-]{36}$/i.test(t)) : [];
      if (body.all !== 'yes' && body.all !== 'no') {
        return page(reply, 400, 'Email preferences', '<h1>Choose an option</h1><p>Say whether you want the emails you picked or none at all, then save again.</p>');
      }
      await savePreferences(ctx, who.workspaceId, who.contactId, { topicIds, all: body.all === 'yes' });
      const prefs = await readPreferences(ctx, who.workspaceId, who.contactId);
      if (!prefs) return unknownLink(reply);
      return page(reply, 200, 'Email preferences', form(prefs, true));
    });
  };
}
