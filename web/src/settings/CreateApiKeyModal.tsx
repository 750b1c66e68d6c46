import { Alert, Button, Group, Modal, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CopyField } from '../components/CopyField.tsx';
import { api } from '../lib/api.ts';
import { applyFormError, notifyError } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';
import type { ApiKeyCreated, ApiKeyScope } from '../lib/types.ts';
import { SCOPES } from './scopes.ts';
import classes from './CreateApiKeyModal.module.css';

/** Creates a key, then shows its secret this once. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('api-keys');
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const form = useForm({
    initialValues: { name: '', scope: 'ingest' as ApiKeyScope },
    validate: { name: (v) => (v.trim() ? null : 'Name the key after what uses it, like “Shop backend”') },
  });
  const create = useMutation({
    mutationFn: (body: { name: string; scope: ApiKeyScope }) => api.post<ApiKeyCreated>('/api-keys', body),
    onSuccess: (result) => {
      setCreated(result);
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (err) => {
      if (applyFormError(form, err)) notifyError(err, 'Could not create the API key');
    },
  });
  const close = () => {
    onClose();
    setTimeout(() => {
      setCreated(null);
      form.reset();
    }, 200);
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      size="lg"
      // The secret is gone once this closes: no closing by a stray click outside.
      closeOnClickOutside={!created}
      title={<Text fw={650}>{created ? 'Copy your API key' : 'Create API key'}</Text>}
    >
      {created ? (
        <Stack gap="md">
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="This key will not be shown again">
            Copy it now and store it somewhere safe, like your password manager or your server’s environment. If you lose
            it, revoke it and create a new one.
          </Alert>
          <CopyField label="API key" value={created.key} description={`${created.apiKey.name} · ${SCOPES[created.apiKey.scope].label}`} />
          <Text fz="xs" c="dimmed">
            Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form noValidate onSubmit={form.onSubmit((v) => create.mutate({ name: v.name.trim(), scope: v.scope }))}>
          <Stack gap="lg">
            <TextInput label="Name" placeholder="Shop backend" data-autofocus {...form.getInputProps('name')} />
            <Radio.Group label="Scope" description="What the key may do. Give each system the least it needs." {...form.getInputProps('scope')}>
              <SimpleGrid cols={2} spacing="sm" mt="xs">
                {(Object.keys(SCOPES) as ApiKeyScope[]).map((scope) => (
                  <Radio.Card key={scope} value={scope} className={classes.card} radius="md">
                    <Group wrap="nowrap" align="flex-start" gap="sm">
                      <Radio.Indicator mt={2} />
                      <Stack gap={2}>
                        <Text fz="sm" fw={600}>
                          {SCOPES[scope].label}
                        </Text>
                        <Text fz="xs" c="dimmed">
                          {SCOPES[scope].description}
                        </Text>
                      </Stack>
                    </Group>
                  </Radio.Card>
                ))}
              </SimpleGrid>
            </Radio.Group>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
