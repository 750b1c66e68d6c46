// The survey editor: its name and what respondents read first (title, introduction, language),
// the questions in order (added by type, moved, deleted), the endings, the look, and who may
// answer how often with which reminders. The draft lives in the survey page, above the tabs;
// saving sends it whole (PATCH) and the server's problems come back under the fields they name
// and in a list at the top.
import { ActionIcon, Alert, Anchor, Box, Button, Card, Chip, ColorInput, Group, Menu, NumberInput, Radio, Select, SimpleGrid, Stack, Switch, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy, IconExternalLink, IconPlus, IconTrash } from '@tabler/icons-react';
import { LANGUAGE_NAMES, LANGUAGES, type Language, PAGE_STRINGS } from '../../../src/surveys/strings.ts';
import { CopyField } from '../components/CopyField.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { deleteEnding, deleteQuestion, mainOf, moveQuestion, newEnding, newQuestion, renameKey, whereInWords } from './editor.ts';
import { type Band, bandLabel, bandsOfKind, type Ending, QUESTION_TYPE_INFO, type SurveyContent, type SurveyDetail, type SurveySettings } from './model.ts';
import { QuestionCard } from './QuestionCard.tsx';

export interface Draft {
  name: string;
  content: SurveyContent;
  settings: SurveySettings;
}

export interface EditTabProps {
  survey: SurveyDetail;
  draft: Draft;
  /** A change; `path` names the field changed (its problem goes), `structural` a change that moves indexes (all content problems go). */
  onDraft: (next: Draft, change?: { path?: string; structural?: boolean }) => void;
  problems: Record<string, string>;
  readOnly: boolean;
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
}

const opt = (v: string) => (v.trim() === '' ? undefined : v);
const SWATCHES = ['#4c6ef5', '#228be6', '#12b886', '#40c057', '#fab005', '#fd7e14', '#fa5252', '#e64980', '#7950f2', '#212529'];

export function EditTab({ survey, draft, onDraft, problems, readOnly, dirty, saving, onSave }: EditTabProps) {
  const { content: c, settings: s } = draft;
  const t = PAGE_STRINGS[c.language] ?? PAGE_STRINGS.en;
  const problem = (path: string) => problems[path];
  const setContent = (content: SurveyContent, path?: string, structural = false) => onDraft({ ...draft, content }, { path, structural });
  const setSettings = (settings: SurveySettings, path: string) => onDraft({ ...draft, settings }, { path });
  const main = mainOf(c.questions);
  const mainBands = main ? bandsOfKind(main.type) : [];
  const listed = Object.entries(problems);

  const saveButton = !readOnly && (
    <Button leftSection={<IconDeviceFloppy size={16} />} onClick={onSave} loading={saving} disabled={!dirty}>
      Save
    </Button>
  );

  return (
    <Stack gap="lg" data-testid="editor">
      {listed.length > 0 && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={`${listed.length === 1 ? 'One problem' : `${listed.length} problems`} to fix before saving`} data-testid="problems">
          <Stack gap={2}>
            {listed.map(([path, message]) => (
              <Text key={path} fz="sm">
                <Text span fz="sm" fw={600}>
                  {whereInWords(path, c)}:
                </Text>{' '}
                {message}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {readOnly && (
        <Alert color="gray" variant="light">
          {survey.state === 'archived' ? 'This survey is archived: it can no longer change.' : 'You can read this survey; marketers, admins and owners can change it.'}
        </Alert>
      )}

      <Card>
        <SectionHeader title="About the survey" description="What your customers read first, and the language of the buttons and hints around your questions." />
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
            <TextInput label="Name" description="Only you see it" value={draft.name} onChange={(e) => onDraft({ ...draft, name: e.currentTarget.value }, { path: 'name' })} error={problem('name')} readOnly={readOnly} />
            <Select
              label="Language"
              description="Of the buttons, hints and messages the page adds"
              data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
              value={c.language}
              onChange={(v) => v && setContent({ ...c, language: v as Language }, 'content.language')}
              allowDeselect={false}
              disabled={readOnly}
              error={problem('content.language')}
            />
          </SimpleGrid>
          <TextInput label="Title" description="At the top of the first page, with the introduction (and the name of the browser tab on every page)" value={c.title} onChange={(e) => setContent({ ...c, title: e.currentTarget.value }, 'content.title')} error={problem('content.title')} readOnly={readOnly} />
          <Textarea
            label="Introduction"
            description="A few words above the first question (optional)"
            autosize
            minRows={2}
            maxRows={6}
            value={c.intro ?? ''}
            onChange={(e) => setContent({ ...c, intro: opt(e.currentTarget.value) }, 'content.intro')}
            error={problem('content.intro')}
            readOnly={readOnly}
          />
        </Stack>
      </Card>

      <Box>
        <SectionHeader
          title="Questions"
          description={
            main
              ? `The first ${main.type === 'nps' ? 'recommend (NPS)' : main.type === 'csat' ? 'satisfaction (CSAT)' : 'ease (CES)'} question is the survey’s score: follow-ups and endings can be shown to some of its answers.`
              : 'Without a recommend, satisfaction or ease question, the survey has no score: a custom survey.'
          }
          actions={
            !readOnly && (
              <Menu position="bottom-end" shadow="md" width={260}>
                <Menu.Target>
                  <Button variant="light" leftSection={<IconPlus size={16} />} disabled={c.questions.length >= 30}>
                    Add a question
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  {QUESTION_TYPE_INFO.map((info) => (
                    <Menu.Item key={info.type} onClick={() => setContent({ ...c, questions: [...c.questions, newQuestion(info.type, c)] }, undefined, true)}>
                      <Text fz="sm" fw={500}>
                        {info.label}
                      </Text>
                      <Text fz="xs" c="dimmed">
                        {info.hint}
                      </Text>
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
            )
          }
        />
        {problem('content.questions') && (
          <Text fz="sm" c="red" mb="xs">
            {problem('content.questions')}
          </Text>
        )}
        <Stack gap="sm">
          {c.questions.map((q, i) => (
            <QuestionCard
              key={`${i}:${q.type}`}
              q={q}
              index={i}
              content={c}
              strings={t}
              readOnly={readOnly}
              keysFollowLabels={survey.responses === 0}
              problem={problem}
              onChange={(next, path) => setContent({ ...c, questions: c.questions.map((x, j) => (j === i ? next : x)) }, path)}
              onRename={(key) => setContent(renameKey(c, q.key, key), `content.questions.${i}.key`)}
              onMove={(by) => setContent(moveQuestion(c, i, by), undefined, true)}
              onDelete={() => setContent(deleteQuestion(c, i), undefined, true)}
            />
          ))}
        </Stack>
      </Box>

      <Box>
        <SectionHeader
          title="Endings"
          description="What respondents see after their last answer. With several, each can be for some answers to the score (a review link for promoters, an apology and a contact for detractors); the first that fits is shown."
          actions={
            !readOnly && (
              <Button variant="light" leftSection={<IconPlus size={16} />} disabled={c.endings.length >= 5} onClick={() => setContent({ ...c, endings: [...c.endings, newEnding(c)] }, undefined, true)}>
                Add an ending
              </Button>
            )
          }
        />
        <Stack gap="sm">
          {c.endings.map((e, i) => (
            <EndingCard
              key={i}
              e={e}
              index={i}
              bands={mainBands}
              mainType={main?.type}
              canDelete={c.endings.length > 1}
              readOnly={readOnly}
              problem={(f) => problem(`content.endings.${i}${f ? `.${f}` : ''}`)}
              onChange={(next, f) => setContent({ ...c, endings: c.endings.map((x, j) => (j === i ? next : x)) }, `content.endings.${i}.${f}`)}
              onRename={(key) => setContent(renameKey(c, e.key, key), `content.endings.${i}.key`)}
              onDelete={() => setContent(deleteEnding(c, i), undefined, true)}
            />
          ))}
        </Stack>
      </Box>

      <Card>
        <SectionHeader title="Look" description="The survey’s pages take your colour and logo." />
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
            <ColorInput
              label="Accent colour"
              format="hex"
              swatches={SWATCHES}
              value={c.look.color}
              onChange={(v) => setContent({ ...c, look: { ...c.look, color: v } }, 'content.look.color')}
              error={problem('content.look.color')}
              readOnly={readOnly}
              disabled={readOnly}
            />
            <TextInput
              label="Logo"
              description="The web address of an image (https://…)"
              placeholder="https://"
              value={c.look.logoUrl ?? ''}
              onChange={(e) => setContent({ ...c, look: { ...c.look, logoUrl: opt(e.currentTarget.value) } }, 'content.look.logoUrl')}
              error={problem('content.look.logoUrl')}
              readOnly={readOnly}
            />
            <TextInput
              label="“Next” button"
              placeholder={t.next}
              value={c.buttons.next ?? ''}
              onChange={(e) => setContent({ ...c, buttons: { ...c.buttons, next: opt(e.currentTarget.value) } }, 'content.buttons.next')}
              error={problem('content.buttons.next')}
              readOnly={readOnly}
            />
            <TextInput
              label="“Submit” button"
              placeholder={t.submit}
              value={c.buttons.submit ?? ''}
              onChange={(e) => setContent({ ...c, buttons: { ...c.buttons, submit: opt(e.currentTarget.value) } }, 'content.buttons.submit')}
              error={problem('content.buttons.submit')}
              readOnly={readOnly}
            />
          </SimpleGrid>
        </Stack>
      </Card>

      <Card>
        <SectionHeader title="Who may answer, and how often" />
        <Stack gap="md">
          <Box>
            <Switch
              label="Take anonymous answers through an open link"
              description="Anyone with the link may answer, without being one of your contacts: for a website, a receipt or social media."
              checked={s.anonymous}
              onChange={(e) => setSettings({ ...s, anonymous: e.currentTarget.checked }, 'settings.anonymous')}
              disabled={readOnly}
            />
            {s.anonymous &&
              (survey.openLink && survey.settings.anonymous ? (
                <Box mt="sm" maw={640}>
                  <CopyField label="Open link" value={survey.openLink} description="Share it anywhere; answers through it belong to no contact." />
                </Box>
              ) : (
                <Text fz="xs" c="dimmed" mt="xs">
                  The open link appears here once saved.
                </Text>
              ))}
          </Box>
          <Radio.Group
            label="A contact may answer"
            value={s.answerOnce}
            onChange={(v) => setSettings({ ...s, answerOnce: v as SurveySettings['answerOnce'] }, 'settings.answerOnce')}
            error={problem('settings.answerOnce')}
          >
            <Stack gap={8} mt={6}>
              <Radio value="once" label="Once: later invitations leave them out" disabled={readOnly} />
              <Group gap="xs" wrap="nowrap" align="center">
                <Radio value="period" label="Once every" disabled={readOnly} />
                <NumberInput
                  size="xs"
                  aria-label="Days between answers"
                  w={90}
                  min={1}
                  max={3650}
                  allowDecimal={false}
                  value={s.periodDays}
                  onChange={(v) => setSettings({ ...s, periodDays: typeof v === 'number' ? v : Number(v) || 1 }, 'settings.periodDays')}
                  disabled={readOnly || s.answerOnce !== 'period'}
                  error={problem('settings.periodDays')}
                />
                <Text fz="sm">days</Text>
              </Group>
              <Radio value="always" label="Every time they are asked" disabled={readOnly} />
            </Stack>
          </Radio.Group>
          <Box>
            <Text fz="sm" fw={500}>
              Reminders
            </Text>
            <Text fz="xs" c="dimmed" mb={6}>
              To those who were asked by email and have not answered yet.
            </Text>
            <Group gap="xs" align="center" wrap="wrap">
              <Select
                size="xs"
                aria-label="How many reminders"
                w={150}
                allowDeselect={false}
                value={String(s.reminders.count)}
                onChange={(v) => setSettings({ ...s, reminders: { ...s.reminders, count: Number(v) } }, 'settings.reminders.count')}
                disabled={readOnly}
                data={[
                  { value: '0', label: 'No reminder' },
                  { value: '1', label: 'One reminder' },
                  { value: '2', label: 'Two reminders' },
                ]}
              />
              {s.reminders.count > 0 && (
                <>
                  <Text fz="sm">after</Text>
                  <NumberInput
                    size="xs"
                    aria-label="Days before a reminder"
                    w={80}
                    min={1}
                    max={60}
                    allowDecimal={false}
                    value={s.reminders.afterDays}
                    onChange={(v) => setSettings({ ...s, reminders: { ...s.reminders, afterDays: typeof v === 'number' ? v : Number(v) || 1 } }, 'settings.reminders.afterDays')}
                    disabled={readOnly}
                    error={problem('settings.reminders.afterDays')}
                  />
                  <Text fz="sm">{s.reminders.count === 2 ? 'days, and again after as many' : 'days'}</Text>
                </>
              )}
            </Group>
          </Box>
        </Stack>
      </Card>

      {!readOnly && (
        <Group justify="space-between" gap="sm">
          <Anchor href={`/s/preview/${survey.id}`} target="_blank" rel="noopener" fz="sm" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
            Preview the saved survey <IconExternalLink size={14} />
          </Anchor>
          {saveButton}
        </Group>
      )}
    </Stack>
  );
}

interface EndingCardProps {
  e: Ending;
  index: number;
  bands: readonly Band[];
  mainType: string | undefined;
  canDelete: boolean;
  readOnly: boolean;
  problem: (field: string) => string | undefined;
  onChange: (e: Ending, field: string) => void;
  onRename: (key: string) => void;
  onDelete: () => void;
}

function EndingCard({ e, index, bands, mainType, canDelete, readOnly, problem, onChange, onRename, onDelete }: EndingCardProps) {
  const set = (patch: Partial<Ending>, field: string) => onChange({ ...e, ...patch }, field);
  return (
    <Card padding="md" data-testid="ending-card">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Text fz="sm" fw={650}>
            Ending {index + 1}
          </Text>
          {!readOnly && (
            <Tooltip label="Delete this ending">
              <ActionIcon variant="subtle" color="red" onClick={onDelete} disabled={!canDelete} aria-label={`Delete ending ${index + 1}`}>
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
        <TextInput label="Title" value={e.title} onChange={(ev) => set({ title: ev.currentTarget.value }, 'title')} error={problem('title')} readOnly={readOnly} />
        <Textarea label="Text" autosize minRows={2} maxRows={6} value={e.body ?? ''} onChange={(ev) => set({ body: opt(ev.currentTarget.value) }, 'body')} error={problem('body')} readOnly={readOnly} />
        <Switch
          label="A button, like “Leave us a review”"
          checked={e.button !== undefined}
          onChange={(ev) => set({ button: ev.currentTarget.checked ? { label: 'Leave us a review', url: 'https://' } : undefined }, 'button')}
          disabled={readOnly}
        />
        {e.button && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
            <TextInput label="Button label" value={e.button.label} onChange={(ev) => set({ button: { ...e.button!, label: ev.currentTarget.value } }, 'button.label')} error={problem('button.label')} readOnly={readOnly} />
            <TextInput label="Button link" placeholder="https://" value={e.button.url} onChange={(ev) => set({ button: { ...e.button!, url: ev.currentTarget.value } }, 'button.url')} error={problem('button.url') ?? problem('button')} readOnly={readOnly} />
          </SimpleGrid>
        )}
        {bands.length > 0 && (
          <Box>
            <Text fz="sm" fw={500}>
              Shown to
            </Text>
            <Text fz="xs" c="dimmed" mb={6}>
              None chosen: anyone.
            </Text>
            <Chip.Group multiple value={e.bands ?? []} onChange={(v) => set({ bands: v.length ? (v as Band[]) : undefined }, 'bands')}>
              <Group gap="xs">
                {bands.map((b) => (
                  <Chip key={b} value={b} size="xs" disabled={readOnly} color={b === 'promoter' || b === 'satisfied' || b === 'easy' ? 'teal' : b === 'passive' || b === 'neutral' ? 'yellow' : 'red'}>
                    {bandLabel(b, mainType as never)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
            {problem('bands') && (
              <Text fz="xs" c="red" mt={4}>
                {problem('bands')}
              </Text>
            )}
          </Box>
        )}
        {bands.length === 0 && e.bands && e.bands.length > 0 && (
          <Text fz="xs" c="red">
            This ending is for some answers to a score the survey no longer has.{' '}
            <Anchor component="button" type="button" fz="xs" onClick={() => set({ bands: undefined }, 'bands')}>
              Show it to anyone
            </Anchor>
          </Text>
        )}
        <TextInput
          size="xs"
          label="Key"
          description="For rules that lead here"
          value={e.key}
          onChange={(ev) => onRename(ev.currentTarget.value.toLowerCase().replace(/[^a-z0-9_]/g, '_'))}
          error={problem('key')}
          readOnly={readOnly}
          w={220}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
      </Stack>
    </Card>
  );
}
