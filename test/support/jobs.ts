import pino, { type Logger } from 'pino';
import type { JobReport } from '../../src/app/jobs';

/** A clock that stands still until moved: what the scheduler tests set to a slot (each instance may have its own). */
export class ManualClock {
  constructor(private ms: number) {}

  readonly now = (): Date => new Date(this.ms);

  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

/** A job that records each run and, if told to, waits at a gate or fails. */
export class FakeJob {
  readonly runs: { by: string; slot: string }[] = [];
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;
  failures = 0;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.gate = null;
    this.open();
  }
  runAs(by: string) {
    return async (slot: Date): Promise<JobReport> => {
      this.runs.push({ by, slot: slot.toISOString() });
      const gate = this.gate;
      if (gate) await gate;
      if (this.failures > 0) {
        this.failures--;
        throw new Error('injected job failure');
      }
      return { sent: this.runs.length };
    };
  }
}

/** A logger that keeps what it writes, for tests of what is (and is not) logged. */
export function capturedLog(): { log: Logger; raw: string[]; messages: () => { msg: string; job?: string }[] } {
  const raw: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void raw.push(line) });
  return { log, raw, messages: () => raw.map((line) => JSON.parse(line) as { msg: string; job?: string }) };
}
