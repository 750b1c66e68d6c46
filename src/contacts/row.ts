// A contact as a row of `contacts c` and as the API returns it.
import type { z } from 'zod';
import type { contact } from './contract.ts';

export type Contact = z.output<typeof contact>;

export const CONTACT_COLUMNS =
  'c.id, c.email, c.external_id, c.phone, c.first_name, c.last_name, c.lifecycle_stage, c.email_status, c.properties, c.created_at, c.updated_at';

export interface ContactRow {
  id: string;
  email: string | null;
  external_id: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  lifecycle_stage: Contact['lifecycleStage'];
  email_status: Contact['emailStatus'];
  properties: Record<string, string | number | boolean>;
  created_at: Date | string;
  updated_at: Date | string;
}

export function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    email: r.email,
    externalId: r.external_id,
    phone: r.phone,
    firstName: r.first_name,
    lastName: r.last_name,
    lifecycleStage: r.lifecycle_stage,
    emailStatus: r.email_status,
    properties: r.properties,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}
