#!/usr/bin/env node
// Entry point of the `rapport` command. It runs the compiled server (dist/server/rapport.js,
// which `npm start` builds) when that is newer than every source file; otherwise the
// TypeScript sources through tsx's loader (development, or a clone not built yet).
import { pathToFileURL } from 'node:url';
import { SERVER_BUNDLE, serverBuildIsFresh } from '../scripts/server-build.js';

let main;
if (process.env.RAPPORT_FROM_SOURCES !== '1' && serverBuildIsFresh()) {
  ({ main } = await import(pathToFileURL(SERVER_BUNDLE).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main(process.argv);
