#!/usr/bin/env node
// The fedseg command. Sources are TypeScript; tsx compiles them on the fly.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/node/cli.ts');
process.exitCode = await main(process.argv.slice(2));
