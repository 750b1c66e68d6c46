// The earning rules, each as a sentence ("10 points for every £1.00 spent, on orders in GBP"),
// with its multipliers, pending period, limit and expiry; "Add a rule" and "Change" open the
// rule's form.
import { Badge, Button, Card, EmptyState, Group, Stack, Text } from '@mantine/core';
import { IconCoins, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { eventLabel } from '../../../src/events/catalogue.ts';
import { SectionHeader } from '../components/PageHeader.tsx';
import { useLoyalty } from './LoyaltyPage.tsx';
import type { Rule } from './model.ts';
import { RuleModal } from './RuleModal.tsx';
import { MATCH_LABELS, ruleDetails, ruleSentence, times } from './words.ts';

export function RulesTab() {
  const { overview, currency, canEdit } = useLoyalty();
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const rules = overview.rules;
  const add = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} disabled={!canEdit} data-testid="add-rule">
      Add a rule
    </Button>
  );
  return (
    <Card>
      <SectionHeader
        title="How customers earn points"
        description="Points for orders, per 1.00 spent in one currency (an order in another currency earns nothing by that rule), and fixed points for other actions. A member’s tier can multiply them."
        actions={rules.length > 0 && canEdit ? add : undefined}
      />
      {rules.length === 0 ? (
        <EmptyState
          variant="light"
          color="grape"
          icon={<IconCoins size={28} stroke={1.6} />}
          title="No earning rules yet"
          description={canEdit ? 'Until there is one, nobody earns points. Start with points for orders.' : 'Until there is one, nobody earns points. An admin adds them.'}
          py="lg"
          mx="auto"
          maw={560}
        >
          {canEdit && <EmptyState.Actions>{add}</EmptyState.Actions>}
        </EmptyState>
      ) : (
        <Stack gap={0} role="list" aria-label="Earning rules">
          {rules.map((r, i) => (
            <Group
              key={r.id}
              role="listitem"
              data-testid="rule-row"
              justify="space-between"
              align="flex-start"
              wrap="nowrap"
              gap="md"
              py="md"
              style={{ borderTop: i === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
            >
              <Stack gap={4} style={{ minWidth: 0 }}>
                <Group gap="xs">
                  <Text fw={650}>{r.name}</Text>
                  {!r.active && (
                    <Badge color="gray" variant="light">
                      Off
                    </Badge>
                  )}
                </Group>
                <Text fz="sm" data-testid="rule-sentence">
                  {ruleSentence(r, eventLabel)}.
                </Text>
                {r.multipliers.length > 0 && (
                  <Text fz="sm" c="dimmed" data-testid="rule-multipliers">
                    {r.multipliers.map((m) => `${MATCH_LABELS[m.match]} ${m.value} ${times(m.bp)}`).join(' · ')}
                  </Text>
                )}
                <Text fz="xs" c="dimmed">
                  {ruleDetails(r)}.
                </Text>
              </Stack>
              {canEdit && (
                <Button variant="default" size="xs" onClick={() => setEditing(r)} style={{ flexShrink: 0 }} aria-label={`Change the rule ${r.name}`}>
                  Change
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      )}
      <RuleModal opened={editing !== null} rule={editing === 'new' ? null : editing} currency={currency} onClose={() => setEditing(null)} />
    </Card>
  );
}
