import { Anchor, Avatar, Badge, Box, Button, Center, Checkbox, Group, Loader, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { type ReactElement, useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { formatDate, initials } from '../lib/format.ts';
import { expectedOrders, percent } from '../retention/words.ts';
import { formatMoney, formatValue } from './format.ts';
import { displayName, EMAIL_STATUS_COLORS, type FieldInfo, LIFECYCLE_COLORS, type ListedContact, valueOf } from './model.ts';
import classes from './contacts.module.css';

interface Props {
  rows: ListedContact[];
  columns: FieldInfo[];
  sort: { sort: string; order: 'asc' | 'desc' };
  onSort: (sort: string, order: 'asc' | 'desc') => void;
  selected: Set<string>;
  allMatching: boolean;
  onSelect: (ids: string[], on: boolean) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  dimmed: boolean;
}

export function ContactsTable({ rows, columns, sort, onSort, selected, allMatching, onSelect, hasMore, loadingMore, onLoadMore, dimmed }: Props) {
  const allLoaded = rows.length > 0 && (allMatching || rows.every((r) => selected.has(r.id)));
  const someLoaded = !allLoaded && rows.some((r) => selected.has(r.id));

  // Endless scroll: the next page loads as the end of the table comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && !loadingMore && onLoadMore(), { rootMargin: '400px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loadingMore, onLoadMore]);

  return (
    <>
      <Table.ScrollContainer minWidth={720} type="native">
        <Table verticalSpacing={10} horizontalSpacing="md" highlightOnHover className={classes.table} style={{ opacity: dimmed ? 0.6 : 1 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={44}>
                <Checkbox
                  aria-label="Select all loaded contacts"
                  checked={allLoaded}
                  indeterminate={someLoaded}
                  onChange={() => onSelect(rows.map((r) => r.id), !allLoaded)}
                />
              </Table.Th>
              <SortHeader field={NAME} sort={sort} onSort={onSort} />
              {columns.map((c) => (
                <SortHeader key={c.id} field={c} sort={sort} onSort={onSort} />
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const isSelected = allMatching || selected.has(row.id);
              return (
                <Table.Tr key={row.id} bg={isSelected ? 'var(--mantine-color-brand-0)' : undefined}>
                  <Table.Td>
                    <Checkbox aria-label={`Select ${displayName(row)}`} checked={isSelected} onChange={(e) => onSelect([row.id], e.currentTarget.checked)} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      <Avatar size={32} radius="xl" color="initials" name={displayName(row)}>
                        {initials(displayName(row), row.email ?? '')}
                      </Avatar>
                      <Anchor component={Link} to={`/contacts/${row.id}`} fz="sm" fw={600} c="dark.8" className={classes.nameLink}>
                        {displayName(row)}
                      </Anchor>
                    </Group>
                  </Table.Td>
                  {columns.map((c) => (
                    <Table.Td key={c.id} ta={c.type === 'number' ? 'right' : undefined}>
                      <Cell contact={row} field={c} />
                    </Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Box ref={sentinel} />
      {hasMore && (
        <Center py="md">
          {loadingMore ? (
            <Loader size="sm" type="dots" aria-label="Loading more contacts" />
          ) : (
            <Button variant="subtle" onClick={onLoadMore}>
              Load more
            </Button>
          )}
        </Center>
      )}
    </>
  );
}

const NAME: FieldInfo = { id: 'last_name', label: 'Name', type: 'string', builtIn: true };

function SortHeader({ field, sort, onSort }: { field: FieldInfo; sort: Props['sort']; onSort: Props['onSort'] }) {
  const { id } = field;
  const numeric = field.type === 'number';
  // A score's long title goes on two lines rather than widening the table.
  const label = field.score ? (
    <span style={{ whiteSpace: 'normal', maxWidth: 120, textAlign: numeric ? 'right' : undefined }}>{field.label}</span>
  ) : (
    field.label
  );
  // A score says what it is on hover (its header is as short as the others).
  const hint = (node: ReactElement) =>
    field.description ? (
      <Tooltip label={field.description} multiline w={280} openDelay={300}>
        {node}
      </Tooltip>
    ) : (
      node
    );
  if (field.columnOnly) {
    return (
      <Table.Th ta={numeric ? 'right' : undefined}>
        {hint(
          <Text span className={classes.sortButton} style={{ justifyContent: numeric ? 'flex-end' : undefined, cursor: 'help' }}>
            {label}
          </Text>,
        )}
      </Table.Th>
    );
  }
  const active = sort.sort === id;
  const Icon = !active ? IconSelector : sort.order === 'asc' ? IconArrowUp : IconArrowDown;
  // Dates read newest first, scores highest first, names A to Z, on the first click.
  const firstOrder = id === 'created_at' || id === 'updated_at' || field.score ? 'desc' : 'asc';
  return (
    <Table.Th aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      {hint(
        <UnstyledButton
          className={classes.sortButton}
          data-active={active || undefined}
          onClick={() => onSort(id, active ? (sort.order === 'asc' ? 'desc' : 'asc') : firstOrder)}
          style={{ justifyContent: numeric ? 'flex-end' : undefined }}
        >
          {label}
          <Icon size={13} stroke={2} />
        </UnstyledButton>,
      )}
    </Table.Th>
  );
}

/** A score as it reads: a chance as a percentage, expected orders with one decimal, a lifetime value as money. */
function scoreText(contact: ListedContact, field: FieldInfo, value: number): string {
  switch (field.score) {
    case 'chance':
      return percent(value);
    case 'orders':
      return expectedOrders(value);
    case 'money':
      return formatMoney(value, contact.scores?.currency) ?? '';
    default:
      return String(value);
  }
}

function Cell({ contact, field }: { contact: ListedContact; field: FieldInfo }) {
  const value = valueOf(contact, field.id);
  if (value === null || value === '') {
    return (
      <Text fz="sm" c="gray.4">
        —
      </Text>
    );
  }
  if (field.score && typeof value === 'number') {
    return (
      <Text fz="sm" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
        {scoreText(contact, field, value)}
      </Text>
    );
  }
  if (field.id === 'lifecycle_stage' || field.id === 'email_status') {
    const color = field.id === 'lifecycle_stage' ? LIFECYCLE_COLORS[value as keyof typeof LIFECYCLE_COLORS] : EMAIL_STATUS_COLORS[value as keyof typeof EMAIL_STATUS_COLORS];
    return (
      <Badge color={color ?? 'gray'} variant={field.id === 'email_status' ? 'dot' : 'light'}>
        {formatValue(field, value)}
      </Badge>
    );
  }
  if (field.type === 'boolean') {
    return (
      <Badge color={value ? 'teal' : 'gray'} variant="light">
        {formatValue(field, value)}
      </Badge>
    );
  }
  const text = field.builtIn && field.type === 'date' ? formatDate(String(value)) : formatValue(field, value);
  return (
    <Text fz="sm" c={field.type === 'date' ? 'dimmed' : undefined} truncate="end" maw={280}>
      {text}
    </Text>
  );
}
