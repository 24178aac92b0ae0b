import { ADJUSTMENTS, MEASURE_KINDS, type Measure } from '../../domain/measure';
import { CATEGORIES, CHANNELS, SAFETY_FLAGS, labelOf } from '../../domain/policy';
import type { Incident } from '../../domain/records';
import { lastReviewed, reviewsOf } from '../../domain/review';
import { brief } from '../../domain/text';
import { formatUk } from '../../domain/time';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { DecisionCard, DecisionStep, StepInput } from '../../cards/types';
import type { AppContext } from '../context';

/** How many incidents a decider reads in full, and how much of each account: enough to decide, under 20 KB. */
const INCIDENTS_IN_FULL = 3;
const ACCOUNT_CHARS = 600;
/** How much of a reporter's vulnerability note the decider's card quotes (the case has all of it). */
const NOTE_CHARS = 300;
/** How much of the last review's reasons (§8) it quotes. */
const REVIEW_CHARS = 600;

/** The newest incidents a measure rests on, read in full for the decider (three point reads), then how many more. */
export async function incidentsRelied(ctx: AppContext, m: Measure): Promise<Incident[]> {
  const refs = m.incidentRefs.slice(-INCIDENTS_IN_FULL).reverse();
  const read = await Promise.all(refs.map((ref) => ctx.incidents.read(ref, m.customerKey)));
  return read.filter((i): i is Incident => !!i);
}

/** What the decider reads about the measure: the incidents relied on, its terms, reasons and what was considered (§6). */
export function measureFacts(
  m: Measure,
  incidents: readonly Incident[],
): Pick<DecisionCard, 'incidents' | 'moreIncidents' | 'sections' | 'caseReference'> {
  const more = m.incidentRefs.length - incidents.length;
  const notes = incidents
    .filter((i) => i.vulnerability.known === 'yes')
    .map((i) => `${i.reference}: ${brief(i.vulnerability.note ?? '', NOTE_CHARS)}`);
  const adjustments = m.adjustments.map((a) => ADJUSTMENTS.find((x) => x.id === a)?.label ?? a);
  const considered = [
    m.vulnerabilitiesConsidered ? `Considered: ${m.vulnerabilitiesConsidered}` : 'Nothing recorded as considered yet.',
    adjustments.length ? `Reasonable adjustments: ${adjustments.join('; ')}.` : '',
    notes.length ? `Reporters noted: ${notes.join(' · ')}` : '',
  ];
  const review = reviewsOf(m).at(-1);
  return {
    incidents: incidents.map((i) => ({
      heading: `${i.reference} · ${formatUk(i.occurredAt)} · ${labelOf(CHANNELS, i.channel)}`,
      facts: [
        `${CATEGORIES[i.category].label} (§${CATEGORIES[i.category].section})`,
        i.behaviours.map((b) => labelOf(CATEGORIES[i.category].behaviours, b)).join('; '),
        i.safetyFlags.length ? `Safety: ${i.safetyFlags.map((f) => labelOf(SAFETY_FLAGS, f)).join('; ')}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      account: brief(i.description, ACCOUNT_CHARS),
    })),
    moreIncidents: more > 0 ? `${more} earlier incident${more === 1 ? '' : 's'} relied on: open the case to read them.` : '',
    sections: [
      { title: 'Terms', text: `${MEASURE_KINDS[m.kind].label}. ${m.instructions} Review due ${formatUk(m.reviewDue, false)}.` },
      { title: 'Reasons', text: m.reasons },
      ...(review
        ? [
            {
              title: 'Last review (§8)',
              text: `${lastReviewed(m)}${review.referredTo ? `, referring it to ${review.referredTo}` : ''}: ${brief(review.reasons, REVIEW_CHARS)}`,
            },
          ]
        : []),
      ...(m.noNotificationJustification ? [{ title: 'Why the customer is not to be told (§5.2)', text: m.noNotificationJustification }] : []),
      { title: 'Vulnerabilities and reasonable adjustments on record (§6)', text: considered.filter(Boolean).join(' ') },
    ],
    caseReference: m.incidentRefs.at(-1) ?? '',
  };
}

/** A required text input of a step. */
export function textInput(id: string, label: string, errorMessage: string, maxLength: number, value = ''): StepInput {
  return { id, kind: 'text', label, errorMessage, value, maxLength, min: '', max: '' };
}

/** A required date input of a step, between `min` and `max` (YYYY-MM-DD). */
export function dateInput(id: string, label: string, errorMessage: string, value: string, min: string, max: string): StepInput {
  return { id, kind: 'date', label, errorMessage, value, maxLength: 0, min, max };
}

export type { DecisionStep };

/**
 * The most a decider's card may take, in UTF-8 bytes and in UTF-16 code units (what Teams counts), leaving room for the
 * activity around it under Teams' message limit.
 */
const CARD_BUDGET = 19 * 1024;
/** Ever shorter cuts of the free texts, tried in turn until the card fits (the full texts are on the case). */
const CUTS = [400, 250, 120];

const sizeOf = (card: AdaptiveCard) => {
  const json = JSON.stringify(card);
  return Math.max(json.length, Buffer.byteLength(json, 'utf8'));
};

/**
 * The decider's card (cards/decision.json): the same layout for sign-off, appeals and reviews. Realistic cases show
 * everything; when long texts would take the card past what Teams accepts, the accounts and sections are cut, and the
 * card says so, rather than the message never arriving.
 */
export function decisionCard(data: DecisionCard): AdaptiveCard {
  let card = renderCard('decision', data);
  for (const cut of CUTS) {
    if (sizeOf(card) <= CARD_BUDGET) break;
    card = renderCard('decision', shortened(data, cut));
  }
  return card;
}

function shortened(d: DecisionCard, cut: number): DecisionCard {
  return {
    ...d,
    facts: d.facts.map((f) => ({ ...f, value: brief(f.value, cut) })),
    incidents: d.incidents.map((i) => ({ ...i, account: brief(i.account, cut) })),
    sections: d.sections.map((s) => ({ ...s, text: brief(s.text, cut * 3) })),
    moreIncidents: `${d.moreIncidents} Long texts are cut to fit Teams: open the case to read them in full.`.trim(),
  };
}
