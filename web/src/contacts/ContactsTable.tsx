import { Anchor, Avatar, Badge, Box, Button, Center, Checkbox, Group, Loader, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { formatDate, initials } from '../lib/format.ts';
import { formatValue } from './format.ts';
import { type Contact, displayName, EMAIL_STATUS_COLORS, type FieldInfo, LIFECYCLE_COLORS, valueOf } from './model.ts';
import classes from './contacts.module.css';

interface Props {
  rows: Contact[];
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
              <SortHeader id="last_name" label="Name" sort={sort} onSort={onSort} />
              {columns.map((c) => (
                <SortHeader key={c.id} id={c.id} label={c.label} sort={sort} onSort={onSort} numeric={c.type === 'number'} />
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

function SortHeader({ id, label, sort, onSort, numeric }: { id: string; label: string; sort: Props['sort']; onSort: Props['onSort']; numeric?: boolean }) {
  const active = sort.sort === id;
  const Icon = !active ? IconSelector : sort.order === 'asc' ? IconArrowUp : IconArrowDown;
  // Dates read newest first, names A to Z, on the first click.
  const firstOrder = id === 'created_at' || id === 'updated_at' ? 'desc' : 'asc';
  return (
    <Table.Th aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <UnstyledButton
        className={classes.sortButton}
        data-active={active || undefined}
        onClick={() => onSort(id, active ? (sort.order === 'asc' ? 'desc' : 'asc') : firstOrder)}
        style={{ justifyContent: numeric ? 'flex-end' : undefined }}
      >
        {label}
        <Icon size={13} stroke={2} />
      </UnstyledButton>
    </Table.Th>
  );
}

function Cell({ contact, field }: { contact: Contact; field: FieldInfo }) {
  const value = valueOf(contact, field.id);
  if (value === null || value === '') {
    return (
      <Text fz="sm" c="gray.4">
        —
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
