#!/usr/bin/env node
// The `curios` command. It runs from a cached bundle of its TypeScript sources (bin/bundle.mjs: a
// fast start), and falls back to registering tsx and importing the sources as they are, with the
// package's own tsconfig (JSX for the dashboard), wherever curios is installed and whatever the
// working directory holds. CURIOS_NO_BUNDLE=1 always takes the tsx way.
import { commandBundle, importBundleOrSource } from './bundle.mjs';

let bundle = null;
if (process.env.CURIOS_NO_BUNDLE !== '1') {
  try {
    bundle = await commandBundle();
  } catch {
    bundle = null;
  }
}
await importBundleOrSource(bundle, new URL('../src/cli/main.ts', import.meta.url).href);
