import type { Module } from '../server/module.ts';
import { contactListRoutes } from './routes.ts';

export const contactListModule: Module = {
  name: 'contact-list',
  purpose: 'the contacts list: search, filters (segment definitions), sorting, keyset pages, CSV export',
  routes: [{ prefix: '/api/v1', plugin: contactListRoutes }],
};
