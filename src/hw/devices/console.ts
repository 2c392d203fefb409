// The console: a bounded list of output lines.
import { LIMITS } from '../limits.ts';

export class ConsoleDevice {
  readonly lines: string[] = [];
  bytes_written = 0;
  private partial = '';

  write(text: string): void {
    this.bytes_written += text.length;
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > LIMITS.console_lines_max) this.lines.shift();
    }
  }
}
