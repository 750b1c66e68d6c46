// The surveys of the workspace: each with its state, its kind, its headline figure (NPS, CSAT,
// CES), responses, invitations sent and the last answer; "New survey" from a starter (in a
// language) or blank; and the workspace's survey fatigue rule.
import { Alert, Anchor, Badge, Button, Card, EmptyState, Group, Modal, ScrollArea, Select, SimpleGrid, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle, IconChevronRight, IconFile, IconMessageCircleStar, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../../../src/surveys/strings.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, errorMessage } from '../lib/api.ts';
import { fromNow } from '../lib/format.ts';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { blankContent, problemsByPath } from './editor.ts';
import { FatigueCard } from './FatigueCard.tsx';
import {
  formatCount as n,
  HEADLINE_WORDS,
  headlineText,
  KIND_LABELS,
  KIND_NAMES,
  STATE_COLORS,
  STATE_LABELS,
  type StarterKey,
  type SurveyDetail,
  type SurveyKind,
  type SurveyState,
  type SurveySummary,
  useSurveysQuery,
  useSurveyStartersQuery,
} from './model.ts';
import classes from './surveys.module.css';

export function StateBadge({ state }: { state: SurveyState }) {
  return (
    <Badge color={STATE_COLORS[state]} variant={state === 'active' ? 'filled' : 'light'} data-testid="state-badge">
      {STATE_LABELS[state]}
    </Badge>
  );
}

export function KindBadge({ kind }: { kind: SurveyKind }) {
  return (
    <Badge color={kind === 'custom' ? 'gray' : 'orange'} variant="outline" title={KIND_NAMES[kind]}>
      {KIND_LABELS[kind]}
    </Badge>
  );
}

/** "+25 NPS" / "82% satisfied" / "–". */
function Headline({ s }: { s: SurveySummary }) {
  const text = headlineText(s.headline.kind, s.headline.value);
  if (text === '–')
    return (
      <Text fz="sm" c="dimmed">
        –
      </Text>
    );
  return (
    <Text fz="sm" fw={650} data-testid="headline">
      {text}{' '}
      <Text span fz="xs" c="dimmed" fw={400}>
        {HEADLINE_WORDS[s.headline.kind]}
      </Text>
    </Text>
  );
}

export function SurveysPage() {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const surveys = useSurveysQuery();
  const [newOpen, newModal] = useDisclosure(false);
  const phone = useMediaQuery('(max-width: 48em)');
  const navigate = useNavigate();
  const items = surveys.data?.items ?? [];
  const newButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={newModal.open} disabled={!canWrite}>
      New survey
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Surveys"
        description="Ask your customers how likely they are to recommend you (NPS), how satisfied they are (CSAT) or how easy something was (CES), by email or by link. Every answer lands on the contact’s timeline, for segments and workflows to use."
        actions={items.length > 0 ? newButton : undefined}
      />
      <Stack gap="lg">
        {surveys.isPending ? (
          <Card>
            <LoadingBlock label="Loading surveys" />
          </Card>
        ) : surveys.isError ? (
          <ErrorBlock error={surveys.error} onRetry={() => void surveys.refetch()} />
        ) : items.length === 0 ? (
          <Card py="xl">
            <EmptyState
              variant="light"
              color="orange"
              icon={<IconMessageCircleStar size={30} stroke={1.6} />}
              title="No surveys yet"
              description="Start from one of these: each comes with its questions, a thank-you page and an email carrying the first question, in the language you choose. You can change everything before sending."
              maw={640}
              mx="auto"
            />
            {canWrite ? (
              <Stack gap="sm" mt="lg" maw={880} mx="auto" w="100%">
                <StarterPicker onCreated={(s) => navigate(`/surveys/${s.id}/edit`)} />
                <Group justify="center">
                  <Button variant="subtle" leftSection={<IconFile size={16} />} onClick={newModal.open}>
                    Or start from a blank survey
                  </Button>
                </Group>
              </Stack>
            ) : (
              <Text ta="center" fz="sm" c="dimmed" mt="md">
                Marketers, admins and owners can create surveys.
              </Text>
            )}
          </Card>
        ) : phone ? (
          <Stack gap="sm" role="list" aria-label="Surveys">
            {items.map((s) => (
              <Card key={s.id} padding="md" role="listitem" data-testid="survey-row">
                <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
                  <Anchor component={Link} to={`/surveys/${s.id}`} fz="sm" fw={650} c="dark.8" className={classes.nameLink}>
                    {s.name}
                  </Anchor>
                  <StateBadge state={s.state} />
                </Group>
                <Group gap={6} mt={4}>
                  <KindBadge kind={s.kind} />
                  <Text fz="xs" c="dimmed">
                    {s.lastResponseAt ? `last answer ${fromNow(s.lastResponseAt)}` : 'no answers yet'}
                  </Text>
                </Group>
                <Group gap="lg" mt="sm">
                  {s.kind !== 'custom' && (
                    <Stack gap={0}>
                      <Text fz="lg" fw={650} lh={1.2}>
                        {headlineText(s.headline.kind, s.headline.value)}
                      </Text>
                      <Text fz="xs" c="dimmed">
                        {HEADLINE_WORDS[s.kind]}
                      </Text>
                    </Stack>
                  )}
                  <Stack gap={0}>
                    <Text fz="lg" fw={650} lh={1.2}>
                      {n(s.responses)}
                    </Text>
                    <Text fz="xs" c="dimmed">
                      {s.responses === 1 ? 'response' : 'responses'}
                    </Text>
                  </Stack>
                  <Stack gap={0}>
                    <Text fz="lg" fw={650} lh={1.2}>
                      {n(s.sent)}
                    </Text>
                    <Text fz="xs" c="dimmed">
                      sent
                    </Text>
                  </Stack>
                </Group>
              </Card>
            ))}
          </Stack>
        ) : (
          <Card p={0}>
            <Table.ScrollContainer minWidth={860} type="native">
              <Table verticalSpacing={12} horizontalSpacing="lg" highlightOnHover aria-label="Surveys">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th w={140}>State</Table.Th>
                    <Table.Th w={90}>Kind</Table.Th>
                    <Table.Th w={150}>Score</Table.Th>
                    <Table.Th w={100} ta="right">
                      Responses
                    </Table.Th>
                    <Table.Th w={90} ta="right">
                      Sent
                    </Table.Th>
                    <Table.Th w={140}>Last answer</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((s) => (
                    <Table.Tr key={s.id} className={classes.row} onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/surveys/${s.id}`)} data-testid="survey-row">
                      <Table.Td>
                        <Anchor component={Link} to={`/surveys/${s.id}`} fz="sm" fw={600} c="dark.8" className={classes.nameLink}>
                          {s.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <StateBadge state={s.state} />
                      </Table.Td>
                      <Table.Td>
                        <KindBadge kind={s.kind} />
                      </Table.Td>
                      <Table.Td>
                        <Headline s={s} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Text fz="sm" fw={600} data-testid="responses">
                          {n(s.responses)}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Text fz="sm">{n(s.sent)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text fz="sm" c="dimmed">
                          {s.lastResponseAt ? fromNow(s.lastResponseAt) : 'None yet'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        )}
        <FatigueCard />
      </Stack>
      <NewSurveyModal opened={newOpen} onClose={newModal.close} />
    </>
  );
}

/** The four starters, in the chosen language; a click creates the survey. */
function StarterPicker({ onCreated }: { onCreated: (s: SurveyDetail) => void }) {
  const starters = useSurveyStartersQuery();
  const queryClient = useQueryClient();
  const listKey = useWorkspaceKey('surveys', 'list');
  const [language, setLanguage] = useState<Language>('en');
  const create = useMutation({
    mutationFn: (starter: StarterKey) => api.post<SurveyDetail>('/surveys', { starter, language }),
    onSuccess: (s) => {
      void queryClient.invalidateQueries({ queryKey: listKey });
      onCreated(s);
    },
  });
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" gap="sm">
        <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em">
          Start from
        </Text>
        <Select
          size="xs"
          w={200}
          label="Language your customers see"
          data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
          value={language}
          onChange={(v) => v && setLanguage(v as Language)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      {create.isError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
          {errorMessage(create.error)}
        </Alert>
      )}
      {starters.isPending ? (
        <LoadingBlock label="Loading starters" />
      ) : starters.isError ? (
        <ErrorBlock error={starters.error} onRetry={() => void starters.refetch()} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" role="list" aria-label="Starters">
          {starters.data.items.map((s) => (
            <UnstyledButton
              key={s.key}
              role="listitem"
              aria-label={s.name}
              className={classes.starter}
              disabled={create.isPending}
              onClick={() => create.mutate(s.key)}
              data-testid="starter"
              data-starter={s.key}
            >
              <Group justify="space-between" wrap="nowrap" gap="md" align="flex-start">
                <Stack gap={4}>
                  <Group gap="xs">
                    <Text fw={600} fz="sm">
                      {s.name}
                    </Text>
                    <KindBadge kind={s.kind} />
                  </Group>
                  <Text fz="xs" c="dimmed" lh={1.5}>
                    {s.description}
                  </Text>
                </Stack>
                <IconChevronRight size={18} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0, marginTop: 2 }} />
              </Group>
            </UnstyledButton>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** A starter or a blank survey; either opens in the editor as a draft. */
function NewSurveyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const listKey = useWorkspaceKey('surveys', 'list');
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const done = (s: SurveyDetail) => {
    void queryClient.invalidateQueries({ queryKey: listKey });
    onClose();
    setName('');
    navigate(`/surveys/${s.id}/edit`);
  };
  const blank = useMutation({
    mutationFn: (title: string) => api.post<SurveyDetail>('/surveys', { name: title, content: blankContent(title) }),
    onSuccess: done,
    onError: (err) => setNameError(problemsByPath(err)['name'] ?? errorMessage(err)),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>New survey</Text>} size="xl" scrollAreaComponent={ScrollArea.Autosize}>
      <Text fz="sm" c="dimmed" mb="md">
        A new survey is a draft: it takes no answers until you activate it. A starter fills in the questions for you to read and change.
      </Text>
      <Stack gap="lg">
        <StarterPicker onCreated={done} />
        <Stack gap="xs">
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em">
            Or blank
          </Text>
          <Group align="flex-start" gap="sm">
            <TextInput
              aria-label="Name of the new survey"
              placeholder="Name, like “After delivery”"
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setNameError(null);
              }}
              error={nameError}
              style={{ flex: 1, minWidth: 200 }}
            />
            <Button variant="default" leftSection={<IconFile size={16} />} onClick={() => name.trim() && blank.mutate(name.trim())} loading={blank.isPending} disabled={!name.trim()}>
              Blank survey
            </Button>
          </Group>
        </Stack>
      </Stack>
    </Modal>
  );
}
