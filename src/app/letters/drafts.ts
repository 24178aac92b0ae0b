import { letterRecord, type LetterRecord } from '../../domain/letter-record';
import { LETTER_INCIDENTS_MAX, letterFor, type LetterDecision } from '../../domain/letters';
import type { Measure } from '../../domain/measure';
import type { Incident, Person } from '../../domain/records';
import type { AppContext } from '../context';

/**
 * The letter a final decision produces, stored with it (docs/rules.md#R-letter-stored): none for the no-notification
 * exception or a referral (letterFor gives null). Its id derives from what it follows, so a repeated decision is
 * refused with its letter and never stores a second.
 */
export async function letterWith(ctx: AppContext, decision: LetterDecision, decidedBy: Person, now: Date): Promise<LetterRecord[]> {
  const measures = decision.about === 'appeal' ? [decision.measure, decision.replacement].filter((m): m is Measure => !!m) : [decision.measure];
  const draft = letterFor(decision, { incidents: await incidentsOf(ctx, measures), now });
  if (!draft) return [];
  const m = measures.at(-1)!;
  return [letterRecord(draft, { decidedBy, serviceArea: m.serviceArea, incidentRef: m.incidentRefs[0]!, now })];
}

/** The newest incidents each measure rests on, as many as a letter lists. */
async function incidentsOf(ctx: AppContext, measures: readonly Measure[]): Promise<Incident[]> {
  const refs = new Set(measures.flatMap((m) => m.incidentRefs.slice(-LETTER_INCIDENTS_MAX)));
  const read = await Promise.all([...refs].map((ref) => ctx.incidents.read(ref, measures[0]!.customerKey)));
  return read.filter((i): i is Incident => !!i);
}
