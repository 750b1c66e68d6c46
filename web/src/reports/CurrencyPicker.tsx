// One currency at a time: amounts in different currencies are never added up.
import { SegmentedControl, Select } from '@mantine/core';

export function CurrencyPicker({ currencies, value, onChange, size = 'xs', block = false }: { currencies: string[]; value: string; onChange: (c: string) => void; size?: 'xs' | 'sm'; block?: boolean }) {
  if (currencies.length <= 5)
    return <SegmentedControl aria-label="Currency" style={block ? { display: 'flex' } : undefined} size={size} data={currencies} value={value} onChange={onChange} data-testid="currency-picker" />;
  return <Select aria-label="Currency" size={size} w={110} data={currencies} value={value} onChange={(c) => c && onChange(c)} searchable data-testid="currency-picker" />;
}
