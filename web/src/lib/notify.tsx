import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCheck } from '@tabler/icons-react';
import type { UseFormReturnType } from '@mantine/form';
import { ApiError, errorMessage } from './api.ts';

export function notifySuccess(message: string, title?: string) {
  notifications.show({ color: 'teal', icon: <IconCheck size={18} />, title, message });
}

export function notifyError(err: unknown, title = 'That did not work') {
  notifications.show({ color: 'red', icon: <IconAlertCircle size={18} />, title, message: errorMessage(err), autoClose: 8000 });
}

/**
 * Puts a 400's field messages under the matching form fields; returns the message to show
 * above the form when the error is not about fields the form has.
 */
export function applyFormError<T extends Record<string, unknown>>(form: UseFormReturnType<T>, err: unknown): string | null {
  if (err instanceof ApiError) {
    const fields = err.fieldErrors;
    const known = Object.keys(fields).filter((f) => f in form.getValues());
    if (known.length > 0) {
      form.setErrors(Object.fromEntries(known.map((f) => [f, fields[f]])));
      return null;
    }
  }
  return errorMessage(err);
}
