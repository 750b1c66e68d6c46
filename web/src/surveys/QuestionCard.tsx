// One question of the editor: what every question has (title, description, required, key), what
// its type has (scale labels, points and style, choices with their keys and "other", the longest
// text), who it is shown to (a follow-up for some groups of an earlier score) and where an
// answer leads (rules). The server's messages appear under the fields they name.
import { ActionIcon, Badge, Box, Button, Card, Chip, Group, MultiSelect, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { scaleOf } from '../../../src/surveys/scores.ts';
import { type PageStrings } from '../../../src/surveys/strings.ts';
import { bandsOfQuestion, keyFromLabel, showIfSource } from './editor.ts';
import { type Band, bandLabel, type Question, type SurveyContent, typeLabel } from './model.ts';
import classes from './surveys.module.css';

type Rule = NonNullable<Question['logic']>[number];
type ChoiceQuestion = Extract<Question, { type: 'single' | 'multiple' }>;

export interface QuestionCardProps {
  q: Question;
  index: number;
  content: SurveyContent;
  strings: PageStrings;
  readOnly: boolean;
  /** Choice keys follow their labels (before any answer exists, keys matter to no one yet). */
  keysFollowLabels: boolean;
  problem: (path: string) => string | undefined;
  onChange: (q: Question, path?: string) => void;
  onRename: (key: string) => void;
  onMove: (by: number) => void;
  onDelete: () => void;
}

/** '' → undefined: optional texts are left out rather than sent empty. */
const opt = (v: string) => (v.trim() === '' ? undefined : v);

export function QuestionCard({ q, index, content, strings, readOnly, keysFollowLabels, problem, onChange, onRename, onMove, onDelete }: QuestionCardProps) {
  const at = `content.questions.${index}`;
  const err = (field: string) => problem(`${at}.${field}`);
  const set = (patch: Record<string, unknown>, field?: string) => onChange({ ...q, ...patch } as Question, field ? `${at}.${field}` : undefined);
  const last = index === content.questions.length - 1;
  const source = showIfSource(content, index);
  const sourceBands = bandsOfQuestion(source);
  const isFollowUp = q.showIf !== undefined;

  return (
    <Card padding="md" className={classes.question} data-followup={isFollowUp || undefined} data-testid="question-card" data-key={q.key}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <span className={classes.number}>{index + 1}</span>
            <Badge color="orange" variant="light">
              {typeLabel(q.type)}
            </Badge>
            {isFollowUp && (
              <Badge color="violet" variant="light" visibleFrom="xs">
                Follow-up
              </Badge>
            )}
          </Group>
          {!readOnly && (
            <Group gap={2} wrap="nowrap">
              <Tooltip label="Move up">
                <ActionIcon variant="subtle" color="gray" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move question ${index + 1} up`}>
                  <IconArrowUp size={16} />
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Move down">
                <ActionIcon variant="subtle" color="gray" onClick={() => onMove(1)} disabled={last} aria-label={`Move question ${index + 1} down`}>
                  <IconArrowDown size={16} />
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Delete this question">
                <ActionIcon variant="subtle" color="red" onClick={onDelete} disabled={content.questions.length === 1} aria-label={`Delete question ${index + 1}`}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            </Group>
          )}
        </Group>

        <Textarea
          label="Question"
          autosize
          minRows={1}
          maxRows={4}
          value={q.title}
          onChange={(e) => set({ title: e.currentTarget.value }, 'title')}
          error={err('title')}
          readOnly={readOnly}
          data-testid="question-title"
        />
        <TextInput
          label="Description"
          description="A line under the question, if it needs one."
          value={q.description ?? ''}
          onChange={(e) => set({ description: opt(e.currentTarget.value) }, 'description')}
          error={err('description')}
          readOnly={readOnly}
        />

        <TypeFields q={q} index={index} strings={strings} readOnly={readOnly} keysFollowLabels={keysFollowLabels} err={err} set={set} />

        <Group gap="lg" align="flex-end" wrap="wrap">
          <Switch label="An answer is required" checked={q.required} onChange={(e) => set({ required: e.currentTarget.checked }, 'required')} disabled={readOnly} />
          <TextInput
            size="xs"
            label="Key"
            description="Names the answer in exports and the API"
            value={q.key}
            onChange={(e) => onRename(e.currentTarget.value.toLowerCase().replace(/[^a-z0-9_]/g, '_'))}
            error={err('key')}
            readOnly={readOnly}
            w={220}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
        </Group>

        {(sourceBands.length > 0 || q.showIf) && source?.key !== q.key && (
          <Box>
            <Text fz="sm" fw={500}>
              Show this question to
            </Text>
            <Text fz="xs" c="dimmed" mb={6}>
              {source ? `By the answer to question ${content.questions.indexOf(source) + 1} (“${truncate(source.title, 60)}”). None chosen: everyone.` : 'The question it depended on is gone: choose again or show it to everyone.'}
            </Text>
            <Chip.Group
              multiple
              value={q.showIf?.bands ?? []}
              onChange={(bands) => set({ showIf: bands.length === 0 || !source ? undefined : { question: source.key, bands: bands as Band[] } }, 'showIf')}
            >
              <Group gap="xs">
                {sourceBands.map((b) => (
                  <Chip key={b} value={b} size="xs" disabled={readOnly} color={b === 'promoter' || b === 'satisfied' || b === 'easy' ? 'teal' : b === 'passive' || b === 'neutral' ? 'yellow' : 'red'}>
                    {bandLabel(b, source?.type)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
            {(err('showIf') ?? err('showIf.question') ?? err('showIf.bands')) && (
              <Text fz="xs" c="red" mt={4}>
                {err('showIf') ?? err('showIf.question') ?? err('showIf.bands')}
              </Text>
            )}
          </Box>
        )}

        {q.type !== 'text' && <Rules q={q} index={index} content={content} readOnly={readOnly} err={err} set={set} />}
      </Stack>
    </Card>
  );
}

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

interface FieldsProps {
  q: Question;
  index: number;
  strings: PageStrings;
  readOnly: boolean;
  keysFollowLabels: boolean;
  err: (field: string) => string | undefined;
  set: (patch: Record<string, unknown>, field?: string) => void;
}

function ScaleLabels({ q, err, set, readOnly, low, high }: Pick<FieldsProps, 'err' | 'set' | 'readOnly'> & { q: { lowLabel?: string; highLabel?: string }; low: string; high: string }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="xs">
      <TextInput label="Label of the lowest answer" placeholder={low} value={q.lowLabel ?? ''} onChange={(e) => set({ lowLabel: opt(e.currentTarget.value) }, 'lowLabel')} error={err('lowLabel')} readOnly={readOnly} />
      <TextInput label="Label of the highest answer" placeholder={high} value={q.highLabel ?? ''} onChange={(e) => set({ highLabel: opt(e.currentTarget.value) }, 'highLabel')} error={err('highLabel')} readOnly={readOnly} />
    </SimpleGrid>
  );
}

function TypeFields(props: FieldsProps) {
  const { q, strings: t, readOnly, err, set } = props;
  switch (q.type) {
    case 'nps':
      return (
        <Stack gap={4}>
          <Text fz="xs" c="dimmed">
            Answers from 0 to 10: 9–10 are promoters, 7–8 passives, 0–6 detractors.
          </Text>
          <ScaleLabels q={q} err={err} set={set} readOnly={readOnly} low={t.notLikely} high={t.extremelyLikely} />
        </Stack>
      );
    case 'ces':
      return (
        <Stack gap={4}>
          <Text fz="xs" c="dimmed">
            Answers from 1 (strongly disagree) to 7 (strongly agree): 5–7 found it easy, 1–3 found it hard. Phrase it as a statement to agree with.
          </Text>
          <ScaleLabels q={q} err={err} set={set} readOnly={readOnly} low={t.stronglyDisagree} high={t.stronglyAgree} />
        </Stack>
      );
    case 'csat':
      return (
        <Stack gap={4}>
          <Text fz="xs" c="dimmed">
            Answers from 1 to 5: 4–5 are satisfied, 1–2 dissatisfied.
          </Text>
          <Text fz="sm" fw={500}>
            Shown as
          </Text>
          <SegmentedControl
            size="xs"
            w="fit-content"
            value={q.style}
            onChange={(v) => set({ style: v }, 'style')}
            disabled={readOnly}
            data={[
              { value: 'faces', label: 'Faces' },
              { value: 'stars', label: 'Stars' },
              { value: 'numbers', label: 'Numbers' },
            ]}
          />
        </Stack>
      );
    case 'rating':
      return (
        <Stack gap="xs">
          <Group gap="md" align="flex-end">
            <NumberInput label="Points" min={3} max={10} allowDecimal={false} value={q.points} onChange={(v) => set({ points: typeof v === 'number' ? v : Number(v) || 5 }, 'points')} error={err('points')} readOnly={readOnly} w={110} />
            <Stack gap={4}>
              <Text fz="sm" fw={500}>
                Shown as
              </Text>
              <SegmentedControl
                size="xs"
                value={q.style}
                onChange={(v) => set({ style: v }, 'style')}
                disabled={readOnly}
                data={[
                  { value: 'stars', label: 'Stars' },
                  { value: 'numbers', label: 'Numbers' },
                ]}
              />
            </Stack>
          </Group>
          <ScaleLabels q={q} err={err} set={set} readOnly={readOnly} low={q.style === 'stars' ? t.stars(1) : '1'} high={q.style === 'stars' ? t.stars(q.points) : String(q.points)} />
        </Stack>
      );
    case 'single':
    case 'multiple':
      return <Choices {...props} q={q} />;
    case 'text':
      return (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="xs">
          <TextInput label="Placeholder" description="Grey text in the empty box" value={q.placeholder ?? ''} onChange={(e) => set({ placeholder: opt(e.currentTarget.value) }, 'placeholder')} error={err('placeholder')} readOnly={readOnly} />
          <NumberInput
            label="Longest answer"
            description="In characters, up to 5,000"
            min={1}
            max={5000}
            allowDecimal={false}
            thousandSeparator=","
            value={q.maxLength}
            onChange={(v) => set({ maxLength: typeof v === 'number' ? v : Number(v) || 2000 }, 'maxLength')}
            error={err('maxLength')}
            readOnly={readOnly}
          />
        </SimpleGrid>
      );
  }
}

function Choices({ q, readOnly, keysFollowLabels, err, set }: FieldsProps & { q: ChoiceQuestion }) {
  const setChoices = (choices: ChoiceQuestion['choices'], logic = q.logic) => set({ choices, logic }, 'choices');
  const taken = (except: number) => new Set(q.choices.filter((_, i) => i !== except).map((c) => c.key));
  /** A choice's key changed: this question's rules follow it. */
  const withKey = (i: number, key: string) => {
    const old = q.choices[i]!.key;
    const choices = q.choices.map((c, j) => (j === i ? { ...c, key } : c));
    const logic = q.logic?.map((r) => (r.when.values ? { ...r, when: { ...r.when, values: r.when.values.map((v) => (v === old ? key : v)) } } : r));
    setChoices(choices, logic);
  };
  const setLabel = (i: number, label: string) => {
    const c = q.choices[i]!;
    const follows = keysFollowLabels && (c.key === keyFromLabel(c.label, taken(i)) || /^(first|second|answer_\d+)$/.test(c.key));
    if (follows && label.trim()) {
      const key = keyFromLabel(label, taken(i));
      const old = c.key;
      const choices = q.choices.map((x, j) => (j === i ? { key, label } : x));
      const logic = q.logic?.map((r) => (r.when.values ? { ...r, when: { ...r.when, values: r.when.values.map((v) => (v === old ? key : v)) } } : r));
      setChoices(choices, logic);
    } else setChoices(q.choices.map((x, j) => (j === i ? { ...x, label } : x)));
  };
  return (
    <Stack gap={6}>
      <Text fz="sm" fw={500}>
        {q.type === 'single' ? 'Answers to choose one from' : 'Answers to choose any of'}
      </Text>
      {q.choices.map((c, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-start" data-testid="choice">
          <TextInput
            aria-label={`Answer ${i + 1}`}
            placeholder={`Answer ${i + 1}`}
            value={c.label}
            onChange={(e) => setLabel(i, e.currentTarget.value)}
            error={err(`choices.${i}.label`)}
            readOnly={readOnly}
            style={{ flex: 1, minWidth: 0 }}
          />
          <TextInput
            aria-label={`Key of answer ${i + 1}`}
            value={c.key}
            onChange={(e) => withKey(i, e.currentTarget.value.toLowerCase().replace(/[^a-z0-9_]/g, '_'))}
            error={err(`choices.${i}.key`)}
            readOnly={readOnly}
            w={130}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          />
          {!readOnly && (
            <ActionIcon variant="subtle" color="gray" mt={6} onClick={() => setChoices(q.choices.filter((_, j) => j !== i))} disabled={q.choices.length <= 2} aria-label={`Remove answer ${i + 1}`}>
              <IconX size={16} />
            </ActionIcon>
          )}
        </Group>
      ))}
      {err('choices') && (
        <Text fz="xs" c="red">
          {err('choices')}
        </Text>
      )}
      <Group gap="lg" mt={2}>
        {!readOnly && (
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlus size={14} />}
            disabled={q.choices.length >= 20}
            onClick={() => {
              const keys = new Set(q.choices.map((c) => c.key));
              let k = q.choices.length + 1;
              while (keys.has(`answer_${k}`)) k++;
              setChoices([...q.choices, { key: `answer_${k}`, label: '' }]);
            }}
          >
            Add an answer
          </Button>
        )}
        <Switch label="“Other”, with a box to say what" checked={q.other} onChange={(e) => set({ other: e.currentTarget.checked }, 'other')} disabled={readOnly} />
      </Group>
    </Stack>
  );
}

type RuleMode = 'values' | 'range';

function Rules({ q, index, content, readOnly, err, set }: Omit<FieldsProps, 'strings' | 'keysFollowLabels'> & { content: SurveyContent }) {
  const rules = q.logic ?? [];
  const isChoice = q.type === 'single' || q.type === 'multiple';
  const scale = !isChoice && q.type !== 'text' ? scaleOf(q.type, q.type === 'rating' ? q.points : undefined) : null;
  const valueOptions = isChoice
    ? [...q.choices.map((c) => ({ value: c.key, label: c.label || c.key })), ...(q.other ? [{ value: 'other', label: 'Other' }] : [])]
    : scale
      ? Array.from({ length: scale.max - scale.min + 1 }, (_, i) => String(scale.min + i)).map((v) => ({ value: v, label: v }))
      : [];
  const targets = [
    { group: 'Questions after this one', items: content.questions.slice(index + 1).map((x, j) => ({ value: x.key, label: `${index + j + 2}. ${truncate(x.title, 50)}` })) },
    { group: 'Endings', items: content.endings.map((e) => ({ value: e.key, label: `End: ${truncate(e.title, 50)}` })) },
  ].filter((g) => g.items.length > 0);
  const setRules = (next: Rule[]) => set({ logic: next.length ? next : undefined }, 'logic');
  const setRule = (k: number, rule: Rule) => setRules(rules.map((r, j) => (j === k ? rule : r)));

  return (
    <Box>
      <Text fz="sm" fw={500}>
        Where an answer leads
      </Text>
      <Text fz="xs" c="dimmed" mb={6}>
        {rules.length === 0 ? 'Every answer goes on to the next question. Add a rule to skip ahead or end the survey for some answers.' : 'The first rule that matches wins; other answers go on to the next question.'}
      </Text>
      <Stack gap={6}>
        {rules.map((r, k) => {
          const mode: RuleMode = isChoice || r.when.values !== undefined ? 'values' : 'range';
          const e = (f: string) => err(`logic.${k}.${f}`);
          return (
            <Box key={k} className={classes.rule} data-testid="rule">
              <Group gap="xs" align="flex-end" wrap="wrap">
                {!isChoice && (
                  <Select
                    size="xs"
                    label={`Rule ${k + 1}: if the answer`}
                    w={150}
                    allowDeselect={false}
                    value={mode}
                    disabled={readOnly}
                    data={[
                      { value: 'values', label: 'is one of' },
                      { value: 'range', label: 'is between' },
                    ]}
                    onChange={(v) => setRule(k, { ...r, when: v === 'values' ? { values: [] } : { min: scale?.min, max: scale?.max } })}
                  />
                )}
                {mode === 'values' ? (
                  <MultiSelect
                    size="xs"
                    label={isChoice ? `Rule ${k + 1}: if the answer is one of` : 'Answers'}
                    placeholder="Choose answers"
                    data={valueOptions}
                    value={(r.when.values ?? []).map(String)}
                    onChange={(vs) => setRule(k, { ...r, when: { values: isChoice ? vs : vs.map(Number) } })}
                    disabled={readOnly}
                    error={e('when') ?? e('when.values') ?? e('when.values.0')}
                    style={{ flex: '1 1 200px' }}
                  />
                ) : (
                  <>
                    <NumberInput size="xs" label="From" w={80} min={scale?.min} max={scale?.max} value={r.when.min ?? ''} onChange={(v) => setRule(k, { ...r, when: { ...r.when, min: v === '' ? undefined : Number(v) } })} readOnly={readOnly} error={e('when.min') ?? e('when')} />
                    <NumberInput size="xs" label="To" w={80} min={scale?.min} max={scale?.max} value={r.when.max ?? ''} onChange={(v) => setRule(k, { ...r, when: { ...r.when, max: v === '' ? undefined : Number(v) } })} readOnly={readOnly} error={e('when.max')} />
                  </>
                )}
                <Select
                  size="xs"
                  label="go to"
                  placeholder="Choose where"
                  data={targets}
                  value={r.goTo || null}
                  onChange={(v) => setRule(k, { ...r, goTo: v ?? '' })}
                  disabled={readOnly}
                  error={e('goTo')}
                  style={{ flex: '1 1 200px' }}
                />
                {!readOnly && (
                  <ActionIcon variant="subtle" color="gray" mb={2} onClick={() => setRules(rules.filter((_, j) => j !== k))} aria-label={`Remove rule ${k + 1}`}>
                    <IconX size={16} />
                  </ActionIcon>
                )}
              </Group>
              {err(`logic.${k}`) && (
                <Text fz="xs" c="red" mt={4}>
                  {err(`logic.${k}`)}
                </Text>
              )}
            </Box>
          );
        })}
        {!readOnly && rules.length < 10 && (
          <Button
            size="xs"
            variant="subtle"
            w="fit-content"
            leftSection={<IconPlus size={14} />}
            onClick={() => setRules([...rules, { when: isChoice ? { values: [] } : { min: scale?.min, max: scale?.max }, goTo: content.endings[0]?.key ?? '' }])}
          >
            Add a rule
          </Button>
        )}
      </Stack>
    </Box>
  );
}
