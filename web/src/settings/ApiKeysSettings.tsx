import { Anchor, Badge, Button, Card, Code, EmptyState, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconExternalLink, IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatDateTime, fromNow } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import type { ApiKey } from '../lib/types.ts';
import { AdminOnly } from './AdminOnly.tsx';
import { CreateApiKeyModal } from './CreateApiKeyModal.tsx';
import { SCOPES } from './scopes.ts';

export function ApiKeysSettings() {
  const workspace = useWorkspace();
  const [creating, create] = useDisclosure(false);
  if (!roleAtLeast(workspace.role, 'admin')) return <AdminOnly role={workspace.role} what="API keys" />;
  return (
    <Card>
      <SectionHeader
        title="API keys"
        description={
          <>
            Keys let your systems talk to Rapport: send events, sync contacts.{' '}
            <Anchor href="/api/docs" target="_blank" rel="noreferrer" fz="sm" inline>
              API reference <IconExternalLink size={12} style={{ verticalAlign: 'middle' }} />
            </Anchor>
          </>
        }
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={create.open}>
            Create API key
          </Button>
        }
      />
      <ApiKeysTable onCreate={create.open} />
      <CreateApiKeyModal opened={creating} onClose={create.close} />
    </Card>
  );
}

function ApiKeysTable({ onCreate }: { onCreate: () => void }) {
  const key = useWorkspaceKey('api-keys');
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: key, queryFn: () => api.get<ApiKey[]>('/api-keys') });
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useMutation({
    mutationFn: (k: ApiKey) => api.delete(`/api-keys/${k.id}`),
    onSuccess: (_d, k) => {
      notifySuccess(`${k.name} stopped working. Anything still using it gets 401 from now on.`, 'API key revoked');
      setRevoking(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (err) => notifyError(err, 'Could not revoke the key'),
  });

  if (keys.isPending) return <LoadingBlock />;
  if (keys.isError) return <ErrorBlock error={keys.error} onRetry={() => void keys.refetch()} />;
  if (keys.data.length === 0) {
    return (
      <Card withBorder={false} bg="gray.0" radius="md" py={40}>
        <EmptyState
          variant="light"
          icon={<IconKey size={26} />}
          title="No API keys yet"
          description="Create an ingest key for your website or shop to send contacts and events, or a full-access key for your own integrations."
        >
          <EmptyState.Actions>
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={onCreate}>
              Create your first key
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      </Card>
    );
  }

  return (
    <>
      <Table.ScrollContainer minWidth={720} type="native">
        <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th w={100}>Scope</Table.Th>
              <Table.Th w={130}>Key</Table.Th>
              <Table.Th w={115}>Created</Table.Th>
              <Table.Th w={115}>Last used</Table.Th>
              <Table.Th w={100}>Status</Table.Th>
              <Table.Th w={80} aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.map((k) => {
              const revoked = k.revokedAt !== null;
              return (
                <Table.Tr key={k.id} c={revoked ? 'dimmed' : undefined}>
                  <Table.Td>
                    <Text fz="sm" fw={600} td={revoked ? 'line-through' : undefined}>
                      {k.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={SCOPES[k.scope].color}>{SCOPES[k.scope].short}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Code fz="xs">{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" c="dimmed">
                      {formatDate(k.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {k.lastUsedAt ? (
                      <Tooltip label={formatDateTime(k.lastUsedAt)}>
                        <Text fz="sm" c="dimmed" span>
                          {fromNow(k.lastUsedAt)}
                        </Text>
                      </Tooltip>
                    ) : (
                      <Text fz="sm" c="dimmed">
                        Never
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {revoked ? (
                      <Tooltip label={`Revoked ${formatDateTime(k.revokedAt!)}`}>
                        <Badge color="gray" variant="outline">
                          Revoked
                        </Badge>
                      </Tooltip>
                    ) : (
                      <Badge color="green" variant="dot">
                        Active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {!revoked && (
                      <Button variant="subtle" color="red" size="xs" onClick={() => setRevoking(k)}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke API key?"
        confirmLabel="Revoke key"
        loading={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => setRevoking(null)}
      >
        <Stack gap="xs">
          <span>
            <b>{revoking?.name}</b> stops working at once: every system using it will be refused. This cannot be undone.
          </span>
        </Stack>
      </ConfirmModal>
    </>
  );
}
