// The steps of a demo load as it runs (read from the job by polling GET /demo), and what it
// made once done: the words a shop owner reads while waiting for the first look at Rapport.
import { Box, Button, Group, Loader, Progress, Stack, Text, ThemeIcon, VisuallyHidden } from '@mantine/core';
import { IconArrowRight, IconCheck, IconCircleCheck } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { DemoProgress } from '../../../src/demo/contract.ts';
import { DEMO_STEPS, type DemoStep } from '../../../src/demo/steps.ts';
import classes from './demo.module.css';

const n = (x: number) => x.toLocaleString('en');
const plural = (count: number, one: string, many: string) => `${n(count)} ${count === 1 ? one : many}`;
const listed = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

type StepState = 'done' | 'active' | 'waiting';

interface StepLine {
  key: string;
  step: DemoStep;
  label: string;
  /** Counts under the label, while it runs and once done. */
  detail?: string;
  /** Share done, for a bar under the active step. */
  share?: number;
}

/** The lines shown for a load: one per step, two for the history (contacts, then their orders). */
export function stepLines(p: DemoProgress): StepLine[] {
  const lines: StepLine[] = [
    { key: 'preparing', step: 'preparing', label: 'Getting ready' },
    {
      key: 'contacts',
      step: 'history',
      label: `Creating ${plural(p.contacts.total, 'customer', 'customers')}`,
      detail: `${n(p.contacts.done)} of ${n(p.contacts.total)}`,
      share: p.contacts.done / Math.max(1, p.contacts.total),
    },
    {
      key: 'orders',
      step: 'history',
      label: 'Writing nearly three years of orders, emails and website visits',
      detail: p.orders.total === null ? `${plural(p.orders.done, 'order', 'orders')} so far` : `${n(p.orders.done)} of ${plural(p.orders.total, 'order', 'orders')}`,
      share: p.orders.total ? p.orders.done / p.orders.total : undefined,
    },
    { key: 'indexing', step: 'indexing', label: 'Preparing the data for fast searches' },
  ];
  // Steps with nothing to do (segments of those names already there) are left out.
  if (p.segments.total > 0) {
    lines.push({
      key: 'segments',
      step: 'segments',
      label: `Computing ${plural(p.segments.total, 'segment', 'segments')}`,
      detail: `${listed(p.segments.names)} (${n(p.segments.done)} of ${n(p.segments.total)})`,
    });
  }
  if (p.templates.total > 0) {
    lines.push({ key: 'templates', step: 'templates', label: `Adding ${plural(p.templates.total, 'email template', 'email templates')}` });
  }
  return lines;
}

function stateOf(line: StepLine, current: DemoStep | null): StepState {
  if (current === null) return 'waiting';
  const at = DEMO_STEPS.indexOf(current);
  const of = DEMO_STEPS.indexOf(line.step);
  return of < at ? 'done' : of === at ? 'active' : 'waiting';
}

const STATE_WORDS: Record<StepState, string> = { done: 'done', active: 'in progress', waiting: 'not started' };

/** The steps of a load under way; `progress` is null while the load waits for a worker. */
export function DemoSteps({ progress, contacts }: { progress: DemoProgress | null; contacts: number }) {
  const lines = stepLines(progress ?? placeholder(contacts));
  const current = progress?.step ?? null;
  const active = lines.filter((l) => stateOf(l, current) === 'active');
  return (
    <Stack gap="xs">
      {/* Step changes only: counts going up every second would be read out every second. */}
      <VisuallyHidden aria-live="polite" role="status">
        {current === null ? 'Waiting to start loading the demo shop' : active.map((l) => l.label).join('. ')}
      </VisuallyHidden>
      <Box component="ol" className={classes.steps} aria-label="Loading the demo shop" data-testid="demo-steps">
        {lines.map((line) => {
          const state = stateOf(line, current);
          return (
            <li key={line.key} className={classes.step} data-state={state} data-step={line.key}>
              <StepIcon state={state} />
              <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                <Text fz="sm" fw={state === 'active' ? 600 : 500} c={state === 'waiting' ? 'dimmed' : undefined}>
                  {line.label}
                  {state === 'active' ? '…' : ''}
                  <VisuallyHidden>, {STATE_WORDS[state]}</VisuallyHidden>
                </Text>
                {line.detail && state !== 'waiting' && (
                  <Text fz="xs" c="dimmed" className={classes.detail}>
                    {line.detail}
                  </Text>
                )}
                {state === 'active' && line.share !== undefined && (
                  <Progress value={Math.max(2, line.share * 100)} size="sm" maw={360} aria-hidden />
                )}
              </Stack>
            </li>
          );
        })}
      </Box>
    </Stack>
  );
}

function StepIcon({ state }: { state: StepState }) {
  if (state === 'done') {
    return (
      <ThemeIcon size={22} radius="xl" color="teal" variant="light" aria-hidden>
        <IconCheck size={14} stroke={2.5} />
      </ThemeIcon>
    );
  }
  if (state === 'active') {
    return (
      <Box className={classes.icon} aria-hidden>
        <Loader size={16} />
      </Box>
    );
  }
  return <Box className={classes.icon} aria-hidden><span className={classes.dot} /></Box>;
}

/** The lines before the job has said anything: the same steps, all still to come. */
function placeholder(contacts: number): DemoProgress {
  const none = { done: 0, total: null };
  return {
    step: 'preparing',
    contacts: { done: 0, total: contacts, created: 0 },
    orders: none,
    refunds: none,
    events: none,
    segments: { done: 0, total: 4, names: [] },
    templates: { done: 0, total: 3, names: [] },
  };
}

/** One sentence on what a finished load made. */
export function summaryOf(p: DemoProgress): string {
  const parts = [`${plural(p.contacts.total, 'customer', 'customers')} with ${plural(p.orders.done, 'order', 'orders')} (${n(p.refunds.done)} refunded)`];
  if (p.segments.names.length > 0) parts.push(plural(p.segments.names.length, 'segment', 'segments'));
  if (p.templates.names.length > 0) parts.push(plural(p.templates.names.length, 'email template', 'email templates'));
  const already = p.contacts.total - p.contacts.created;
  const note = already === 0 ? '' : already === p.contacts.total ? ' Everything was there already; nothing was added.' : ` ${n(already)} of the customers were there already and were left as they were.`;
  return `The demo shop is ready: ${listed(parts)}.${note}`;
}

/** A finished load: what it made, and where to look first. */
export function DemoDone({ progress, showContactsLink }: { progress: DemoProgress; showContactsLink: boolean }) {
  return (
    <Stack gap="sm" data-testid="demo-done">
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <IconCircleCheck size={20} color="var(--mantine-color-teal-6)" style={{ flexShrink: 0, marginTop: 1 }} aria-hidden />
        <Text fz="sm" role="status">
          {summaryOf(progress)}
        </Text>
      </Group>
      <Group gap="sm">
        {showContactsLink && (
          <Button component={Link} to="/contacts" size="xs" rightSection={<IconArrowRight size={14} />}>
            See the contacts
          </Button>
        )}
        {progress.segments.names.length > 0 && (
          <Button component={Link} to="/segments" size="xs" variant="default">
            See the segments
          </Button>
        )}
        {progress.templates.names.length > 0 && (
          <Button component={Link} to="/email/templates" size="xs" variant="default">
            See the email templates
          </Button>
        )}
      </Group>
    </Stack>
  );
}
