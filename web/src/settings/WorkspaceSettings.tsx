import { DefaultCurrencyCard } from './DefaultCurrencyCard.tsx';
import { DeletionsCard } from './DeletionsCard.tsx';
import { Badge, Button, Card, Code, Group, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { z } from 'zod';
import type { workspacePatch } from '../../../src/workspaces/contract.ts';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { countryName, countryOptions } from '../lib/countries.ts';
import { formatDate } from '../lib/format.ts';
import { applyFormError, notifyError, notifySuccess } from '../lib/notify.tsx';
import { ROLE_COLORS, ROLE_LABELS, roleAtLeast } from '../lib/roles.ts';
import { sessionQuery, useWorkspace, useWorkspaceInfoQuery, useWorkspaceKey } from '../lib/session.ts';
import type { WorkspaceInfo } from '../lib/types.ts';

type WorkspacePatch = z.input<typeof workspacePatch>;

export function WorkspaceSettings() {
  const workspace = useWorkspace();
  const info = useWorkspaceInfoQuery();
  const canEdit = roleAtLeast(workspace.role, 'admin');

  return (
    <Stack gap="lg">
      <Card>
        <SectionHeader title="General" description="The name your team sees in the workspace switcher and in invitations." />
        {info.isPending ? (
          <LoadingBlock />
        ) : info.isError ? (
          <ErrorBlock error={info.error} onRetry={() => void info.refetch()} />
        ) : canEdit ? (
          // Keyed by the saved name: a save or a switch of workspace starts the form afresh.
          <RenameForm key={`${info.data.id}:${info.data.name}`} info={info.data} />
        ) : (
          <TextInput
            label="Workspace name"
            description="Only admins and owners can rename the workspace."
            value={info.data.name}
            readOnly
            variant="filled"
            maw={420}
          />
        )}
      </Card>
      <Card>
        <SectionHeader
          title="Postal address"
          description={
            <>
              Appears in the footer of every marketing email (<Code fz="xs">{'{{ workspace.postal_address }}'}</Code>): anti-spam law in many countries
              requires a sender’s physical address.
            </>
          }
        />
        {info.isPending ? (
          <LoadingBlock />
        ) : info.isError ? null : canEdit ? (
          <PostalAddressForm key={`${info.data.id}:${info.data.postalAddress}`} info={info.data} />
        ) : (
          <Textarea
            label="Postal address"
            description="Only admins and owners can change it."
            value={info.data.postalAddress}
            placeholder="Not set"
            readOnly
            variant="filled"
            autosize
            minRows={2}
            maw={420}
          />
        )}
      </Card>
      <Card>
        <SectionHeader
          title="Default country"
          description="Phone numbers written without a country code (07700 900123) are read as numbers of this country, in imports and everywhere else; without it such numbers are left out."
        />
        {info.isPending ? (
          <LoadingBlock />
        ) : info.isError ? null : (
          <DefaultCountryForm key={`${info.data.id}:${info.data.defaultCountry ?? ''}`} info={info.data} canEdit={canEdit} />
        )}
      </Card>
      <DefaultCurrencyCard canEdit={canEdit} />
      <Card>
        <SectionHeader title="Details" description="Useful when you talk to the API or to support." />
        <SimpleGrid cols={3} spacing="xl">
          <Detail label="Your role">
            <Badge color={ROLE_COLORS[workspace.role]}>{ROLE_LABELS[workspace.role]}</Badge>
          </Detail>
          <Detail label="Created">{info.data ? formatDate(info.data.createdAt) : '…'}</Detail>
          <Detail label="Workspace ID">
            <Code fz="xs">{workspace.id}</Code>
          </Detail>
        </SimpleGrid>
      </Card>
      {canEdit && <DeletionsCard />}
      <LeaveWorkspace />
    </Stack>
  );
}

function LeaveWorkspace() {
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const leave = useMutation({
    mutationFn: () => api.post('/workspace/leave', {}),
    onSuccess: async () => {
      setConfirming(false);
      notifySuccess(`You are no longer a member of ${workspace.name}.`, 'Left the workspace');
      await queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
    },
    onError: (err) => {
      setConfirming(false);
      notifyError(err, 'Could not leave the workspace');
    },
  });
  return (
    <Card>
      <SectionHeader title="Leave workspace" description="You lose access to this workspace until someone invites you again. The last owner cannot leave." />
      <Group>
        <Button color="red" variant="light" onClick={() => setConfirming(true)}>
          Leave {workspace.name}
        </Button>
      </Group>
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="Leave this workspace?"
        confirmLabel="Leave workspace"
        loading={leave.isPending}
        onConfirm={() => leave.mutate()}
      >
        You will lose access to {workspace.name} and its data.
      </ConfirmModal>
    </Card>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts={0.4}>
        {label}
      </Text>
      <Text fz="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function RenameForm({ info }: { info: WorkspaceInfo }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('workspace');
  const form = useForm({
    initialValues: { name: info.name },
    validate: { name: (v) => (v.trim() ? null : 'Enter a name for the workspace') },
  });
  const rename = useMutation({
    mutationFn: (name: string) => api.patch<WorkspaceInfo>('/workspace', { name } satisfies WorkspacePatch),
    onSuccess: (updated) => {
      queryClient.setQueryData(key, updated);
      void queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
      notifySuccess(`The workspace is now called ${updated.name}.`, 'Workspace renamed');
    },
    onError: (err) => {
      if (applyFormError(form, err)) notifyError(err, 'Could not rename the workspace');
    },
  });

  return (
    <form noValidate onSubmit={form.onSubmit((v) => rename.mutate(v.name.trim()))}>
      <Group align="flex-start" gap="sm">
        <TextInput label="Workspace name" w={420} {...form.getInputProps('name')} />
        <Button type="submit" mt={25} loading={rename.isPending} disabled={!form.isDirty()}>
          Save
        </Button>
      </Group>
    </form>
  );
}

function PostalAddressForm({ info }: { info: WorkspaceInfo }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('workspace');
  const previews = useWorkspaceKey('email', 'preview');
  const form = useForm({ initialValues: { postalAddress: info.postalAddress } });
  const save = useMutation({
    mutationFn: (postalAddress: string) => api.patch<WorkspaceInfo>('/workspace', { postalAddress } satisfies WorkspacePatch),
    onSuccess: (updated) => {
      queryClient.setQueryData(key, updated);
      void queryClient.invalidateQueries({ queryKey: previews });
      notifySuccess(
        updated.postalAddress ? 'Marketing emails now carry the new address.' : 'Marketing emails no longer carry a postal address.',
        'Postal address saved',
      );
    },
    onError: (err) => {
      if (applyFormError(form, err)) notifyError(err, 'Could not save the postal address');
    },
  });

  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate(v.postalAddress.trim()))}>
      <Group align="flex-start" gap="sm">
        <Textarea
          label="Postal address"
          placeholder="Acme Coffee Ltd, 12 Roaster Lane, Bristol BS1 4QA, United Kingdom"
          autosize
          minRows={2}
          maxRows={6}
          w={420}
          {...form.getInputProps('postalAddress')}
        />
        <Button type="submit" mt={25} loading={save.isPending} disabled={!form.isDirty()}>
          Save
        </Button>
      </Group>
    </form>
  );
}

function DefaultCountryForm({ info, canEdit }: { info: WorkspaceInfo; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('workspace');
  const [country, setCountry] = useState<string | null>(info.defaultCountry);
  const save = useMutation({
    mutationFn: (defaultCountry: string | null) => api.patch<WorkspaceInfo>('/workspace', { defaultCountry } satisfies WorkspacePatch),
    onSuccess: (updated) => {
      queryClient.setQueryData(key, updated);
      notifySuccess(
        updated.defaultCountry
          ? `Phone numbers without a country code are now read as numbers of ${countryName(updated.defaultCountry)}.`
          : 'Phone numbers now need their country code.',
        'Default country saved',
      );
    },
    onError: (err) => notifyError(err, 'Could not save the default country'),
  });
  return (
    <Group align="flex-start" gap="sm">
      <Select
        label="Default country"
        description={canEdit ? undefined : 'Only admins and owners can change it.'}
        placeholder="Not set"
        data={countryOptions()}
        value={country}
        onChange={setCountry}
        searchable
        clearable
        disabled={!canEdit}
        w={420}
      />
      {canEdit && (
        <Button mt={25} loading={save.isPending} disabled={country === info.defaultCountry} onClick={() => save.mutate(country)} aria-label="Save the default country">
          Save
        </Button>
      )}
    </Group>
  );
}
