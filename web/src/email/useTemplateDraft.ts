// The template being edited, saved as you type: a pause of a moment saves the changes, the
// server checks them (Liquid and MJML), and either the preview renders the new version or the
// problems are marked where they are. The server previews saved templates only, so saving
// drafts is what makes the preview live; broadcasts copy the template when they start, so a
// send in progress never sees a half-typed edit.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';
import { type EmailTemplate, type TemplateBody, type TemplateIssue, templateErrors } from './model.ts';

export type Draft = Required<Pick<TemplateBody, 'name' | 'subject' | 'preheader' | 'body' | 'defaults'>>;
export type SaveStatus = 'saved' | 'dirty' | 'saving' | 'error';

const SAVE_AFTER_MS = 700;

const toDraft = (t: EmailTemplate): Draft => ({ name: t.name, subject: t.subject, preheader: t.preheader, body: t.body, defaults: { ...t.defaults } });

function changes(from: Draft, to: Draft): Partial<Draft> {
  const out: Partial<Draft> = {};
  if (from.name !== to.name) out.name = to.name;
  if (from.subject !== to.subject) out.subject = to.subject;
  if (from.preheader !== to.preheader) out.preheader = to.preheader;
  if (from.body !== to.body) out.body = to.body;
  if (JSON.stringify(from.defaults) !== JSON.stringify(to.defaults)) out.defaults = to.defaults;
  return out;
}

export function useTemplateDraft(template: EmailTemplate) {
  const queryClient = useQueryClient();
  const listKey = useWorkspaceKey('email', 'templates');
  const [draft, setDraft] = useState<Draft>(() => toDraft(template));
  const [saved, setSaved] = useState<EmailTemplate>(template);
  const [status, setStatus] = useState<SaveStatus>('saved');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<TemplateIssue[]>([]);
  const [error, setError] = useState<string | null>(null);

  const latest = useRef(draft);
  const savedDraft = useRef(toDraft(template));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const again = useRef(false);

  /** Saves what is typed now; resolves to whether everything typed is saved. */
  async function save(): Promise<boolean> {
    clearTimeout(timer.current);
    if (inFlight.current) {
      again.current = true;
      return inFlight.current;
    }
    const sending = latest.current;
    const patch = changes(savedDraft.current, sending);
    if (Object.keys(patch).length === 0) {
      // Back to what is saved (a problem typed, then undone): nothing to save or to mark.
      setFieldErrors({});
      setIssues([]);
      setError(null);
      setStatus('saved');
      return true;
    }
    setStatus('saving');
    const run = (async () => {
      try {
        // The whole draft, not only what changed: the server fills fields left out of a PATCH
        // with their defaults (an empty preheader, no fallbacks).
        const updated = await api.patch<EmailTemplate>(`/email/templates/${template.id}`, sending);
        savedDraft.current = sending;
        setSaved(updated);
        queryClient.setQueryData([...listKey, template.id], updated);
        void queryClient.invalidateQueries({ queryKey: listKey, exact: true });
        setFieldErrors({});
        setIssues([]);
        setError(null);
        const done = Object.keys(changes(sending, latest.current)).length === 0;
        setStatus(done ? 'saved' : 'dirty');
        return done;
      } catch (err) {
        const { fields, issues: found } = templateErrors(err);
        setFieldErrors(fields);
        setIssues(found);
        setError(Object.keys(fields).length > 0 ? null : err instanceof Error ? err.message : 'The template could not be saved.');
        setStatus('error');
        return false;
      } finally {
        inFlight.current = null;
      }
    })();
    inFlight.current = run;
    const ok = await run;
    if (again.current) {
      again.current = false;
      return save();
    }
    return ok;
  }

  function change(patch: Partial<Draft>) {
    const next = { ...latest.current, ...patch };
    latest.current = next;
    setDraft(next);
    setStatus('dirty');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), SAVE_AFTER_MS);
  }

  // Leaving the page with changes not saved yet: they are saved on the way out.
  useEffect(() => {
    const refs = { timer, latest, savedDraft, id: template.id };
    return () => {
      clearTimeout(refs.timer.current);
      if (Object.keys(changes(refs.savedDraft.current, refs.latest.current)).length > 0) {
        void api
          .patch(`/email/templates/${refs.id}`, refs.latest.current)
          .then(() => queryClient.invalidateQueries({ queryKey: listKey }))
          .catch(() => undefined);
      }
    };
    // Once per template: the refs always hold the latest values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [template.id]);

  return { draft, saved, status, fieldErrors, issues, error, change, save };
}
