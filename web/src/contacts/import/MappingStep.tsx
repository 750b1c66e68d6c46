// Import, step 2: each column with its sample values and where it goes: a contact field, an
// existing property, a new property (prefilled from the server's suggestion), or nowhere.
import { Alert, Badge, Button, Card, Group, Radio, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconArrowRight, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { CONTACT_FIELDS, PROPERTY_KEY_PATTERN, PROPERTY_TYPES } from '../../../../src/contacts/fields.ts';
import { SectionHeader } from '../../components/PageHeader.tsx';
import { ApiError, api, errorMessage } from '../../lib/api.ts';
import { notifyError } from '../../lib/notify.tsx';
import { useWorkspaceKey } from '../../lib/session.ts';
import { type FieldType, TYPE_LABELS, usePropertiesQuery } from '../model.ts';
import { type ImportInfo, ORDER_TARGET_LABELS, ORDER_TARGETS, type StartImportBody } from './importModel.ts';

const NEW = '__new__';
const ENCODINGS = ['UTF-8', 'UTF-16LE', 'UTF-16BE', 'windows-1252', 'ISO-8859-1', 'ISO-8859-15', 'Shift_JIS', 'EUC-JP', 'GB18030', 'Big5', 'windows-1251', 'KOI8-R'];
const DELIMITERS = [
  { value: ',', label: 'Comma ( , )' },
  { value: ';', label: 'Semicolon ( ; )' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe ( | )' },
];

interface Choice {
  target: string;
  prop: { key: string; label: string; type: FieldType };
}

export function MappingStep({ info }: { info: ImportInfo }) {
  const preview = info.preview!;
  const contacts = info.kind === 'contacts';
  const defs = usePropertiesQuery().data ?? [];
  const [choices, setChoices] = useState<Choice[]>(() =>
    preview.columns.map((column, i) => {
      const suggested = preview.suggestedProperties.find((p) => p.column === i);
      return {
        target: suggested ? NEW : (preview.suggestedMapping[i] ?? 'ignore'),
        prop: suggested ? { key: suggested.key, label: suggested.label, type: suggested.type } : { key: '', label: column, type: 'string' },
      };
    }),
  );
  const [hasHeader, setHasHeader] = useState(preview.hasHeader);
  const [delimiter, setDelimiter] = useState(preview.delimiter);
  const [encoding, setEncoding] = useState(preview.encoding);
  const [updateExisting, setUpdateExisting] = useState(true);
  // No answer until the person gives one: consent is never assumed.
  const [consent, setConsent] = useState<'subscribed' | 'not_subscribed' | null>(null);
  const [consentMissing, setConsentMissing] = useState(false);
  const [currency, setCurrency] = useState('');
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const set = (i: number, patch: Partial<Choice>) => setChoices((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch, prop: { ...c.prop, ...patch.prop } } : c)));
  const targetOf = (c: Choice) => (c.target === NEW ? `properties.${c.prop.key}` : c.target);
  const usedBy = new Map<string, number>();
  choices.forEach((c, i) => c.target !== 'ignore' && !usedBy.has(targetOf(c)) && usedBy.set(targetOf(c), i));

  const data = contacts
    ? [
        {
          group: 'Contact fields',
          items: [
            ...Object.entries(CONTACT_FIELDS).map(([value, label]) => ({ value, label })),
            { value: 'name', label: 'Full name (split in two)' },
            { value: 'birthday.year', label: 'Birthday: year' },
            { value: 'birthday.month', label: 'Birthday: month' },
            { value: 'birthday.day', label: 'Birthday: day' },
          ],
        },
        ...(defs.length > 0 ? [{ group: 'Properties', items: defs.map((d) => ({ value: `properties.${d.key}`, label: d.label })) }] : []),
        { group: 'Other', items: [{ value: NEW, label: 'New property…' }, { value: 'ignore', label: 'Ignore this column' }] },
      ]
    : ORDER_TARGETS.map((t) => ({ value: t, label: ORDER_TARGET_LABELS[t] }));

  const queryClient = useQueryClient();
  const key = useWorkspaceKey('imports');
  const propertiesKey = useWorkspaceKey('properties');
  const navigate = useNavigate();
  const start = useMutation({
    mutationFn: (body: StartImportBody) => api.post<ImportInfo>(`/imports/${info.id}/start`, body),
    onSuccess: (next) => {
      queryClient.setQueryData([...key, info.id], next);
      // The import defines the new properties it was given.
      void queryClient.invalidateQueries({ queryKey: propertiesKey });
    },
    onError: (err) => {
      setError(errorMessage(err));
      if (err instanceof ApiError) setIssues(err.fieldErrors);
    },
  });
  const discard = useMutation({
    mutationFn: () => api.delete(`/imports/${info.id}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      navigate('/contacts/import', { replace: true });
    },
    onError: (err) => notifyError(err, 'Could not discard the upload'),
  });

  const emailMapped = choices.some((c) => c.target === (contacts ? 'email' : 'customer_email'));
  const identityMissing = contacts
    ? !choices.some((c) => c.target === 'email' || c.target === 'external_id')
    : !choices.some((c) => c.target === 'customer_email' || c.target === 'customer_id');
  const submit = () => {
    setError(null);
    setIssues({});
    if (emailMapped && consent === null) {
      setConsentMissing(true);
      return;
    }
    const body: StartImportBody = {
      mapping: choices.map(targetOf),
      newProperties: choices.flatMap((c, column) => (c.target === NEW ? [{ column, key: c.prop.key, label: c.prop.label, type: c.prop.type }] : [])),
      ...(hasHeader !== preview.hasHeader ? { hasHeader } : {}),
      ...(delimiter && delimiter !== preview.delimiter ? { delimiter } : {}),
      ...(encoding && encoding !== preview.encoding ? { encoding } : {}),
      ...(emailMapped && consent ? { emailConsent: consent } : {}),
      ...(contacts ? { updateExisting } : { ...(currency ? { currency: currency.toUpperCase() } : {}) }),
    };
    start.mutate(body);
  };
  const mapped = choices.filter((c) => c.target !== 'ignore').length;

  return (
    <Stack gap="lg">
      <Card>
        <SectionHeader title="How the file was read" description="Detected from the file. Change these only if the samples below look wrong; the import then reads the file with your choice." />
        <SimpleGrid cols={4}>
          <TextInput label="Format" value={preview.format === 'xlsx' ? 'Excel (.xlsx)' : 'CSV text'} readOnly />
          <Select label="Encoding" data={ENCODINGS.includes(encoding ?? '') || !encoding ? ENCODINGS : [encoding, ...ENCODINGS]} value={encoding} onChange={setEncoding} disabled={preview.format === 'xlsx'} searchable />
          <Select label="Delimiter" data={DELIMITERS} value={delimiter} onChange={setDelimiter} disabled={preview.format === 'xlsx'} />
          <Switch label="First row holds column names" checked={hasHeader} onChange={(e) => setHasHeader(e.currentTarget.checked)} mt={30} />
        </SimpleGrid>
      </Card>

      <Card p={0}>
        <Group justify="space-between" px="lg" pt="lg">
          <SectionHeader title="Columns" description={`${preview.columns.length} columns, ${mapped} imported. Samples are the first rows of the file.`} />
        </Group>
        <Table.ScrollContainer minWidth={640} type="native">
        <Table verticalSpacing="sm" horizontalSpacing="lg" aria-label="Column mapping">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="20%">Column</Table.Th>
              <Table.Th>Sample values</Table.Th>
              <Table.Th w={32} />
              <Table.Th w="44%">Imports into</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.columns.map((column, i) => {
              const c = choices[i]!;
              const samples = preview.sampleRows.map((r) => r[i] ?? '').filter((v) => v.trim() !== '').slice(0, 3);
              const clash = c.target !== 'ignore' && usedBy.get(targetOf(c)) !== i ? `Column ${usedBy.get(targetOf(c))! + 1} already imports into this` : undefined;
              const keyProblem = c.target === NEW && !PROPERTY_KEY_PATTERN.test(c.prop.key) ? 'Lower-case letters, digits and _' : undefined;
              return (
                <Table.Tr key={i} data-testid={`mapping-row-${i}`}>
                  <Table.Td>
                    <Text fz="sm" fw={600}>
                      {column || `Column ${i + 1}`}
                    </Text>
                    <Text fz="xs" c="dimmed">
                      Column {i + 1}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {samples.length === 0 ? (
                      <Text fz="sm" c="dimmed" fs="italic">
                        empty in the first rows
                      </Text>
                    ) : (
                      <Group gap={6}>
                        {samples.map((s, k) => (
                          <Badge key={k} variant="default" radius="sm" fw={400} maw={200} style={{ textTransform: 'none' }}>
                            {s}
                          </Badge>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <IconArrowRight size={16} color="var(--mantine-color-gray-5)" />
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={6}>
                      <Select
                        aria-label={`Target of ${column || `column ${i + 1}`}`}
                        data={data}
                        value={c.target}
                        onChange={(t) => t && set(i, { target: t })}
                        error={clash ?? issues[`mapping.${i}`]}
                        c={c.target === 'ignore' ? 'dimmed' : undefined}
                      />
                      {c.target === NEW && (
                        <Group gap={6} wrap="nowrap">
                          <TextInput size="xs" flex={3} aria-label="New property label" placeholder="Label" value={c.prop.label} onChange={(e) => set(i, { prop: { ...c.prop, label: e.currentTarget.value } })} />
                          <TextInput size="xs" flex={3} aria-label="New property key" placeholder="key" value={c.prop.key} error={keyProblem} onChange={(e) => set(i, { prop: { ...c.prop, key: e.currentTarget.value } })} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
                          <Select size="xs" flex={2} aria-label="New property type" data={PROPERTY_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} value={c.prop.type} onChange={(t) => t && set(i, { prop: { ...c.prop, type: t as FieldType } })} />
                        </Group>
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      </Card>

      {identityMissing && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={contacts ? 'Which column says who each person is?' : 'Which column says who bought?'} data-testid="identity-missing">
          {contacts
            ? 'Import one column into Email or External ID. Without one, every row becomes a new contact, and importing the file again would add everyone a second time.'
            : 'Import one column into Customer ID or Customer email. Without one, no order can be given to a customer.'}
        </Alert>
      )}

      {emailMapped && (
        <Card>
          <Radio.Group
            label="Did the people in this file agree to receive marketing email from you?"
            description="Only people who said yes (a newsletter sign-up, a ticked box at checkout) may be sent marketing email. Your answer is kept with the import, with who gave it and when."
            value={consent}
            onChange={(v) => {
              setConsent(v as 'subscribed' | 'not_subscribed');
              setConsentMissing(false);
            }}
            error={consentMissing ? 'Answer this question to start the import' : undefined}
            withAsterisk
          >
            <Stack gap="xs" mt="sm">
              <Radio value="subscribed" label="Yes, they agreed: subscribe them" description="New contacts with an email address are subscribed, and so are existing ones who were not. Nobody who unsubscribed, bounced or complained is subscribed again." />
              <Radio value="not_subscribed" label="No, or I don’t know: don’t subscribe them" description="New contacts are not subscribed; existing contacts keep their status." />
            </Stack>
          </Radio.Group>
        </Card>
      )}

      <Card>
        <SectionHeader title="Options" />
        {contacts ? (
          <Switch label="Update contacts that already exist" description="Matched by external ID, then email. Off: those rows are skipped." checked={updateExisting} onChange={(e) => setUpdateExisting(e.currentTarget.checked)} />
        ) : (
          <TextInput
            label="Currency"
            description="For files without a currency column (ISO code, like GBP or EUR)."
            placeholder="GBP"
            w={260}
            maxLength={3}
            value={currency}
            error={issues.currency}
            onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
          />
        )}
      </Card>

      {error && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The import cannot start yet">
          {error}
        </Alert>
      )}
      <Group justify="space-between">
        <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => discard.mutate()} loading={discard.isPending}>
          Discard this upload
        </Button>
        <Button size="md" leftSection={<IconPlayerPlay size={16} />} onClick={submit} loading={start.isPending} disabled={mapped === 0 || identityMissing}>
          Start import
        </Button>
      </Group>
    </Stack>
  );
}
