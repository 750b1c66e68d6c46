// Membership of another segment or list: is in / is not in, and which.
import { Group, Select } from '@mantine/core';
import { useConditions } from './context.tsx';
import type { DraftSegment } from './draft.ts';

export function MembershipEditor({ condition, onChange }: { condition: DraftSegment; onChange: (c: DraftSegment) => void }) {
  const { catalog, selfId } = useConditions();
  const all = (catalog?.segments ?? []).filter((s) => s.id !== selfId);
  const groups = [
    { group: 'Segments', items: all.filter((s) => s.kind === 'segment').map((s) => ({ value: s.id, label: s.name })) },
    { group: 'Lists', items: all.filter((s) => s.kind === 'list').map((s) => ({ value: s.id, label: s.name })) },
  ].filter((g) => g.items.length > 0);
  if (condition.segmentId && !all.some((s) => s.id === condition.segmentId)) groups.push({ group: 'Missing', items: [{ value: condition.segmentId, label: 'A deleted segment' }] });
  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label="Membership"
        data={[
          { value: 'true', label: 'is in' },
          { value: 'false', label: 'is not in' },
        ]}
        value={String(condition.member)}
        w={120}
        onChange={(v) => onChange({ ...condition, member: v !== 'false' })}
      />
      <Select
        aria-label="Segment or list"
        placeholder={all.length ? 'Choose a segment or list' : 'No other segments or lists yet'}
        data={groups}
        value={condition.segmentId || null}
        searchable
        w={260}
        onChange={(id) => onChange({ ...condition, segmentId: id ?? '' })}
      />
    </Group>
  );
}
