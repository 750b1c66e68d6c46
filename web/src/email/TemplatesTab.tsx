// Email › Templates: every template of the workspace, and the way to a new one.
import { Anchor, Button, Card, EmptyState, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus, IconTemplate } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router-dom';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { fromNow } from '../lib/format.ts';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { useTemplatesQuery } from './model.ts';
import { NewTemplateModal } from './NewTemplateModal.tsx';
import classes from './email.module.css';

export function TemplatesTab() {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const templates = useTemplatesQuery();
  const [creating, create] = useDisclosure(false);
  const navigate = useNavigate();
  const items = templates.data ?? [];

  return (
    <>
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Text fz="sm" c="dimmed">
          Responsive templates with merge fields. Broadcasts and workflows send them.
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={create.open} disabled={!canWrite}>
          New template
        </Button>
      </Group>
      {templates.isPending ? (
        <Card>
          <LoadingBlock label="Loading templates" />
        </Card>
      ) : templates.isError ? (
        <ErrorBlock error={templates.error} onRetry={() => void templates.refetch()} />
      ) : items.length === 0 ? (
        <Card py={48}>
          <EmptyState
            variant="light"
            color="blue"
            icon={<IconTemplate size={30} stroke={1.6} />}
            title="No templates yet"
            description="Start from one of five retention starters (welcome, win-back, loyalty summary, feedback request, exclusive offer) and make it yours, or write one from a blank page."
            maw={640}
            mx="auto"
          >
            <EmptyState.Actions>
              <Button leftSection={<IconPlus size={16} />} onClick={create.open} disabled={!canWrite}>
                New template
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={700} type="native">
            <Table verticalSpacing={12} horizontalSpacing="lg" highlightOnHover aria-label="Templates">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th w={160}>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((t) => (
                  <Table.Tr key={t.id} className={classes.row} onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/email/templates/${t.id}`)}>
                    <Table.Td>
                      <Anchor component={Link} to={`/email/templates/${t.id}`} fz="sm" fw={600} c="dark.8" className={classes.nameLink}>
                        {t.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={0}>
                        <Text fz="sm" lineClamp={1}>
                          {t.subject}
                        </Text>
                        {t.preheader && (
                          <Text fz="xs" c="dimmed" lineClamp={1}>
                            {t.preheader}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c="dimmed">
                        {fromNow(t.updatedAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <NewTemplateModal opened={creating} onClose={create.close} />
    </>
  );
}
