// Which outcomes of an exploration's trials fail: every outcome but these three, where the fault did
// not fire or every client saw the golden results and the end state is the golden one.
import type { Outcome } from '../result-types.ts';

const PASSING: ReadonlySet<Outcome> = new Set(['not-activated', 'masked', 'recovered']);

export const isFailing = (o: Outcome): boolean => !PASSING.has(o);
