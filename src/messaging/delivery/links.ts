// The links every message carries for its contact, by name in templates ({{ links.unsubscribe }}):
// unsubscribe and preferences (signed for the contact), and `surveys`, the base of the links to
// answer a survey from this message ({{ links.surveys }}/<survey id>?a=9, written by a survey's
// email block): signed for the message, so an answer is tied to the message that asked and to its
// contact. The survey pages (src/surveys/) read the token with `readSurveyMessageToken`.
import type { AppContext } from '../../server/context.ts';
import { preferencesUrl } from '../consent/preferences.ts';
import { baseUrl, unsubscribeUrl } from '../consent/unsubscribe.ts';
import { signIds, verifyIds } from '../tokens.ts';

const SURVEY = 'survey-message';

export function messageLinks(ctx: AppContext, workspaceId: string, contactId: string, messageId: string): Record<string, string> {
  return {
    unsubscribe: unsubscribeUrl(ctx, workspaceId, contactId),
    preferences: preferencesUrl(ctx, workspaceId, contactId),
    surveys: `${baseUrl(ctx)}/s/${signIds(ctx.secret, SURVEY, [messageId])}`,
  };
}

/** Links of previews and test sends: they lead to pages that say so. */
export function previewLinks(ctx: AppContext): Record<string, string> {
  const base = baseUrl(ctx);
  return { unsubscribe: `${base}/u/preview`, preferences: `${base}/p/preview`, surveys: `${base}/s/preview` };
}

/** The message a survey link was made for, or undefined when the token was not made by us. */
export function readSurveyMessageToken(ctx: AppContext, token: string): string | undefined {
  return verifyIds(ctx.secret, SURVEY, token, 1)?.[0];
}
