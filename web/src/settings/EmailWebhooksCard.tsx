// Settings › Email › Bounce and complaint webhooks (admins): the three URLs providers post
// bounces and spam complaints to, and a rotation of the secret they carry.
import { Alert, Button, Card, Code, Stack, Text } from '@mantine/core';
import { IconInfoCircle, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { z } from 'zod';
import type { webhookUrls } from '../../../src/messaging/webhook-contract.ts';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';

type WebhookUrls = z.input<typeof webhookUrls>;

const HOOKS: { key: 'postmark' | 'ses' | 'generic'; label: string; where: ReactNode }[] = [
  {
    key: 'postmark',
    label: 'Postmark',
    where: (
      <>
        In Postmark: <b>Servers › your server › Webhooks</b>, add a webhook with this URL and tick <b>Bounce</b> and <b>Spam Complaint</b>.
      </>
    ),
  },
  {
    key: 'ses',
    label: 'Amazon SES',
    where: (
      <>
        In AWS: an <b>SNS topic</b> with an <b>HTTPS subscription</b> to this URL (confirmed automatically), set as the bounce and complaint
        notification topic of your SES identity.
      </>
    ),
  },
  {
    key: 'generic',
    label: 'Any other system',
    where: (
      <>
        POST JSON like <Code fz="xs">{'{"type": "bounce", "email": "…", "bounceType": "hard"}'}</Code> or{' '}
        <Code fz="xs">{'{"type": "complaint", "email": "…"}'}</Code> (or an array of them).
      </>
    ),
  },
];

/** A URL on this machine (RAPPORT_PUBLIC_URL not set): no provider can post to it. */
function isLocal(url: string): boolean {
  try {
    return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function EmailWebhooksCard() {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('email', 'webhooks');
  const urls = useQuery({ queryKey: key, queryFn: () => api.get<WebhookUrls>('/email/webhooks') });
  const [confirming, setConfirming] = useState(false);
  const rotate = useMutation({
    mutationFn: () => api.post<WebhookUrls>('/email/webhooks/rotate', {}),
    onSuccess: (fresh) => {
      setConfirming(false);
      queryClient.setQueryData(key, fresh);
      notifySuccess('Paste the new URLs into your email provider: the old ones no longer work.', 'Webhook URLs rotated');
    },
    onError: (err) => {
      setConfirming(false);
      notifyError(err, 'Could not rotate the webhook URLs');
    },
  });

  return (
    <Card data-testid="email-webhooks">
      <SectionHeader
        title="Bounce and complaint webhooks"
        description="Where your email provider reports bounced addresses and spam complaints. Those addresses go on the suppression list and get no more marketing email."
        actions={
          <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => setConfirming(true)} disabled={!urls.data}>
            Rotate
          </Button>
        }
      />
      {urls.isPending ? (
        <LoadingBlock />
      ) : urls.isError ? (
        <ErrorBlock error={urls.error} onRetry={() => void urls.refetch()} />
      ) : (
        <Stack gap="lg">
          {isLocal(urls.data.generic) && (
            <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />} data-testid="webhooks-local">
              These URLs name this machine, which your provider cannot reach. Set <Code fz="xs">RAPPORT_PUBLIC_URL</Code> to the address Rapport is
              reached at from the internet, and the URLs follow.
            </Alert>
          )}
          {HOOKS.map((h) => (
            <Stack key={h.key} gap={6}>
              <CopyField label={h.label} value={urls.data[h.key]} />
              <Text fz="xs" c="dimmed">
                {h.where}
              </Text>
            </Stack>
          ))}
          <Text fz="xs" c="dimmed">
            The secret in these URLs is their only credential: keep them private.{' '}
            {urls.data.rotatedAt ? `Last rotated ${formatDateTime(urls.data.rotatedAt)}.` : `Made ${formatDateTime(urls.data.createdAt)}, never rotated.`}
          </Text>
        </Stack>
      )}
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="Rotate the webhook URLs?"
        confirmLabel="Rotate URLs"
        loading={rotate.isPending}
        onConfirm={() => rotate.mutate()}
      >
        The current URLs stop working at once: bounces and complaints your provider posts to them are refused until you paste the new ones
        into Postmark, SNS or your own system. Rotate when a URL may have leaked.
      </ConfirmModal>
    </Card>
  );
}
