// Each panel of the live dashboard, drawn by ink from plain data: what it must show, and the
// clear message a terminal too small for the layout gets.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { SsrStats } from '../../src/ssr/manager.ts';
import type { LiveView, RunHeader, ServerRow } from '../../tui/live/live-view.ts';
import type { ClientTally } from '../../tui/live/observation-judge.ts';
import type { RecoveryStats } from '../../tui/live/recovery-tracker.ts';
import type { SsrMap } from '../../tui/live/ssr-inspect.ts';
import { ClientsPanel } from '../../tui/view/clients-panel.tsx';
import { EventsPanel } from '../../tui/view/events-panel.tsx';
import { FooterBar } from '../../tui/view/footer-bar.tsx';
import { HeaderBar } from '../../tui/view/header-bar.tsx';
import { HelpPanel } from '../../tui/view/help-panel.tsx';
import { compactLayoutOf, layoutOf, LiveScreen } from '../../tui/view/live-screen.tsx';
import { ServersPanel } from '../../tui/view/servers-panel.tsx';
import { SsrPanel } from '../../tui/view/ssr-panel.tsx';
import { StatsPanel } from '../../tui/view/stats-panel.tsx';

const server = (number: number, name: string, over: Partial<ServerRow> = {}): ServerRow => ({ number, name, condition: 'running', incarnation: 0, restarts: 0, uptime_cycles: 1_500_000, heartbeat_ago_cycles: 40_000, stateful: true, ...over });
const client = (c: number, over: Partial<ClientTally> = {}): ClientTally => ({ client: c, ops: 300, errors: 0, stale: 0, wrong: 0, other: 0, unjudged: 0, last: null, ...over });
const ssrStats: SsrStats = { maps: 500, unmaps: 499, commits: 498, rollbacks: 1, checksum_failures: 1, resets: 1, validated: 0 };
const stats: RecoveryStats = { faults_fired: 3, failures: 2, by_cause: { exception: 1, hang: 1 }, restarted: 2, down: 0, ignored: 0, given_up: false, mttr_cycles: 150_000, detect_cycles: 100_000, latent_damage: 0 };
const header: RunHeader = { mode: 'curios', commit: 'shadow', seed: 1, fault_rate: 0.5, clients: 3, now_cycles: 12_345_678, cycles_per_s: 3_900_000, trace_events_per_s: 12_000, speed: '1.0M cycles/s', paused: false, panic: null, given_up: false, stopped_at: null, ended: null, unanswered_s: null };
const ssrMap: SsrMap = {
  mode: 'curios',
  active: true,
  stats: ssrStats,
  servers: [
    {
      name: 'fs',
      mapped_client: 1,
      cells: [
        { client: 0, condition: 'sealed', mapped: false, checksum: 'ok', stale: false },
        { client: 1, condition: 'mapped', mapped: true, checksum: 'ok', stale: false },
        { client: 2, condition: 'sealed', mapped: false, checksum: 'bad', stale: false },
      ],
    },
    { name: 'net', mapped_client: null, cells: [{ client: 0, condition: 'reset', mapped: false, checksum: 'ok', stale: true }] },
  ],
};

function view(over: Partial<LiveView> = {}): LiveView {
  return {
    header,
    servers: [server(1, 'console'), server(2, 'prng'), server(3, 'disk'), server(4, 'fs', { incarnation: 2, restarts: 2 }), server(5, 'net'), server(6, 'timer'), server(7, 'sched')],
    clients: [client(0), client(1), client(2)],
    ssr: ssrMap,
    stats,
    events: [{ t: 735_212, kind: 'inject', server: 'fs', detail: 'crash (hand)' }],
    trace: [],
    prompt: null,
    message: null,
    help: false,
    ...over,
  };
}

describe('ServersPanel', () => {
  it('shows each server with its number, state, incarnation, restarts, uptime and heartbeat', () => {
    const { lastFrame } = render(<ServersPanel servers={[server(4, 'fs', { incarnation: 2, restarts: 3 }), server(5, 'net', { condition: 'recovering', uptime_cycles: null })]} width={50} />);
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines[1]).toMatch(/servers/);
    expect(lines.find((l) => l.includes('fs'))).toMatch(/4 fs\s+running\s+2\s+3\s+1\.5M\s+40\.0k/);
    expect(lines.find((l) => l.includes('net'))).toMatch(/5 net\s+recovering\s+0\s+0\s+-\s+40\.0k/);
  });

  it('shows down and given-up servers', () => {
    const { lastFrame } = render(<ServersPanel servers={[server(1, 'timer', { condition: 'down' }), server(2, 'fs', { condition: 'given-up' })]} width={50} />);
    expect(lastFrame()).toMatch(/timer\s+down/);
    expect(lastFrame()).toMatch(/fs\s+given-up/);
  });
});

describe('SsrPanel', () => {
  it('marks the SSR mapped now, a corrupted one and a reset one', () => {
    const frame = render(<SsrPanel map={ssrMap} width={50} />).lastFrame() ?? '';
    const fs = frame.split('\n').find((l) => l.includes('fs')) ?? '';
    expect(fs).toMatch(/fs\s+c1\s+c0 ok\s+c1\*ok\s+c2 BAD/);
    expect(frame).toMatch(/net\s+-\s+c0 rst/);
    expect(frame).toMatch(/maps 500 commits 498 rollbacks 1 resets 1/);
  });

  it('says there are no SSRs under restart', () => {
    const frame = render(<SsrPanel map={{ ...ssrMap, mode: 'restart', active: false, servers: [] }} width={50} />).lastFrame() ?? '';
    expect(frame).toMatch(/mode restart: no SSRs/);
  });

  it('says persist never checks', () => {
    const cells = [{ client: 0, condition: 'sealed' as const, mapped: false, checksum: 'unchecked' as const, stale: false }];
    const frame = render(<SsrPanel map={{ ...ssrMap, mode: 'persist', servers: [{ name: 'fs', mapped_client: null, cells }] }} width={50} />).lastFrame() ?? '';
    expect(frame).toMatch(/fs\s+-\s+c0 --/);
    expect(frame).toMatch(/persist: always mapped, never checked/);
  });
});

describe('ClientsPanel', () => {
  it('shows each client against the golden run', () => {
    const frame = render(<ClientsPanel clients={[client(0), client(1, { errors: 4, stale: 3, wrong: 1, other: 12_345, last: 'fs.read EBADF (golden OK)' })]} width={50} />).lastFrame() ?? '';
    expect(frame).toMatch(/c\s+ops\s+err\s+stl\s+wrg\s+oth last difference/);
    expect(frame).toMatch(/c0\s+300\s+0\s+0\s+0\s+0 -/);
    expect(frame).toMatch(/c1\s+300\s+4\s+3\s+1\s+12k fs\.read EBADF/);
  });

  it('summarizes clients beyond the rows it shows', () => {
    const many = Array.from({ length: 11 }, (_, i) => client(i, { errors: 1 }));
    const frame = render(<ClientsPanel clients={many} width={50} />).lastFrame() ?? '';
    expect(frame).toMatch(/c7 /);
    expect(frame).not.toMatch(/c8 /);
    expect(frame).toMatch(/… 3 more: ops 900 err 3 wrg 0/);
  });
});

describe('StatsPanel', () => {
  it('shows faults, failures, the share restarted and the mean time to recover', () => {
    const frame = render(<StatsPanel stats={stats} clients={[client(0, { errors: 2, stale: 1, wrong: 1, other: 5 })]} width={50} />).lastFrame() ?? '';
    expect(frame).toMatch(/faults fired 3 · failures detected 2/);
    expect(frame).toMatch(/recovered \(restarted\) 2\/2 100%/);
    expect(frame).toMatch(/MTTR 150k cycles/);
    expect(frame).toMatch(/causes: exception 1, hang 1/);
    expect(frame).toMatch(/clients: err 2 \(stale 1\) · wrong 1 · other 5/);
  });

  it('shows latent damage only once some was found', () => {
    expect(render(<StatsPanel stats={stats} clients={[]} width={50} />).lastFrame() ?? '').not.toMatch(/latent/);
    expect(render(<StatsPanel stats={{ ...stats, latent_damage: 2 }} clients={[]} width={50} />).lastFrame() ?? '').toMatch(/causes: exception 1, hang 1 · latent 2/);
  });

  it('shows when the supervisor gave up', () => {
    const frame = render(<StatsPanel stats={{ ...stats, given_up: true }} clients={[]} width={50} />).lastFrame() ?? '';
    expect(frame).toMatch(/GIVEN UP/);
  });
});

describe('EventsPanel', () => {
  it('shows the newest events that fit, in fixed columns', () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ t: 1000 * i, kind: 'fault' as const, server: 'fs', detail: `event ${i}` }));
    const frame = render(<EventsPanel events={events} trace={[]} width={100} lines={6} />).lastFrame() ?? '';
    expect(frame).toMatch(/cycles\s+event\s+server\s+detail/);
    expect(frame).toMatch(/29000\s+fault\s+fs\s+event 29/);
    expect(frame).toMatch(/event 25/);
    expect(frame).not.toMatch(/event 24\b/);
  });

  it('shows the kernel trace under the events while paused', () => {
    const frame = render(<EventsPanel events={[]} trace={['  100  fs  ipc-call  a', '  200  fs  ipc-reply  b']} width={100} lines={10} />).lastFrame() ?? '';
    expect(frame).toMatch(/kernel trace \(last steps\)/);
    expect(frame).toMatch(/ipc-reply/);
  });
});

describe('header, footer and help', () => {
  it('shows the run and its speed, and its state', () => {
    expect(render(<HeaderBar header={header} />).lastFrame()).toMatch(/mode curios · seed 1 · 0\.5 faults\/Mcycle · 3 clients · cycle 12_345_678 · running[\s\S]*shadow commit · simulated 3\.9M cycles\/s · 12\.0k kernel events\/s · speed 1\.0M cycles\/s/);
    expect(render(<HeaderBar header={{ ...header, paused: true }} />).lastFrame()).toMatch(/PAUSED/);
    expect(render(<HeaderBar header={{ ...header, panic: 'invariant' }} />).lastFrame()).toMatch(/KERNEL PANIC/);
    expect(render(<HeaderBar header={{ ...header, unanswered_s: 3 }} />).lastFrame()).toMatch(/· WAITING 3 s/);
    expect(render(<HeaderBar header={{ ...header, paused: true, unanswered_s: 3, fault_rate: 0 }} />).lastFrame()).toMatch(/· PAUSED, WAITING 3 s/);
    expect(render(<HeaderBar header={{ ...header, unanswered_s: 3, ended: 'host-limit (memory)', fault_rate: 0 }} />).lastFrame()).toMatch(/cycle 12_345_678 · host-limit \(memory\)$/m);
    expect(render(<HeaderBar header={{ ...header, mode: 'restart' }} />).lastFrame()).not.toMatch(/commit/);
  });

  it('shows a prompt before a message, and the keys', () => {
    expect(render(<FooterBar prompt="crash which server? 1-7 (esc cancels)" message="running" panic={null} />).lastFrame()).toMatch(/crash which server\?[\s\S]*q quit/);
    expect(render(<FooterBar prompt={null} message="speed: max" panic={null} />).lastFrame()).toMatch(/speed: max/);
  });

  it('lists every key in the help', () => {
    const frame = render(<HelpPanel width={100} lines={30} />).lastFrame() ?? '';
    for (const key of ['space', '+ / -', 'k N', 'h N', 'c N', 'w N', 'r ', '?', 'q ']) expect(frame).toContain(key);
  });
});

describe('LiveScreen', () => {
  it('lays every panel out in a 100×40 terminal', () => {
    const frame = render(<LiveScreen view={view()} size={{ columns: 100, rows: 40 }} />).lastFrame() ?? '';
    for (const title of ['servers', 'SSR map', 'clients', 'recovery', 'events']) expect(frame).toContain(title);
    expect(frame.split('\n').length).toBeLessThanOrEqual(39);
    expect(Math.max(...frame.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('shows help in place of the lower panels', () => {
    const frame = render(<LiveScreen view={view({ help: true })} size={{ columns: 100, rows: 40 }} />).lastFrame() ?? '';
    expect(frame).toContain('help');
    expect(frame).toContain('modes');
    expect(frame).not.toContain('events (virtual time)');
  });

  it('lays out the full dashboard from what layoutOf needs (100×31 and up), the compact one below it', () => {
    const v = view();
    const needs = layoutOf(v, { columns: 100, rows: 40 }).needs;
    expect(needs.columns).toBe(100);
    expect(needs.rows).toBeLessThanOrEqual(31);
    const full = render(<LiveScreen view={v} size={needs} />).lastFrame() ?? '';
    expect(full).toContain('clients');
    expect(full).not.toContain('compact view');
    expect(full.split('\n').length).toBeLessThan(needs.rows);
    for (const size of [{ columns: 80, rows: 24 }, { columns: 99, rows: 40 }, { columns: 100, rows: needs.rows - 1 }]) {
      const frame = render(<LiveScreen view={v} size={size} />).lastFrame() ?? '';
      expect(frame).toContain('servers');
      expect(frame).toContain('events (virtual time)');
      expect(frame).toContain(`compact view: clients, SSRs and recovery at ${needs.columns}×${needs.rows} or more`);
      expect(frame.split('\n').length).toBeLessThan(size.rows);
      expect(Math.max(...frame.split('\n').map((l) => l.length))).toBeLessThanOrEqual(size.columns);
    }
  });

  it('tells a terminal too small even for the compact layout what it needs, and a command that runs', () => {
    const v = view();
    const needs = compactLayoutOf(v, { columns: 80, rows: 24 }).needs;
    const narrow = render(<LiveScreen view={v} size={{ columns: needs.columns - 1, rows: 24 }} />).lastFrame() ?? '';
    expect(narrow).toContain(`terminal too small: ${needs.columns - 1}×24, the dashboard needs ${needs.columns}×${needs.rows}`);
    expect(narrow).toContain('npx curios dashboard --cycles 5000000 | less');
    const short = render(<LiveScreen view={v} size={{ columns: 80, rows: needs.rows - 1 }} />).lastFrame() ?? '';
    expect(short).toContain('terminal too small');
  });
});
