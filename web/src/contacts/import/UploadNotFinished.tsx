// An import whose file never finished arriving (Rapport stopped during the upload) or that
// failed before it started: nothing was imported, so it is deleted rather than undone.
import { Alert, Button, Group, Stack } from '@mantine/core';
import { IconAlertCircle, IconTrash, IconUpload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../lib/api.ts';
import { notifyError } from '../../lib/notify.tsx';
import { useWorkspaceKey } from '../../lib/session.ts';
import type { ImportInfo } from './importModel.ts';

/** Whether the import never started: an upload without its preview, or one failed before its run. */
export const neverStarted = (info: ImportInfo): boolean => (info.status === 'uploaded' && info.preview === null) || (info.status === 'failed' && info.startedAt === null);

export function UploadNotFinished({ info }: { info: ImportInfo }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const key = useWorkspaceKey('imports');
  const remove = useMutation({
    mutationFn: () => api.delete(`/imports/${info.id}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      navigate('/contacts/import', { replace: true });
    },
    onError: (err) => notifyError(err, 'Could not delete the import'),
  });
  const failed = info.status === 'failed';
  return (
    <Stack gap="lg">
      <Alert color={failed ? 'red' : 'yellow'} variant="light" icon={<IconAlertCircle size={18} />} title={failed ? 'Nothing was imported' : 'The upload has not finished'} data-testid="import-not-started">
        {failed
          ? `${info.error ?? 'The import failed before it started.'}`
          : 'The file is still arriving, or Rapport stopped while it was being sent. If it does not go on, delete this import and upload the file again.'}
      </Alert>
      <Group justify="space-between">
        <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => remove.mutate()} loading={remove.isPending}>
          Delete this import
        </Button>
        <Button component={Link} to="/contacts/import" leftSection={<IconUpload size={16} />}>
          Upload a file
        </Button>
      </Group>
    </Stack>
  );
}
