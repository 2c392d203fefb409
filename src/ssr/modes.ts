// The recovery modes, as data: one row per mode, named properties that the mechanisms read (the
// SSR manager, the server loop, the supervisor, campaigns, the dashboard) — never a test of a
// mode's name. Adding a mode is one row here plus, at most, the mechanism it needs.
//
// Two axes are kept apart on purpose. *Isolation* is where client state lives and when it is
// mapped (persist: every SSR, always; curios: the caller's, during its request). *Retry* is how the
// call a failed server was serving is settled: with the `shadow` commit policy the request worked
// on a copy, so it is rolled back and requeued; with `in-place` it wrote the SSR itself and fails.
// The commit policy applies to every mode that keeps client state in SSRs, so curios − persist
// under one policy measures isolation alone, and shadow − in-place measures retry alone.
//
// Each mode also states what it *promises*, per class of fault: the guarantees a trial may be
// held to. A trial that breaks its mode's promise is a finding (the seed store keeps those);
// one that loses what its mode never promised is the mode working as designed.

export const MODES = ['none', 'restart', 'persist', 'curios'] as const;
export type Mode = (typeof MODES)[number];

export const COMMIT_POLICIES = ['in-place', 'shadow'] as const;
export type CommitPolicy = (typeof COMMIT_POLICIES)[number];
export const DEFAULT_COMMIT: CommitPolicy = 'shadow';
/** Both policies, the default first: what compare and the demo run, to show retry apart from isolation. */
export const COMPARE_COMMITS: readonly CommitPolicy[] = ['shadow', 'in-place'];

/** What a client may be promised about a fault: the system stays live, no other client is hit, no client gets a wrong result without an error. */
export const GUARANTEES = ['live', 'no-collateral', 'no-silent-corruption'] as const;
export type Guarantee = (typeof GUARANTEES)[number];

/**
 * Faults by what they do, which is what a promise can be about:
 * - `fail-stop`: the server stops (crash, hang), detected by an exception or a heartbeat;
 * - `client-state`: corruption of one client's state, of the request or of a value in flight;
 * - `global-state`: corruption of state every client shares (the heap, the disk) — SSRs do not
 *   protect it, in CuriOS either;
 * - `reply`: corruption of a reply crossing the boundary (a known limit of the approach).
 */
export const FAULT_CLASSES = ['fail-stop', 'client-state', 'global-state', 'reply'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

/** How the call a failed server was serving is settled. */
export type InFlight =
  /** failed (EABORTED): the call is lost */
  | 'abort'
  /** re-issued to the restarted server when it is a stateless driver (MINIX 3's block I/O retry), failed otherwise */
  | 'reissue-if-stateless'
  /** by the commit policy: shadow rolls the request back and requeues it, in-place fails it */
  | 'commit-policy';

export interface ModeSpec {
  /** one line for help texts and the dashboard */
  readonly summary: string;
  /** where a client's state lives: in the server's own memory (lost with it) or in SSRs (kept by the manager) */
  readonly client_state: 'server-heap' | 'ssr';
  /** when a client's SSR is mapped into its server: never (no SSRs), always (every client's), or only during that client's request */
  readonly ssr_mapped: 'never' | 'always' | 'own-request';
  /** SSR headers are sealed at the reply and verified before use and at recovery (a bad one is reset, its client told ESTALE) */
  readonly ssr_checked: boolean;
  /** the supervisor restarts a failed server (false: it stays down) */
  readonly restarts: boolean;
  /** the server's `recover` routine runs after a restart, over every client's state */
  readonly recover_runs: boolean;
  readonly in_flight: InFlight;
  /** the guarantees a trial of this mode is held to, per fault class (absent: nothing promised) */
  readonly promises: Readonly<Partial<Record<FaultClass, readonly Guarantee[]>>>;
}

export const MODE_SPECS: Readonly<Record<Mode, ModeSpec>> = Object.freeze({
  none: {
    summary: 'no recovery: a failed server stays down',
    client_state: 'server-heap',
    ssr_mapped: 'never',
    ssr_checked: false,
    restarts: false,
    recover_runs: false,
    in_flight: 'abort',
    promises: {},
  },
  restart: {
    summary: 'MINIX 3: restart the server with a fresh image; client state is lost',
    client_state: 'server-heap',
    ssr_mapped: 'never',
    ssr_checked: false,
    restarts: true,
    recover_runs: false,
    in_flight: 'reissue-if-stateless',
    promises: { 'fail-stop': ['live'] },
  },
  persist: {
    summary: 'ablation: client state in SSRs, every one mapped all the time, never checked',
    client_state: 'ssr',
    ssr_mapped: 'always',
    ssr_checked: false,
    restarts: true,
    recover_runs: true,
    in_flight: 'commit-policy',
    promises: { 'fail-stop': ['live'] },
  },
  curios: {
    summary: "CuriOS: client state in checked SSRs, only the caller's mapped, only during its request",
    client_state: 'ssr',
    ssr_mapped: 'own-request',
    ssr_checked: true,
    restarts: true,
    recover_runs: true,
    in_flight: 'commit-policy',
    promises: { 'fail-stop': ['live', 'no-collateral', 'no-silent-corruption'], 'client-state': ['live', 'no-collateral'] },
  },
});

/**
 * The fields of a mode's row that act on a run before any server fails: where client state lives,
 * when it is mapped, whether it is checked. The others (restarts, recover_runs, in_flight,
 * promises) are read only once a server has failed. So two modes alike in these fields run a
 * failure-free run alike, unless a server's code asks `env.mode` — the golden cache shares such
 * runs (src/campaign/golden-cache.ts; test/campaign/golden-share.test.ts proves it).
 */
export const FAULT_FREE_FIELDS = ['client_state', 'ssr_mapped', 'ssr_checked'] as const satisfies readonly (keyof ModeSpec)[];

/** What a mode does before any failure, as a key: modes with one key run a failure-free run alike (FAULT_FREE_FIELDS). */
export function faultFreeKey(mode: Mode): string {
  return FAULT_FREE_FIELDS.map((f) => String(MODE_SPECS[mode][f])).join('/');
}

export function modeSpec(mode: Mode): ModeSpec {
  return MODE_SPECS[mode];
}

export function isMode(name: string): name is Mode {
  return (MODES as readonly string[]).includes(name);
}

/** true when the mode's results depend on the commit policy (client state in SSRs) */
export function usesCommitPolicy(mode: Mode): boolean {
  return MODE_SPECS[mode].in_flight === 'commit-policy';
}

/** How the supervisor settles a call the failed server was serving, once the server is back. */
export function settleInFlight(mode: Mode, commit: CommitPolicy, server_stateless: boolean): 'requeue' | 'abort' {
  switch (MODE_SPECS[mode].in_flight) {
    case 'abort':
      return 'abort';
    case 'reissue-if-stateless':
      return server_stateless ? 'requeue' : 'abort';
    case 'commit-policy':
      return commit === 'shadow' ? 'requeue' : 'abort';
  }
}

/** The guarantees a trial of `mode` is held to for a fault of class `cls`. */
export function promisedFor(mode: Mode, cls: FaultClass): readonly Guarantee[] {
  return MODE_SPECS[mode].promises[cls] ?? [];
}

/** A mode with its commit policy, as reports name it: `curios/shadow`; modes that ignore the policy are named alone. */
export function variantName(mode: Mode, commit: CommitPolicy | null): string {
  return commit === null || !usesCommitPolicy(mode) ? mode : `${mode}/${commit}`;
}
