// Segments and lists of the workspace: how big each is, how it moved over 30 days, and the
// ways to make a new one (from scratch, as a list, or from a template).
import { Anchor, Badge, Button, Card, EmptyState, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChartPie, IconList, IconPlus, IconTemplate } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { fromNow } from '../lib/format.ts';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { ListDetailsModal } from './ListDetailsModal.tsx';
import { isCalculating, type Segment, useSegmentsQuery } from './model.ts';
import { Sparkline } from './SizeChart.tsx';
import { TemplatesModal } from './TemplatesModal.tsx';
import classes from './segments.module.css';

const n = (x: number) => x.toLocaleString('en');

export function KindBadge({ kind }: { kind: Segment['kind'] }) {
  return kind === 'segment' ? (
    <Badge color="violet" leftSection={<IconChartPie size={12} />}>
      Segment
    </Badge>
  ) : (
    <Badge color="teal" leftSection={<IconList size={12} />}>
      List
    </Badge>
  );
}

/** The member count, or "calculating…" while a segment's members are computed. */
export function SizeText({ segment, fz = 'sm', calculating = isCalculating(segment) }: { segment: Segment; fz?: string; calculating?: boolean }) {
  if (calculating) {
    return (
      <Group gap={6} wrap="nowrap" justify="inherit" data-testid="segment-size">
        <Loader size={12} type="oval" />
        <Text fz={fz} c="dimmed" fs="italic">
          calculating…
        </Text>
      </Group>
    );
  }
  return (
    <Text fz={fz} fw={600} data-testid="segment-size">
      {n(segment.memberCount)}
    </Text>
  );
}

export function SegmentsPage() {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const segments = useSegmentsQuery();
  const [listOpen, listModal] = useDisclosure(false);
  const [templatesOpen, templatesModal] = useDisclosure(false);
  const navigate = useNavigate();

  const actions = (
    <>
      <Button variant="default" leftSection={<IconTemplate size={16} stroke={1.7} />} onClick={templatesModal.open} disabled={!canWrite}>
        Start from a template
      </Button>
      <Button variant="default" leftSection={<IconList size={16} stroke={1.7} />} onClick={listModal.open} disabled={!canWrite}>
        New list
      </Button>
      <Button component={Link} to="/segments/new" leftSection={<IconPlus size={16} />} disabled={!canWrite}>
        New segment
      </Button>
    </>
  );

  const items = segments.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Segments"
        description="Segments follow their conditions on properties and behaviour and stay current by themselves; lists hold the contacts you put in them."
        actions={actions}
      />
      {segments.isPending ? (
        <Card>
          <LoadingBlock label="Loading segments" />
        </Card>
      ) : segments.isError ? (
        <ErrorBlock error={segments.error} onRetry={() => void segments.refetch()} />
      ) : items.length === 0 ? (
        <Card py={48}>
          <EmptyState
            variant="light"
            color="violet"
            icon={<IconChartPie size={30} stroke={1.6} />}
            title="No segments or lists yet"
            description="Group your contacts by who they are and what they did: “bought twice in the last year”, “gold tier and no purchase in 90 days”. Or start from a template: RFM groups, lapsed customers, top spenders."
            maw={640}
            mx="auto"
          >
            <EmptyState.Actions>
              <Button component={Link} to="/segments/new" leftSection={<IconPlus size={16} />} disabled={!canWrite}>
                New segment
              </Button>
              <Button variant="default" leftSection={<IconTemplate size={16} />} onClick={templatesModal.open} disabled={!canWrite}>
                Start from a template
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={760} type="native">
            <Table verticalSpacing={12} horizontalSpacing="lg" highlightOnHover aria-label="Segments and lists">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th w={130}>Type</Table.Th>
                  <Table.Th w={140} ta="right">
                    Contacts
                  </Table.Th>
                  <Table.Th w={160}>Last 30 days</Table.Th>
                  <Table.Th w={150}>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={s.id} className={classes.row} onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/segments/${s.id}`)}>
                    <Table.Td>
                      <Stack gap={2}>
                        <Anchor component={Link} to={`/segments/${s.id}`} fz="sm" fw={600} c="dark.8" className={classes.nameLink}>
                          {s.name}
                        </Anchor>
                        {s.description && (
                          <Text fz="xs" c="dimmed" lineClamp={1} maw={460}>
                            {s.description}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <KindBadge kind={s.kind} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Group justify="flex-end">
                        <SizeText segment={s} />
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Sparkline points={s.sizes} since={s.createdAt} label={`Size of ${s.name} over 30 days`} />
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c="dimmed">
                        {fromNow(s.updatedAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <ListDetailsModal opened={listOpen} onClose={listModal.close} />
      <TemplatesModal opened={templatesOpen} onClose={templatesModal.close} />
    </>
  );
}
