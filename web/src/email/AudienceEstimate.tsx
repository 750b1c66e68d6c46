// How many of a segment or list a broadcast would reach now, and who it leaves out and why,
// as the server counts it for the send itself (GET /email/audience).
import { Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';
import type { AudienceEstimate } from './model.ts';

const n = (x: number) => x.toLocaleString('en');

export function useAudienceEstimate(segmentId: string, topicId: string) {
  return useQuery({
    queryKey: useWorkspaceKey('email', 'audience', segmentId, topicId),
    queryFn: () => api.get<AudienceEstimate>(`/email/audience?segmentId=${encodeURIComponent(segmentId)}${topicId ? `&topicId=${encodeURIComponent(topicId)}` : ''}`),
    enabled: segmentId !== '',
    placeholderData: keepPreviousData,
  });
}

type Reason = { count: number; short: string; sentence: (n: string, one: boolean) => string };

/** The reasons that apply, largest first. */
function reasons(e: AudienceEstimate): Reason[] {
  const all: Reason[] = [
    { count: e.leftOut.notSubscribed, short: 'not subscribed', sentence: (x, one) => `${x} ${one ? 'is' : 'are'} not subscribed` },
    { count: e.leftOut.suppressed, short: 'on the suppression list', sentence: (x, one) => `${x} ${one ? 'is' : 'are'} on the suppression list` },
    { count: e.leftOut.leftTopic, short: 'left the topic', sentence: (x) => `${x} left the topic` },
    { count: e.leftOut.controlGroup, short: 'in the control group', sentence: (x, one) => `${x} ${one ? 'is' : 'are'} in the control group (no marketing email)` },
    { count: e.leftOut.noEmail, short: 'without an email address', sentence: (x, one) => `${x} ${one ? 'has' : 'have'} no email address` },
  ];
  return all.filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
}

/** "612 not subscribed, 94 on the suppression list". */
export function leftOutReasons(e: AudienceEstimate): string {
  return reasons(e)
    .map((r) => `${n(r.count)} ${r.short}`)
    .join(', ');
}

/** The sentence of the send confirmation. */
export function audienceSentence(e: AudienceEstimate, name: string): string {
  if (e.members === 0) return `“${name}” has no members now: nobody gets it.`;
  const left = e.members - e.reachable;
  if (left === 0) return e.members === 1 ? `It goes to the one contact of “${name}”.` : `It goes to all ${n(e.members)} contacts of “${name}”.`;
  const why = reasons(e);
  const tail = why.length === 1 ? why[0]!.sentence(n(left), left === 1) : `${n(left)} ${left === 1 ? 'is' : 'are'} left out (${leftOutReasons(e)})`;
  return `It goes to ${n(e.reachable)} of the ${n(e.members)} contacts of “${name}”; ${tail}.`;
}

/** The line under the audience picker. */
export function AudienceEstimateLine({ estimate: e }: { estimate: AudienceEstimate | undefined }) {
  if (!e) return null;
  const left = e.members - e.reachable;
  return (
    <Text fz="sm" c="dimmed" data-testid="audience-estimate">
      <Text span fw={600} c="var(--mantine-color-text)">
        {n(e.reachable)} {e.reachable === 1 ? 'contact gets' : 'contacts get'} it now
      </Text>
      {left > 0 ? ` · left out: ${leftOutReasons(e)}` : ''}
    </Text>
  );
}
