// Which of `curios dashboard`'s flags belong to a live run, which to a campaign (--campaign), and
// the few a stored exploration takes (--explore): the command refuses a flag of another kind, and
// its help shows only the kind asked for. Kept apart from dashboard.ts so that the help does not
// load ink.

/** Option attribute names that mean something only for a live run. */
export const LIVE_ONLY: readonly string[] = ['mode', 'faultRate', 'cycles', 'sliceBudget'];
/** Option attribute names that mean something only for a campaign. */
export const CAMPAIGN_ONLY: readonly string[] = ['servers', 'faults', 'modes', 'trials', 'workers', 'trialBudget', 'keep', 'format', 'out', 'shard', 'ops', 'db', 'store', 'verbose', 'wide'];

/** The only options `dashboard --explore` takes (every other is refused). */
export const EXPLORE_TAKES: readonly string[] = ['explore', 'db', 'json'];

export type DashboardView = 'live' | 'campaign' | 'explore';

/** Whether a dashboard option belongs in the help of a live run, of a campaign, or of an exploration. */
export function dashboardOptionShown(attribute: string, view: DashboardView): boolean {
  if (view === 'explore') return EXPLORE_TAKES.includes(attribute) || attribute === 'help';
  return !(view === 'campaign' ? LIVE_ONLY : CAMPAIGN_ONLY).includes(attribute);
}
