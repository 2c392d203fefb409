// Which of `curios dashboard`'s flags belong to a live run and which to a campaign (--campaign):
// the command refuses a flag of the other kind, and its help shows only the kind asked for.
// Kept apart from dashboard.ts so that the help does not load ink.

/** Option attribute names that mean something only for a live run. */
export const LIVE_ONLY: readonly string[] = ['mode', 'faultRate', 'cycles', 'sliceBudget'];
/** Option attribute names that mean something only for a campaign. */
export const CAMPAIGN_ONLY: readonly string[] = ['servers', 'faults', 'modes', 'trials', 'workers', 'trialBudget', 'keep', 'format', 'out', 'shard', 'ops', 'db', 'store', 'verbose', 'wide'];

/** Whether a dashboard option belongs in the help of a live run (`campaign` false) or of a campaign. */
export function dashboardOptionShown(attribute: string, campaign: boolean): boolean {
  return !(campaign ? LIVE_ONLY : CAMPAIGN_ONLY).includes(attribute);
}
