import { summarise, type CustomerSummary } from '../domain/summary';
import type { Measure } from '../domain/measure';
import type { Incident } from '../domain/records';
import type { Appeal } from '../domain/appeal';
import type { LetterRecord } from '../domain/letter-record';
import type { Change, DecisionRepository, Effect } from './ports';

/** What a decision function says, given the record as it is now: write this (and answer so), or just answer. */
export type Decision<T, R> = { commit: T; effects: Effect[]; answer: R } | { answer: R };

/** The decision's answer, or why there is none: the record is not there, or it kept changing under the decision. */
export type Outcome<R> = { answer: R } | { undecided: 'not-found' | 'conflict' };

export interface DecideOptions {
  /** How many times to decide again on a record that changed for an unrelated reason (default 5). */
  attempts?: number;
  /** After a commit: e.g. tell the outbox the new entries are there. */
  committed?: (effects: Effect[]) => void;
}

/**
 * The one shell every decision runs through: load the record by id → decide (a pure function of the record as it is
 * now, told which attempt this is) → commit with the version it was read at → on a conflict, load again and decide
 * again: the change may not matter (a sign-off card's message id being recorded), or it may be another decision, which
 * the decision function then sees and answers for. Card data only names the record; it is never the record.
 */
export async function decideOn<T, R>(
  repository: DecisionRepository<T>,
  id: { id: string; partition: string },
  decide: (current: T, attempt: number) => Decision<T, R> | Promise<Decision<T, R>>,
  options: DecideOptions = {},
): Promise<Outcome<R>> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await repository.read(id.id, id.partition);
    if (!current) return { undecided: 'not-found' };
    const decision = await decide(current.value, attempt);
    if (!('commit' in decision)) return { answer: decision.answer };
    if (await repository.commit(current, decision.commit, decision.effects)) {
      options.committed?.(decision.effects);
      return { answer: decision.answer };
    }
  }
  return { undecided: 'conflict' };
}

/** Decisions about a customer are decisions on their summary (CustomerRepository), named by the customer's key. */
export function customer(customerKey: string): { id: string; partition: string } {
  return { id: customerKey, partition: customerKey };
}

/**
 * A decision about a customer: these effects, committed with the summary they make. The summary is derived here from
 * what is written, so no use case can leave it out of step.
 */
export function aboutCustomer<R>(summary: CustomerSummary, effects: Effect[], answer: R): Decision<CustomerSummary, R> {
  const changed = effects.filter((e): e is Change => e.type === 'change').map((c) => c.after);
  const written = {
    incidents: effects.filter((e): e is Incident => e.type === 'incident'),
    created: effects.filter((e): e is Measure => e.type === 'measure'),
    changed: changed.filter((r): r is Measure => r.type === 'measure'),
    appeals: [...effects.filter((e): e is Appeal => e.type === 'appeal'), ...changed.filter((r): r is Appeal => r.type === 'appeal')],
    letters: [...effects.filter((e): e is LetterRecord => e.type === 'letter'), ...changed.filter((r): r is LetterRecord => r.type === 'letter')],
  };
  return { commit: summarise(summary, written), effects, answer };
}
