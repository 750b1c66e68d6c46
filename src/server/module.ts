// What a domain tells the application about itself. Each domain folder exports one
// `Module` from its module.ts; src/app/modules.ts lists them in layer order and the
// application is assembled from that list alone (routes, jobs, tables, start and stop).
// A domain that must react to something a lower domain does (contacts deleted, a workspace's
// data changed) declares a hook here instead of being called by name from below.
import type { FastifyPluginAsync, RawServerDefault } from 'fastify';
import type { SqlSession } from '../db/client.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from './context.ts';

/** Where a module's routes are mounted: the API, Segment's tracking API, or the site root (signed public links). */
export type RoutePrefix = '/api/v1' | '/v1' | '';

export interface ModuleRoutes {
  prefix: RoutePrefix;
  // Each domain's plugin carries its own type provider; the assembly only registers it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  plugin: (ctx: AppContext) => FastifyPluginAsync<any, RawServerDefault, any>;
}

export interface StartOptions {
  /** Whether this process works jobs (serve, worker) or only enqueues them (other commands). */
  work: boolean;
}

export interface Module {
  /** The folder under src/: "contacts". */
  name: string;
  /** One line for docs/architecture.md and the module list test. */
  purpose: string;
  /** Its tables: the exports of its schema.ts. */
  tables?: Record<string, unknown>;
  routes?: ModuleRoutes[];
  /** Defines its background jobs (each with a typed payload) on the runner. */
  jobs?: (runner: JobRunner<AppContext>) => void;
  /** Before the job runner starts (the embedded database: take over what a dead process held). */
  prepare?: (ctx: AppContext, options: StartOptions) => Promise<void>;
  /** After the job runner started: pick up work a previous life of the process left. */
  start?: (ctx: AppContext, options: StartOptions) => Promise<void>;
  /** Before the job runner stops: let running work end after its current step. */
  stopping?: (ctx: AppContext) => void;
  /** After the job runner stopped: close pools and threads. */
  close?: () => Promise<void> | void;
  /** A workspace's contacts or events changed (said by writers after they commit). */
  dataChanged?: (ctx: AppContext, workspaceId: string) => void;
  /**
   * Contacts are being deleted in `tx`: `lock` runs before their rows are locked (the lock
   * order), `forget` after they are gone, to remove what the module keeps about them; it may
   * return how many rows it removed (an erasure reports the events).
   */
  contactsDeleted?: {
    lock?: (tx: SqlSession, workspaceId: string) => Promise<void>;
    forget: (tx: SqlSession, workspaceId: string, contactIds: string[]) => Promise<number | void>;
  };
  /**
   * What templates may read of a contact under a root of the module's own ({{ loyalty.points }}),
   * loaded for a batch of contacts by every send (previews, single sends, broadcasts). Contacts
   * missing from the map get `empty`, or no root at all when it is undefined.
   */
  mergeData?: {
    root: string;
    load: (db: SqlSession, workspaceId: string, contactIds: string[]) => Promise<Map<string, Record<string, unknown>>>;
    empty?: Record<string, unknown>;
  };
  /** A person was erased (GDPR) in `tx`: remove any text the module keeps that quotes their address. */
  contactErased?: (tx: SqlSession, workspaceId: string, email: string) => Promise<void>;
}
