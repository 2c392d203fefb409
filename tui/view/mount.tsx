// Mounting the dashboards on a terminal: the one place that calls ink's render, so that the
// command line (plain TypeScript) never writes JSX. Only ever called with a terminal on stdout.
import { render, type Instance } from 'ink';
import type { CampaignProgress } from '../campaign/campaign-progress.ts';
import type { DashboardModel } from '../live/dashboard-model.ts';
import { CampaignApp } from './campaign-app.tsx';
import { ExploreApp } from './explore-app.tsx';
import type { ExploreView } from './explore-screen.tsx';
import { LiveApp } from './live-app.tsx';

export interface TerminalStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

export function mountLive(model: DashboardModel, io: TerminalStreams): Instance {
  return render(<LiveApp model={model} />, { ...io, exitOnCtrlC: true, patchConsole: false });
}

export function mountCampaign(progress: CampaignProgress, start: (redraw: () => void) => void, io: TerminalStreams): Instance {
  return render(<CampaignApp progress={progress} start={start} />, { ...io, exitOnCtrlC: true, patchConsole: false });
}

export function mountExplore(view: ExploreView, io: TerminalStreams): Instance {
  return render(<ExploreApp view={view} />, { ...io, exitOnCtrlC: true, patchConsole: false });
}
