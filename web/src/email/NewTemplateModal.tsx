// A new template: from one of the retention starters or from a blank page, named, then opened
// in the editor.
import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconFile } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { LoadingBlock } from '../components/QueryState.tsx';
import { ApiError, api, errorMessage } from '../lib/api.ts';
import { useWorkspaceKey } from '../lib/session.ts';
import { type EmailTemplate, type TemplateBody, useStartersQuery } from './model.ts';
import classes from './email.module.css';

/** A blank page that is still a valid message: a section, a text, the unsubscribe footer. */
const BLANK: TemplateBody = {
  name: '',
  subject: 'A note from {{ workspace.name }}',
  preheader: '',
  body: `<mjml>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="#ffffff" padding="32px 24px">
      <mj-column>
        <mj-text font-size="16px" line-height="24px">Hello {{ contact.first_name }},</mj-text>
      </mj-column>
    </mj-section>
    <mj-section padding="16px 24px">
      <mj-column>
        <mj-text font-size="12px" color="#616e7c">{{ workspace.name }} · {{ workspace.postal_address }}<br />
          <a href="{{ links.unsubscribe }}">Unsubscribe</a> · <a href="{{ links.preferences }}">Email preferences</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`,
  defaults: { 'contact.first_name': 'there' },
};

export function NewTemplateModal({ opened, onClose, initialStarter }: { opened: boolean; onClose: () => void; initialStarter?: string }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>New template</Text>} size="xl">
      {opened && <NewTemplateForm onClose={onClose} initialStarter={initialStarter ?? 'blank'} />}
    </Modal>
  );
}

function NewTemplateForm({ onClose, initialStarter }: { onClose: () => void; initialStarter: string }) {
  const starters = useStartersQuery();
  const [choice, setChoice] = useState(initialStarter);
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<{ name?: string; form?: string }>({});
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const key = useWorkspaceKey('email', 'templates');

  const starter = starters.data?.find((s) => s.key === choice);
  const base: TemplateBody = starter ? starter.template : BLANK;
  const shownName = name ?? (starter ? starter.template.name : '');

  const create = useMutation({
    mutationFn: () => api.post<EmailTemplate>('/email/templates', { ...base, name: shownName.trim() }),
    onSuccess: (t) => {
      queryClient.setQueryData([...key, t.id], t);
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
      onClose();
      navigate(`/email/templates/${t.id}`);
    },
    onError: (err) => {
      const fields = err instanceof ApiError ? err.fieldErrors : {};
      setError(fields.name ? { name: fields.name } : { form: errorMessage(err) });
    },
  });

  if (starters.isPending) return <LoadingBlock />;
  const options = [
    { key: 'blank', name: 'Blank', description: 'A plain message with the unsubscribe footer, to write from scratch.' },
    ...(starters.data ?? []).map((s) => ({ key: s.key, name: s.name, description: s.description })),
  ];
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!shownName.trim()) setError({ name: 'Name the template, like “Spring newsletter”' });
        else create.mutate();
      }}
    >
      <Stack gap="md">
        <Text fz="sm" c="dimmed">
          Start from a retention starter (each has fallbacks for its merge fields and an unsubscribe link) or from a blank page.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm" role="radiogroup" aria-label="Start from">
          {options.map((o) => (
            <UnstyledButton
              key={o.key}
              className={classes.starter}
              data-selected={choice === o.key || undefined}
              role="radio"
              aria-checked={choice === o.key}
              onClick={() => {
                setChoice(o.key);
                setName(null);
                setError({});
              }}
            >
              <Group gap={8} wrap="nowrap" mb={4}>
                {o.key === 'blank' && <IconFile size={15} />}
                <Text fz="sm" fw={600}>
                  {o.name}
                </Text>
              </Group>
              <Text fz="xs" c="dimmed" lh={1.45}>
                {o.description}
              </Text>
            </UnstyledButton>
          ))}
        </SimpleGrid>
        {error.form && (
          <Alert color="red" variant="light">
            {error.form}
          </Alert>
        )}
        <TextInput label="Template name" placeholder="Spring newsletter" value={shownName} onChange={(e) => setName(e.currentTarget.value)} error={error.name} data-autofocus />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create and edit
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
