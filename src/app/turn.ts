import { AsyncLocalStorage } from 'node:async_hooks';
import { withinDeadline } from '../deadline';

/**
 * What one turn has done so far, so that a failure can be told truthfully: "nothing was saved" only when no write was
 * issued. Stores call `beforeWrite()` before every write of case data.
 */
interface TurnState {
  wrote: boolean;
  /** Set when the turn was answered "nothing was saved": from then on its late work must not write. */
  closed: boolean;
}

const current = new AsyncLocalStorage<TurnState>();

export class TurnClosedError extends Error {
  constructor() {
    super('The turn was already answered "nothing was saved": this late write is refused');
  }
}

/** Called by the stores before a write; refuses it if the person was already told nothing was saved. */
export function beforeWrite(): void {
  const turn = current.getStore();
  if (!turn) return;
  if (turn.closed) throw new TurnClosedError();
  turn.wrote = true;
}

export type TurnOutcome<T> = { ok: true; value: T } | { ok: false; why: 'failed' | 'timeout'; wrote: boolean; error?: unknown };

/**
 * Runs a turn's work with a deadline. On time: its value. Late or failed: whether anything was written. A late turn
 * that wrote nothing is closed (it may not write any more), so "nothing was saved" stays true; one that wrote goes on
 * in the background, since every write is idempotent and the person is asked to press again.
 */
export async function runTurn<T>(deadlineMs: number, work: () => Promise<T>): Promise<TurnOutcome<T>> {
  const turn: TurnState = { wrote: false, closed: false };
  try {
    // Late work finishes (or is refused a write) in the background: the person has been answered.
    const first = await withinDeadline(current.run(turn, work), deadlineMs);
    if (first !== 'late') return { ok: true, value: first.value };
    if (!turn.wrote) turn.closed = true;
    return { ok: false, why: 'timeout', wrote: turn.wrote };
  } catch (error) {
    return { ok: false, why: 'failed', wrote: turn.wrote, error };
  }
}

/** Runs work that belongs to no turn (background delivery started from one), so no turn's state follows it. */
export function outsideTurn<T>(work: () => T): T {
  return current.exit(work);
}
