export * from './request.ts'; export { registerAuth } from '../workspaces/authenticate.ts';
