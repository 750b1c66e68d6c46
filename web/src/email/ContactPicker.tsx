// Picks one contact by searching names and emails on the server.
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconUser } from '@tabler/icons-react';
import { useState } from 'react';
import { displayName } from '../contacts/model.ts';
import { useContactSearch } from './model.ts';

export interface PickedContact {
  id: string;
  label: string;
}

interface ContactPickerProps {
  value: PickedContact | null;
  onChange: (contact: PickedContact | null) => void;
  label: string;
  placeholder?: string;
  description?: string;
  w?: number | string;
}

export function ContactPicker({ value, onChange, label, placeholder = 'No contact: every fallback shows', description, w }: ContactPickerProps) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search === value?.label ? '' : search, 250);
  const found = useContactSearch(q);
  const options = (found.data?.items ?? []).map((c) => ({ value: c.id, label: c.email && displayName(c) !== c.email ? `${displayName(c)} <${c.email}>` : displayName(c) }));
  // The chosen contact stays an option whatever the search finds, so its name keeps showing.
  if (value && !options.some((o) => o.value === value.id)) options.unshift({ value: value.id, label: value.label });
  return (
    <Select
      label={label}
      description={description}
      placeholder={placeholder}
      w={w}
      searchable
      clearable
      allowDeselect
      leftSection={<IconUser size={15} stroke={1.7} />}
      data={options}
      value={value?.id ?? null}
      searchValue={search}
      onSearchChange={setSearch}
      // The server searched already; showing its answer as it is.
      filter={({ options: all }) => all}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No contact matches'}
      onChange={(id, option) => onChange(id && option ? { id, label: option.label } : null)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
