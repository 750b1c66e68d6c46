// "Make a list" on a broadcast's report: the recipients who opened, did not open, clicked or
// did not click become a static list, ready for the next broadcast (resend to non-openers).
import { Button, Menu } from '@mantine/core';
import { IconChevronDown, IconListDetails } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import type { z } from 'zod';
import type { broadcastListCreated, FOLLOW_UP_GROUPS } from '../../../src/messaging/broadcast-contract.ts';
import { api } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';

type Group = (typeof FOLLOW_UP_GROUPS)[number];
type Created = z.input<typeof broadcastListCreated>;

const CHOICES: { who: Group; label: string }[] = [
  { who: 'not_opened', label: 'Who did not open' },
  { who: 'opened', label: 'Who opened' },
  { who: 'clicked', label: 'Who clicked' },
  { who: 'not_clicked', label: 'Who did not click' },
  { who: 'delivered', label: 'Everyone it reached' },
];

export function FollowUpMenu({ broadcastId }: { broadcastId: string }) {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const segmentsKey = useWorkspaceKey('segments');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const make = useMutation({
    mutationFn: (who: Group) => api.post<Created>(`/email/broadcasts/${broadcastId}/lists`, { who }),
    onSuccess: (list) => {
      void queryClient.invalidateQueries({ queryKey: segmentsKey });
      notifySuccess(`${list.memberCount.toLocaleString('en')} ${list.memberCount === 1 ? 'contact is' : 'contacts are'} in “${list.name}”. Send it a broadcast from Email.`, 'List made');
      navigate(`/segments/${list.id}`);
    },
    onError: (err) => notifyError(err, 'Could not make the list'),
  });
  if (!canWrite) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" size="sm" leftSection={<IconListDetails size={16} />} rightSection={<IconChevronDown size={14} />} loading={make.isPending}>
          Make a list
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Recipients, as a list for a follow-up</Menu.Label>
        {CHOICES.map((c) => (
          <Menu.Item key={c.who} onClick={() => make.mutate(c.who)}>
            {c.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
