#!/usr/bin/env node
// Entry point of the `rapport` command. The sources are TypeScript; tsx's loader
// transpiles them on the fly (cached), so there is no separate build step for the server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
