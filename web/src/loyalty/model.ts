// The loyalty API as the web app sees it: the types of src/loyalty/contract.ts (import type
// only: the contract holds zod; dates arrive as strings), the queries of the program, its
// report, its members and one member, and the writes (program, rules, tiers, rewards, an
// adjustment of a member's points). Every write asks the loyalty pages again.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  adjustBody,
  memberResult,
  membersResult,
  overviewResult,
  programBody,
  programResult,
  reportResult,
  rewardBody,
  rewardResult,
  ruleBody,
  ruleResult,
  tierResult,
  tiersBody,
} from '../../../src/loyalty/contract.ts';
import { api } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';

export type LoyaltyOverview = z.input<typeof overviewResult>;
export type Program = z.input<typeof programResult>;
export type ProgramBody = z.input<typeof programBody>;
export type Rule = z.input<typeof ruleResult>;
export type RuleBody = z.input<typeof ruleBody>;
export type Tier = z.input<typeof tierResult>;
export type TiersBody = z.input<typeof tiersBody>;
export type Reward = z.input<typeof rewardResult>;
export type RewardBody = z.input<typeof rewardBody>;
export type Member = z.input<typeof memberResult>;
export type StatementLine = Member['statement'][number];
export type MemberRow = z.input<typeof membersResult>['members'][number];
export type LoyaltyReport = z.input<typeof reportResult>;
export type AdjustBody = z.input<typeof adjustBody>;
export type LimitPeriod = NonNullable<RuleBody['limit']>['period'];

/** The program (null before it is set up) with its rules, tiers and rewards. */
export function useLoyaltyQuery(enabled = true) {
  return useQuery({
    queryKey: useWorkspaceKey('loyalty', 'overview'),
    queryFn: () => api.get<LoyaltyOverview>('/loyalty'),
    staleTime: 30_000,
    enabled,
  });
}

export function useLoyaltyReportQuery() {
  return useQuery({ queryKey: useWorkspaceKey('loyalty', 'report'), queryFn: () => api.get<LoyaltyReport>('/loyalty/report'), staleTime: 30_000 });
}

export const MEMBERS_SHOWN = 200;

export function useMembersQuery(tierId: string | null) {
  return useQuery({
    queryKey: useWorkspaceKey('loyalty', 'members', tierId ?? 'all'),
    queryFn: () => api.get<{ members: MemberRow[] }>(`/loyalty/members?limit=${MEMBERS_SHOWN}${tierId ? `&tierId=${tierId}` : ''}`),
    staleTime: 15_000,
  });
}

export function useMemberQuery(contactId: string, enabled: boolean) {
  return useQuery({
    queryKey: useWorkspaceKey('loyalty', 'member', contactId),
    queryFn: () => api.get<Member>(`/loyalty/members/${contactId}`),
    enabled,
  });
}

/** A write of the program; on success the loyalty pages (and the contact pages' cards) are asked again. */
function useLoyaltyWrite<I, O>(write: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('loyalty');
  return useMutation({ mutationFn: write, onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }) });
}

export const useSaveProgram = () => useLoyaltyWrite((body: ProgramBody) => api.put<Program>('/loyalty/program', body));

export const useSaveRule = () => useLoyaltyWrite(({ id, body }: { id: string | null; body: RuleBody }) => (id ? api.put<Rule>(`/loyalty/rules/${id}`, body) : api.post<Rule>('/loyalty/rules', body)));

export const useSaveTiers = () => useLoyaltyWrite((body: TiersBody) => api.put<{ tiers: Tier[] }>('/loyalty/tiers', body));

export const useSaveReward = () =>
  useLoyaltyWrite(({ id, body }: { id: string | null; body: RewardBody }) => (id ? api.put<Reward>(`/loyalty/rewards/${id}`, body) : api.post<Reward>('/loyalty/rewards', body)));

/** Adds or removes a member's points; `requestKey`, made once per form, makes a retry of the same form count once. */
export function useAdjustPoints(contactId: string) {
  const queryClient = useQueryClient();
  const loyaltyKey = useWorkspaceKey('loyalty');
  const contactKey = useWorkspaceKey('contacts', 'one', contactId);
  return useMutation({
    mutationFn: ({ body, requestKey }: { body: AdjustBody; requestKey: string }) => api.post<{ ok: true }>(`/loyalty/members/${contactId}/adjust`, body, { 'idempotency-key': requestKey }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: loyaltyKey });
      // The timeline shows the adjustment.
      void queryClient.invalidateQueries({ queryKey: contactKey });
    },
  });
}
