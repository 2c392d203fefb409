// Registers kv with curios: every command (demo, campaign, compare, dashboard, replay, seeds) finds
// this file in the working directory, or takes it with --config.
import { defineConfig } from 'curios';
import { kvModule } from './workload.ts';

export default defineConfig({
  servers: [kvModule],
});
