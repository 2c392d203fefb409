// The campaign summary as JSON for scripts. Objects are rebuilt field by field so that the keys
// and their order are exactly the documented ones, whatever else a caller's object carries.
import { OUTCOMES, type CampaignSummary, type Outcome, type Row } from '../result-types.ts';

export function formatJson(summary: CampaignSummary): string {
  const document: CampaignSummary = {
    seed: summary.seed,
    trials: summary.trials,
    digest: summary.digest,
    ...(summary.hostLimited === undefined ? {} : { hostLimited: summary.hostLimited }),
    trialsPerSecond: summary.trialsPerSecond,
    rows: summary.rows.map(rowDocument),
  };
  return JSON.stringify(document, null, 2) + '\n';
}

function rowDocument(row: Row): Row {
  return {
    server: row.server,
    fault: row.fault,
    mode: row.mode,
    commit: row.commit,
    trials: row.trials,
    manifested: row.manifested,
    outcomes: Object.fromEntries(OUTCOMES.map((outcome) => [outcome, row.outcomes[outcome]])) as Record<Outcome, number>,
    recoveryStrict: row.recoveryStrict,
    recoveryLenient: row.recoveryLenient,
    ci95Strict: row.ci95Strict === null ? null : [row.ci95Strict[0], row.ci95Strict[1]],
    ci95Lenient: row.ci95Lenient === null ? null : [row.ci95Lenient[0], row.ci95Lenient[1]],
    mttrCycles: row.mttrCycles,
    overheadCyclesPerOp: row.overheadCyclesPerOp,
  };
}
