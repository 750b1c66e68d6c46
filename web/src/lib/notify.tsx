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

/**
 * Like applyFormError for forms whose fields are not named as the API's (nested paths such as
 * "discount.percent", a multiplier typed as ×1.5 but sent in other units): `rename` turns an API
 * path into the form's path ("limit.count" → "limitCount"), or null for none. Messages whose
 * field the form shows go under it; the message above the form says the rest, if any.
 */
export function applyFieldErrors<T extends Record<string, unknown>>(form: UseFormReturnType<T>, err: unknown, rename: (path: string) => string | null = (p) => p): string | null {
  if (!(err instanceof ApiError)) return errorMessage(err);
  const values = form.getValues();
  const has = (path: string) => {
    let at: unknown = values;
    for (const part of path.split('.')) {
      if (at === null || typeof at !== 'object' || !(part in at)) return false;
      at = (at as Record<string, unknown>)[part];
    }
    return true;
  };
  const placed: Record<string, string> = {};
  let unplaced = false;
  for (const [path, message] of Object.entries(err.fieldErrors)) {
    const field = rename(path);
    if (field !== null && has(field)) placed[field] ??= message;
    else unplaced = true;
  }
  if (Object.keys(placed).length === 0) return errorMessage(err);
  form.setErrors(placed);
  return unplaced ? errorMessage(err) : null;
}
