// Conditions of a workflow (a branch's path, who may enter, the goal, the exits): said in words
// in the side panel, and edited in a dialog with the segment builder's editors (a group of
// conditions with and/or/not), with how many contacts match now.
import { Alert, Box, Button, Group, Loader, Modal, ScrollArea, Stack, Text } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { MAX_CONDITIONS } from '../../../src/segments/vocabulary.ts';
import { ConditionsProvider } from '../conditions/context.tsx';
import { type Described, describe } from '../conditions/describe.ts';
import { compile, countConditions, type DraftGroup, newGroup, toDraft } from '../conditions/draft.ts';
import { GroupEditor } from '../conditions/GroupEditor.tsx';
import type { SegmentNode, SegmentNodeInput } from '../conditions/model.ts';
import { errorMessage } from '../lib/api.ts';
import { useCatalogQuery, usePreviewQuery } from '../segments/model.ts';
import classes from './workflows.module.css';

/** A node as the builder's root group: a group as it is, a single condition inside an "all of" group. */
function toRoot(node: SegmentNodeInput | undefined): DraftGroup {
  if (!node) return newGroup('and', []);
  const d = toDraft(node);
  return d.kind === 'group' ? d : newGroup('and', [d]);
}

function DescribedList({ node }: { node: Described }) {
  if (!node.children) return <Text fz="sm">{node.text}</Text>;
  return (
    <Box fz="sm">
      <Text fz="sm" fw={600}>
        {node.text}
      </Text>
      <ul className={classes.summary}>
        {node.children.map((c, i) => (
          <li key={i}>
            <DescribedList node={c} />
          </li>
        ))}
      </ul>
    </Box>
  );
}

/** A condition in words, or what having none means. */
export function ConditionSummary({ node, empty }: { node: SegmentNodeInput | undefined; empty: string }) {
  const catalog = useCatalogQuery();
  const isEmpty = !node || (node.kind === 'group' && node.children.length === 0);
  if (isEmpty) {
    return (
      <Text fz="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return <DescribedList node={describe(node, catalog.data)} />;
}

export function ConditionModal({
  opened,
  title,
  help,
  value,
  onApply,
  onClose,
}: {
  opened: boolean;
  title: string;
  help: string;
  value: SegmentNodeInput | undefined;
  onApply: (node: SegmentNode) => void;
  onClose: () => void;
}) {
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{title}</Text>} size="xl" fullScreen={phone} scrollAreaComponent={ScrollArea.Autosize}>
      {opened && <ConditionForm help={help} value={value} onApply={onApply} onClose={onClose} />}
    </Modal>
  );
}

function ConditionForm({ help, value, onApply, onClose }: { help: string; value: SegmentNodeInput | undefined; onApply: (node: SegmentNode) => void; onClose: () => void }) {
  const catalog = useCatalogQuery();
  const [root, setRoot] = useState<DraftGroup>(() => toRoot(value));
  const [flag, setFlag] = useState(false);
  const compiled = useMemo(() => compile(root), [root]);
  const [debounced] = useDebouncedValue(compiled, 400);
  const preview = usePreviewQuery(debounced.definition);
  const conditions = countConditions(root);
  const apply = () => {
    if (compiled.unfinished.size > 0) {
      setFlag(true);
      return;
    }
    onApply(compiled.definition);
    onClose();
  };
  return (
    <Stack gap="md">
      <Text fz="sm" c="dimmed">
        {help}
      </Text>
      {catalog.isError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
          {errorMessage(catalog.error)}
        </Alert>
      )}
      <ConditionsProvider value={{ catalog: catalog.data, errors: new Map(), unfinished: compiled.unfinished, flagUnfinished: flag, canAddCondition: conditions < MAX_CONDITIONS }}>
        <GroupEditor group={root} depth={1} onChange={setRoot} />
      </ConditionsProvider>
      <Group justify="space-between" gap="sm">
        <Group gap={6} data-testid="condition-count">
          {preview.isFetching && <Loader size={12} />}
          <Text fz="sm" c="dimmed">
            {preview.isError ? 'Cannot count these conditions yet.' : preview.data ? `${preview.data.count.toLocaleString('en')} contacts match now.` : ''}
          </Text>
        </Group>
        <Group gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={apply}>Use these conditions</Button>
        </Group>
      </Group>
      {flag && compiled.unfinished.size > 0 && (
        <Text fz="sm" c="red.7" role="alert">
          Finish or remove the conditions marked in red.
        </Text>
      )}
    </Stack>
  );
}
