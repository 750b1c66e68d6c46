// A currency picked from the ISO 4217 list ("GBP · Pound Sterling"), searchable by code or name.
import { Select, type SelectProps } from '@mantine/core';
import { code as currencyRecord, codes as currencyCodes } from 'currency-codes';
import { useWorkspaceInfoQuery } from '../lib/session.ts';

export const CURRENCY_OPTIONS = currencyCodes()
  .filter((c) => !c.startsWith('X'))
  .map((c) => ({ value: c, label: `${c} · ${currencyRecord(c)?.currency ?? c}` }));

export function CurrencySelect(props: Omit<SelectProps, 'data'>) {
  return <Select data={CURRENCY_OPTIONS} searchable allowDeselect={false} comboboxProps={{ withinPortal: true }} {...props} />;
}

/** The currency offered first in a form: the workspace's default for orders, else US dollars. */
export function useDefaultCurrency(): string {
  return useWorkspaceInfoQuery().data?.defaultCurrency ?? 'USD';
}
