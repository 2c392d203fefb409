#!/usr/bin/env node
// The `curios` command: registers tsx so that the TypeScript sources run as they are, with the
// package's own tsconfig (JSX for the dashboard) wherever curios is installed and whatever the
// working directory holds.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');
