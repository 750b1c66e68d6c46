// The parts every workspace settings form in a modal shares: who may change them and the
// server's refusal above the fields; Cancel (Close for those who may not) and Save below them.
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';

export function SettingsFormNotice({ canEdit, error }: { canEdit: boolean; error: string | null }) {
  return (
    <>
      {!canEdit && (
        <Text fz="sm" c="dimmed">
          Only admins and owners can change these.
        </Text>
      )}
      {error && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
          {error}
        </Alert>
      )}
    </>
  );
}

export function SettingsFormButtons({ canEdit, saving, onCancel }: { canEdit: boolean; saving: boolean; onCancel: () => void }) {
  return (
    <Group gap="sm">
      <Button variant="default" onClick={onCancel}>
        {canEdit ? 'Cancel' : 'Close'}
      </Button>
      {canEdit && (
        <Button type="submit" loading={saving}>
          Save
        </Button>
      )}
    </Group>
  );
}
