// The form of each kind of step in the editor's side panel.
import { ActionIcon, Anchor, Badge, Box, Button, Chip, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { Link } from 'react-router-dom';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { type ReactNode } from 'react';
import type { Catalog } from '../conditions/model.ts';
import { useTopicsQuery } from '../email/model.ts';
import { useCatalogQuery } from '../segments/model.ts';
import { useSurveysQuery } from '../surveys/model.ts';
import { type Graph, type Step, useCouponCampaignsQuery } from './model.ts';
import { durationText, WEEKDAY_KEYS } from './steps.ts';
import { type StepOf, DurationInput, TimeInput, EventSelect, EventFilters, TemplateSelect, SegmentSelect, dateFields, ConditionBlock } from './fields.tsx';

export function StepForm({ step: s, readOnly, onChange, graph, stepKey, onGraph }: { step: Step; readOnly: boolean; onChange: (s: Step) => void; graph: Graph; stepKey: string; onGraph: (g: Graph) => void }) {
  const catalog = useCatalogQuery();
  switch (s.kind) {
    case 'wait':
      return (
        <Stack gap="xs">
          <DurationInput label="Wait for" value={s.for} disabled={readOnly} onChange={(d) => onChange({ ...s, for: d })} />
          <Text fz="xs" c="dimmed">
            Then the contact goes on to the next step ({durationText(s.for)} after reaching this one).
          </Text>
        </Stack>
      );
    case 'wait_until':
      return (
        <Stack gap="sm">
          <TimeInput label="Until" value={s.at} disabled={readOnly} onChange={(at) => onChange({ ...s, at })} />
          <Box>
            <Text fz="sm" fw={500} mb={4}>
              On
            </Text>
            <Chip.Group multiple value={s.weekdays ?? [...WEEKDAY_KEYS]} onChange={(days) => days.length > 0 && onChange({ ...s, weekdays: days.length === 7 ? undefined : (days as StepOf<'wait_until'>['weekdays']) })}>
              <Group gap={4}>
                {WEEKDAY_KEYS.map((d) => (
                  <Chip key={d} value={d} size="xs" disabled={readOnly}>
                    {d[0]!.toUpperCase() + d.slice(1)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Box>
        </Stack>
      );
    case 'wait_date':
      return (
        <Stack gap="sm">
          <Select label="Date field" placeholder="Choose a date field" data={dateFields(catalog.data)} value={s.field || null} disabled={readOnly} onChange={(field) => field && onChange({ ...s, field })} />
          <NumberInput
            label="Days before (−) or after (+) it"
            min={-366}
            max={366}
            allowDecimal={false}
            value={s.offsetDays}
            disabled={readOnly}
            onChange={(v) => onChange({ ...s, offsetDays: typeof v === 'number' ? v : 0 })}
          />
          <TimeInput label="At" value={s.at} disabled={readOnly} onChange={(at) => onChange({ ...s, at })} />
        </Stack>
      );
    case 'wait_event':
      return (
        <Stack gap="sm">
          <EventSelect label="Wait for" value={s.event} disabled={readOnly} onChange={(event) => onChange({ ...s, event, where: [] })} />
          <EventFilters key={s.event} event={s.event} value={s.where} disabled={readOnly} onChange={(where) => onChange({ ...s, where })} />
          <DurationInput label="Up to" value={s.timeout} disabled={readOnly} onChange={(timeout) => onChange({ ...s, timeout })} />
          <Text fz="xs" c="dimmed">
            Who does it goes the “happened” way at once; who has not by then goes the “timed out” way.
          </Text>
        </Stack>
      );
    case 'branch':
      return <BranchForm step={s} readOnly={readOnly} graph={graph} stepKey={stepKey} onGraph={onGraph} />;
    case 'split':
      return <SplitForm step={s} readOnly={readOnly} graph={graph} stepKey={stepKey} onGraph={onGraph} />;
    case 'send_email':
      return <SendForm step={s} readOnly={readOnly} onChange={onChange} />;
    case 'send_survey':
      return <SurveyForm step={s} readOnly={readOnly} onChange={onChange} />;
    case 'update_contact':
      return <UpdateForm step={s} readOnly={readOnly} onChange={onChange} catalog={catalog.data} />;
    case 'list':
      return (
        <Stack gap="sm">
          <SegmentedControl
            size="xs"
            disabled={readOnly}
            value={s.action}
            data={[
              { value: 'add', label: 'Add to' },
              { value: 'remove', label: 'Remove from' },
            ]}
            onChange={(action) => onChange({ ...s, action: action as 'add' | 'remove' })}
          />
          <SegmentSelect kind="list" label="List" value={s.listId} disabled={readOnly} onChange={(listId) => onChange({ ...s, listId })} />
        </Stack>
      );
    case 'award_points':
      return (
        <Stack gap="sm">
          <NumberInput label="Points" min={1} max={1_000_000} allowDecimal={false} value={s.points} disabled={readOnly} onChange={(v) => typeof v === 'number' && onChange({ ...s, points: v })} />
          <TextInput label="Reason" placeholder="Welcome gift" value={s.reason} disabled={readOnly} onChange={(e) => onChange({ ...s, reason: e.currentTarget.value })} />
          <Text fz="xs" c="dimmed">
            The points count towards tiers, never expire on their own, and are given once per contact each time they pass here.
          </Text>
        </Stack>
      );
    case 'issue_coupon':
      return <CouponForm step={s} readOnly={readOnly} onChange={onChange} />;
    case 'webhook':
      return (
        <Stack gap="xs">
          <TextInput label="Address" placeholder="https://example.com/hooks/rapport" value={s.url} disabled={readOnly} onChange={(e) => onChange({ ...s, url: e.currentTarget.value.trim() })} />
          <Text fz="xs" c="dimmed">
            Rapport sends a signed POST with the contact and the step, and tries again for a while if the address does not answer.
          </Text>
        </Stack>
      );
    case 'exit':
      return (
        <Text fz="sm" c="dimmed">
          Contacts who get here leave the workflow (they count as having left early, not as converted).
        </Text>
      );
  }
}

function CouponForm({ step: s, readOnly, onChange }: { step: StepOf<'issue_coupon'>; readOnly: boolean; onChange: (s: Step) => void }) {
  const campaigns = useCouponCampaignsQuery();
  const options = (campaigns.data?.campaigns ?? []).filter((c) => c.state !== 'ended').map((c) => ({ value: c.id, label: c.state === 'paused' ? `${c.name} (paused)` : c.name }));
  return (
    <Stack gap="sm">
      <Select label="Coupon campaign" placeholder="Choose a campaign" data={options} value={s.campaignId || null} searchable disabled={readOnly} onChange={(campaignId) => campaignId && onChange({ ...s, campaignId })} nothingFoundMessage="No campaign of that name" />
      <Text fz="xs" c="dimmed">
        A campaign of unique codes gives each contact their own; a shared code is the same for everyone. Show it in the next email with {'{{ coupon.code }}'}. If the campaign is paused or over, the contact is skipped and their timeline says why.
      </Text>
    </Stack>
  );
}

function SurveyForm({ step: s, readOnly, onChange }: { step: StepOf<'send_survey'>; readOnly: boolean; onChange: (s: Step) => void }) {
  const surveys = useSurveysQuery();
  const options = (surveys.data?.items ?? []).filter((x) => x.state !== 'archived').map((x) => ({ value: x.id, label: x.state === 'active' ? x.name : `${x.name} (${x.state === 'draft' ? 'draft: activate it to send' : 'closed'})` }));
  return (
    <Stack gap="sm">
      <Select label="Survey" placeholder="Choose a survey" data={options} value={s.surveyId || null} searchable disabled={readOnly} onChange={(surveyId) => surveyId && onChange({ ...s, surveyId })} nothingFoundMessage="No survey of that name" />
      {s.surveyId && (
        <Anchor component={Link} to={`/surveys/${s.surveyId}`} fz="xs">
          Open the survey
        </Anchor>
      )}
      <TemplateSelect value={s.templateId ?? ''} disabled={readOnly} onChange={(templateId) => onChange({ ...s, templateId })} />
      <Text fz="xs" c="dimmed">
        Leave the template empty to send the survey’s own email. Contacts asked by any survey recently, or who already answered this one, are skipped (the survey’s and the workspace’s rules), and the step says so on their timeline.
      </Text>
    </Stack>
  );
}

function SendForm({ step: s, readOnly, onChange }: { step: StepOf<'send_email'>; readOnly: boolean; onChange: (s: Step) => void }) {
  const topics = useTopicsQuery();
  return (
    <Stack gap="sm">
      <TemplateSelect value={s.templateId} disabled={readOnly} onChange={(templateId) => onChange({ ...s, templateId })} />
      <Select
        label="Topic"
        description="Contacts who opted out of this topic are skipped"
        placeholder="No topic"
        clearable
        disabled={readOnly || s.transactional}
        data={(topics.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
        value={s.topicId ?? null}
        onChange={(topicId) => onChange(topicId ? { ...s, topicId } : { kind: 'send_email', templateId: s.templateId, transactional: s.transactional, whenCapped: s.whenCapped, next: s.next })}
      />
      <Box>
        <Text fz="sm" fw={500}>
          When the contact has had their share of email
        </Text>
        <Text fz="xs" c="dimmed" mb={6}>
          The frequency cap of Settings → Email (or this workflow’s own)
        </Text>
        <SegmentedControl
          size="xs"
          fullWidth
          disabled={readOnly || s.transactional}
          value={s.whenCapped}
          data={[
            { value: 'skip', label: 'Skip this email' },
            { value: 'wait', label: 'Send it when allowed' },
          ]}
          onChange={(v) => onChange({ ...s, whenCapped: v as 'skip' | 'wait' })}
        />
      </Box>
      <Switch
        label="Transactional (a receipt, not marketing)"
        description="Sent even to contacts who have not subscribed to marketing email. Only for messages they need."
        checked={s.transactional}
        disabled={readOnly}
        onChange={(e) => onChange({ ...s, transactional: e.currentTarget.checked })}
      />
    </Stack>
  );
}

const WRITABLE_BUILT_INS = new Set(['first_name', 'last_name', 'phone', 'lifecycle_stage']);

function UpdateForm({ step: s, readOnly, onChange, catalog }: { step: StepOf<'update_contact'>; readOnly: boolean; onChange: (s: Step) => void; catalog: Catalog | undefined }) {
  const fields = (catalog?.fields ?? []).filter((f) => WRITABLE_BUILT_INS.has(f.field) || f.field.startsWith('properties.'));
  const field = fields.find((f) => f.field === s.field);
  const clear = s.value === null;
  let input: ReactNode;
  if (!field || clear) input = null;
  else if (field.type === 'number') {
    input = <NumberInput label="Value" value={typeof s.value === 'number' ? s.value : ''} disabled={readOnly} onChange={(v) => onChange({ ...s, value: typeof v === 'number' ? v : 0 })} />;
  } else if (field.type === 'boolean') {
    input = (
      <SegmentedControl
        size="xs"
        disabled={readOnly}
        value={s.value === true ? 'yes' : 'no'}
        data={[
          { value: 'yes', label: 'Yes' },
          { value: 'no', label: 'No' },
        ]}
        onChange={(v) => onChange({ ...s, value: v === 'yes' })}
      />
    );
  } else if (field.options && field.options.length > 0) {
    input = <Select label="Value" data={field.options} value={typeof s.value === 'string' && s.value ? s.value : null} disabled={readOnly} onChange={(v) => v && onChange({ ...s, value: v })} />;
  } else {
    input = (
      <TextInput
        label="Value"
        type={field.type === 'date' ? 'date' : 'text'}
        value={typeof s.value === 'string' ? s.value : String(s.value ?? '')}
        disabled={readOnly}
        onChange={(e) => onChange({ ...s, value: e.currentTarget.value })}
      />
    );
  }
  return (
    <Stack gap="sm">
      <Select
        label="Field"
        placeholder="Choose a field or property"
        searchable
        data={fields.map((f) => ({ value: f.field, label: f.label }))}
        value={s.field || null}
        disabled={readOnly}
        onChange={(v) => {
          if (!v) return;
          const f = fields.find((x) => x.field === v);
          onChange({ ...s, field: v, value: f?.type === 'number' ? 0 : f?.type === 'boolean' ? true : '' });
        }}
      />
      {field && <Switch label="Clear it instead" checked={clear} disabled={readOnly} onChange={(e) => onChange({ ...s, value: e.currentTarget.checked ? null : field.type === 'number' ? 0 : field.type === 'boolean' ? true : '' })} />}
      {input}
    </Stack>
  );
}

function BranchForm({ step: s, readOnly, graph, stepKey, onGraph }: { step: StepOf<'branch'>; readOnly: boolean; graph: Graph; stepKey: string; onGraph: (g: Graph) => void }) {
  const set = (next: StepOf<'branch'>) => onGraph({ ...graph, steps: { ...graph.steps, [stepKey]: next } });
  const paths = s.paths;
  const move = (i: number, by: number) => {
    const next = [...paths];
    const [p] = next.splice(i, 1);
    next.splice(i + by, 0, p!);
    set({ ...s, paths: next });
  };
  return (
    <Stack gap="sm">
      <Text fz="xs" c="dimmed">
        Paths are tested in order; a contact takes the first whose conditions they match. Everyone else goes the “everyone else” way.
      </Text>
      {paths.map((p, i) => (
        <Paper key={i} withBorder p="sm" radius="md" data-testid="branch-path">
          <Group gap={4} wrap="nowrap" align="flex-end" mb="xs">
            <TextInput
              label={`Path ${i + 1}`}
              value={p.name}
              disabled={readOnly}
              style={{ flex: 1 }}
              onChange={(e) => set({ ...s, paths: paths.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })}
            />
            {!readOnly && (
              <>
                <ActionIcon variant="subtle" color="gray" disabled={i === 0} onClick={() => move(i, -1)} aria-label="Test this path earlier" mb={4}>
                  <IconArrowUp size={16} />
                </ActionIcon>
                <ActionIcon variant="subtle" color="gray" disabled={i === paths.length - 1} onClick={() => move(i, 1)} aria-label="Test this path later" mb={4}>
                  <IconArrowDown size={16} />
                </ActionIcon>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mb={4}
                  aria-label={`Remove path ${p.name}`}
                  onClick={() => {
                    const next = { ...graph, steps: { ...graph.steps, [stepKey]: { ...s, paths: paths.filter((_, j) => j !== i) } } };
                    onGraph(next);
                  }}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </>
            )}
          </Group>
          <ConditionBlock
            label="Conditions"
            help={`Contacts who match these conditions take the path “${p.name}” (when no earlier path took them).`}
            value={p.condition}
            empty="No conditions: everyone takes this path."
            disabled={readOnly}
            onChange={(condition) => set({ ...s, paths: paths.map((x, j) => (j === i ? { ...x, condition } : x)) })}
          />
        </Paper>
      ))}
      {!readOnly && paths.length < 10 && (
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          style={{ alignSelf: 'flex-start' }}
          onClick={() => set({ ...s, paths: [...paths, { name: `Path ${paths.length + 1}`, condition: { kind: 'group', op: 'and', children: [] }, next: s.otherwise }] })}
        >
          Add a path
        </Button>
      )}
    </Stack>
  );
}

function SplitForm({ step: s, readOnly, graph, stepKey, onGraph }: { step: StepOf<'split'>; readOnly: boolean; graph: Graph; stepKey: string; onGraph: (g: Graph) => void }) {
  const set = (next: StepOf<'split'>) => onGraph({ ...graph, steps: { ...graph.steps, [stepKey]: next } });
  const total = s.paths.reduce((sum, p) => sum + p.percent, 0);
  return (
    <Stack gap="sm">
      <Text fz="xs" c="dimmed">
        Each contact takes one path at random by these shares, always the same one for the same contact.
      </Text>
      {s.paths.map((p, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
          <TextInput label={`Path ${i + 1}`} value={p.name} disabled={readOnly} style={{ flex: 1 }} onChange={(e) => set({ ...s, paths: s.paths.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })} />
          <NumberInput
            label="Share"
            w={90}
            min={0}
            max={100}
            suffix="%"
            allowDecimal={false}
            value={p.percent}
            disabled={readOnly}
            onChange={(v) => set({ ...s, paths: s.paths.map((x, j) => (j === i ? { ...x, percent: typeof v === 'number' ? v : 0 } : x)) })}
          />
          {!readOnly && (
            <ActionIcon variant="subtle" color="red" mb={4} aria-label={`Remove path ${p.name}`} onClick={() => set({ ...s, paths: s.paths.filter((_, j) => j !== i) })}>
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Group>
      ))}
      <Group justify="space-between">
        {!readOnly && s.paths.length < 10 ? (
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconPlus size={14} />}
            onClick={() => set({ ...s, paths: [...s.paths, { name: String.fromCharCode(65 + s.paths.length), percent: 0, next: s.paths[0]?.next ?? null }] })}
          >
            Add a path
          </Button>
        ) : (
          <span />
        )}
        <Badge color={total === 100 ? 'teal' : 'red'}>{total}% of 100%</Badge>
      </Group>
    </Stack>
  );
}
