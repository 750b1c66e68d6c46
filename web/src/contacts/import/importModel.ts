// The import API as the web app sees it (see src/imports/contract.ts).
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ORDER_TARGETS as ServerOrderTargets, importError, importInfo, startImportBody } from '../../../../src/imports/contract.ts';
import { api } from '../../lib/api.ts';
import { useWorkspaceKey } from '../../lib/session.ts';

export type ImportInfo = z.input<typeof importInfo>;
export type ImportError = z.input<typeof importError>;
export type StartImportBody = z.input<typeof startImportBody>;
export type ImportKind = ImportInfo['kind'];
export type ImportStatus = ImportInfo['status'];
export type FilePreview = NonNullable<ImportInfo['preview']>;

// The server's list, copied so the page bundle does without zod; typed equal to it.
export const ORDER_TARGETS: typeof ServerOrderTargets = [
  'order_id',
  'customer_email',
  'customer_id',
  'ordered_at',
  'quantity',
  'unit_price',
  'line_total',
  'order_total',
  'currency',
  'sku',
  'product_name',
  'customer_country',
  'ignore',
];

export const ORDER_TARGET_LABELS: Record<(typeof ORDER_TARGETS)[number], string> = {
  order_id: 'Order ID',
  customer_email: 'Customer email',
  customer_id: 'Customer ID',
  ordered_at: 'Order date',
  quantity: 'Quantity',
  unit_price: 'Unit price',
  line_total: 'Line total',
  order_total: 'Order total',
  currency: 'Currency',
  sku: 'SKU',
  product_name: 'Product name',
  customer_country: 'Customer country',
  ignore: 'Ignore this column',
};

export const STATUS: Record<ImportStatus, { label: string; color: string }> = {
  uploaded: { label: 'Waiting for mapping', color: 'gray' },
  queued: { label: 'Queued', color: 'blue' },
  running: { label: 'Importing', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
  undoing: { label: 'Undoing', color: 'orange' },
  undone: { label: 'Undone', color: 'gray' },
};

/** How a finished import reads: what it achieved, not merely that the job ended. */
export const OUTCOME: Record<NonNullable<ImportInfo['outcome']>, { label: string; color: string }> = {
  imported: { label: 'Imported', color: 'teal' },
  imported_with_problems: { label: 'Imported with problems', color: 'yellow' },
  nothing_imported: { label: 'Nothing imported', color: 'red' },
  failed: { label: 'Failed', color: 'red' },
};

/** The badge of an import: its outcome once finished, else where it is. */
export function badgeOf(info: Pick<ImportInfo, 'status' | 'outcome'>): { label: string; color: string } {
  return info.status === 'completed' && info.outcome ? OUTCOME[info.outcome] : STATUS[info.status];
}

export const isBusy = (s: ImportStatus | undefined) => s === 'queued' || s === 'running' || s === 'undoing';

export function useImportsQuery() {
  return useQuery({
    queryKey: useWorkspaceKey('imports'),
    queryFn: () => api.get<ImportInfo[]>('/imports'),
    refetchInterval: (q) => (q.state.data?.some((i) => isBusy(i.status)) ? 2_000 : false),
  });
}

/** One import, polled every second while it runs, so progress is live. */
export function useImportQuery(id: string) {
  return useQuery({
    queryKey: useWorkspaceKey('imports', id),
    queryFn: () => api.get<ImportInfo>(`/imports/${id}`),
    refetchInterval: (q) => (isBusy(q.state.data?.status) ? 1_000 : false),
  });
}

export const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(0)} KB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(2)} GB`;
