// Settings › Workspace: the currency of orders that name none (the tracking API's e-commerce
// events, order imports without a currency column).
import { Button, Card, Group, Select } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { code as currencyRecord, codes as currencyCodes } from 'currency-codes';
import type { z } from 'zod';
import type { workspaceInfo, workspacePatch } from '../../../src/workspaces/contract.ts';
import { LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceInfoQuery, useWorkspaceKey } from '../lib/session.ts';
import { SectionHeader } from '../components/PageHeader.tsx';

type WorkspaceInfo = z.input<typeof workspaceInfo>;

const OPTIONS = currencyCodes()
  .filter((c) => !c.startsWith('X'))
  .map((c) => ({ value: c, label: `${c} · ${currencyRecord(c)?.currency ?? c}` }));

export function DefaultCurrencyCard({ canEdit }: { canEdit: boolean }) {
  const info = useWorkspaceInfoQuery();
  return (
    <Card>
      <SectionHeader
        title="Currency"
        description="Orders your shop sends without a currency (through the tracking API) are read in this currency. Without it they are read as US dollars, as Segment's specification says."
      />
      {info.isPending ? <LoadingBlock /> : info.isError ? null : <CurrencyForm key={`${info.data.id}:${info.data.defaultCurrency ?? ''}`} info={info.data} canEdit={canEdit} />}
    </Card>
  );
}

function CurrencyForm({ info, canEdit }: { info: WorkspaceInfo; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('workspace');
  const [currency, setCurrency] = useState<string | null>(info.defaultCurrency);
  const save = useMutation({
    mutationFn: (defaultCurrency: string | null) => api.patch<WorkspaceInfo>('/workspace', { defaultCurrency } satisfies z.input<typeof workspacePatch>),
    onSuccess: (updated) => {
      queryClient.setQueryData(key, updated);
      notifySuccess(`Orders without a currency are now read in ${updated.defaultCurrency ?? 'US dollars'}.`, 'Currency saved');
    },
    onError: (err) => notifyError(err, 'Could not save the currency'),
  });
  return (
    <Group align="flex-start" gap="sm">
      <Select
        label="Currency of orders without one"
        description={canEdit ? undefined : 'Only admins and owners can change it.'}
        placeholder="US dollars (not set)"
        data={OPTIONS}
        value={currency}
        onChange={setCurrency}
        searchable
        clearable
        disabled={!canEdit}
        w={420}
        maw="100%"
      />
      {canEdit && (
        <Button mt={25} loading={save.isPending} disabled={currency === info.defaultCurrency} onClick={() => save.mutate(currency)}>
          Save
        </Button>
      )}
    </Group>
  );
}
