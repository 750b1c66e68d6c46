// The application, as the list of its modules in layer order: each module may import only
// from the modules above it in this list and from the floor (config, clock, db, jobs/runner,
// server request context, errors, shared). eslint.config.js enforces the same order
// (LAYERS there; a test checks the two agree). A new capability adds its module here, after
// the modules it builds on.
import { accountsModule } from '../accounts/module.ts';
import { contactListModule } from '../contact-list/module.ts';
import { contactsModule } from '../contacts/module.ts';
import { couponsModule } from '../coupons/module.ts';
import { demoModule } from '../demo/module.ts';
import { eventsModule } from '../events/module.ts';
import { importsModule } from '../imports/module.ts';
import { loyaltyModule } from '../loyalty/module.ts';
import { messagingModule } from '../messaging/module.ts';
import { purchasesModule } from '../purchases/module.ts';
import { reportsModule } from '../reports/module.ts';
import { retentionModule } from '../retention/module.ts';
import { segmentsModule } from '../segments/module.ts';
import { trackingModule } from '../tracking/module.ts';
import type { Module } from '../server/module.ts';
import { socialModule } from '../social/module.ts';
import { surveysModule } from '../surveys/module.ts';
import { workflowsModule } from '../workflows/module.ts';
import { workspacesModule } from '../workspaces/module.ts';
import { systemModule } from './system.ts';

export const MODULES: readonly Module[] = [
  systemModule,
  accountsModule,
  workspacesModule,
  eventsModule,
  purchasesModule,
  contactsModule,
  trackingModule,
  segmentsModule,
  contactListModule,
  importsModule,
  messagingModule,
  surveysModule,
  couponsModule,
  loyaltyModule,
  socialModule,
  workflowsModule,
  reportsModule,
  retentionModule,
  demoModule,
];
