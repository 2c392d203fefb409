#!/usr/bin/env node
// The `curios` command. It runs from a cached bundle of its TypeScript sources (bin/bundle.mjs: a
// fast start), and falls back to registering tsx and importing the sources as they are, with the
// package's own tsconfig (JSX for the dashboard), wherever curios is installed and whatever the
// working directory holds. CURIOS_NO_BUNDLE=1 always takes the tsx way.
import { fileURLToPath } from 'node:url';

let bundle = null;
if (process.env.CURIOS_NO_BUNDLE !== '1') {
  try {
    bundle = await (await import('./bundle.mjs')).commandBundle();
  } catch {
    bundle = null;
  }
}
if (bundle !== null) {
  // Stack frames and errors name the TypeScript sources, not the bundle.
  process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import('../src/cli/main.ts');
}
