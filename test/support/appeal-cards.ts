import { expect } from 'chai';
import type { AdaptiveCard } from '../../src/cards/render';
import type { ActionResult, Actor, AppContext } from '../../src/app/context';
import { recordAppeal, showAppealForm } from '../../src/app/appeals/record';
import { decideOnAppeal, showVariationForm, varyOnAppeal } from '../../src/app/appeals/decide';
import { withdrawAppeal } from '../../src/app/appeals/withdraw';
import { appealCardNow } from '../../src/app/appeals/requests';
import { appealDecideCard, appealForm, appealStatusCard, variationForm, type AppealView } from '../../src/app/appeals/views';
import {
  APPEAL_TEXT_MAX,
  REPRESENTATIVE_NAME_MAX,
  appealId,
  checkAppeal,
  decideAppeal,
  openAppeal,
  withdraw,
  type Appeal,
} from '../../src/domain/appeal';
import { checkProposal, type ProposalValues } from '../../src/domain/proposal';
import { termsOf } from '../../src/domain/variation';
import { MEASURE_KIND_IDS, type Measure } from '../../src/domain/measure';
import { summarise, type MarkerSummary } from '../../src/domain/summary';
import { withMethods } from './memory-ports';
import type { Incident, Person } from '../../src/domain/records';
import type { SignOffPeople } from '../../src/app/signoff/views';
import { TEST_POLICY_VERSION } from './fixtures';

/**
 * Appeal fixtures for test/cards.test.ts (§7): realistic cards through the use cases over its in-memory world, and
 * worst cases through the views with the longest texts the validators allow.
 */

type Fixture = () => AdaptiveCard | Promise<AdaptiveCard>;

function cardIn(result: ActionResult): AdaptiveCard {
  if (!('card' in result)) return expect.fail(`expected a card, got error ${JSON.stringify(result.error)}`);
  return result.card;
}

/** An appeal against `measureId` of customer `customerKey`, as a representative sent it by letter. */
export const appealValues = (customerKey: string, measureId: string, formId: string) => ({
  customerKey,
  formId,
  measureId,
  appellant: 'representative',
  representativeName: 'Jo Advocate (Citizens Advice)',
  channel: 'letter',
  receivedOn: '2026-11-18',
  grounds: 'Email is the only way he can manage his correspondence since his stroke; a single point of contact has not answered in weeks.',
});

/**
 * The realistic appeal cards over a fresh world each (`fresh`), for the measure in force `measureId` of `customerKey`:
 * recorded by the case manager `cm`, decided by `head` (independent of it).
 */
export function realisticAppealCards(
  fresh: () => AppContext,
  cm: Actor,
  head: Actor,
  customerKey: string,
  measureId: string,
): Record<'appeal-form' | 'appeal-request' | 'decision' | 'measure-form', Record<string, Fixture>> {
  const recorded = async () => {
    const ctx = fresh();
    const data = appealValues(customerKey, measureId, 'appeal-form-0001');
    const card = cardIn(await recordAppeal(ctx, cm, data));
    return { ctx, card, ref: { appealId: appealId(measureId, cm.id, data.formId), customerKey } };
  };
  const reasons = 'Spoke to the customer and the officer: the grounds are borne out by the contact log.';
  const decided = async (outcome: 'uphold' | 'overturn') => {
    const { ctx, ref } = await recorded();
    return cardIn(await decideOnAppeal(ctx, head, { ...ref, outcome, [`${outcome}Reasons`]: reasons }));
  };
  const variation = (over: ProposalValues) => async () => {
    const { ctx, ref } = await recorded();
    const m = (await ctx.measures.read(measureId, customerKey))!.value;
    return cardIn(await varyOnAppeal(ctx, head, { ...ref, formId: 'vary-form-0001', ...termsOf(m, ctx.now()), reasons, ...over }));
  };
  return {
    'appeal-form': {
      'fresh: the measures in force to choose from': async () => cardIn(await showAppealForm(fresh(), cm, { customerKey })),
      'refused on several fields, values kept': async () =>
        cardIn(
          await recordAppeal(fresh(), cm, {
            ...appealValues(customerKey, measureId, 'appeal-form-0002'),
            representativeName: '',
            channel: 'fax',
            receivedOn: '2099-01-01',
            grounds: 'short',
          }),
        ),
    },
    'appeal-request': {
      'recorded: the case manager’s view, with Withdraw': async () => (await recorded()).card,
      'as sent to the deciders, rendered at delivery': async () => {
        const { ctx, ref } = await recorded();
        return (await appealCardNow(ctx, ref.appealId, customerKey)) ?? expect.fail('the appeal card');
      },
      upheld: () => decided('uphold'),
      'overturned: the measure lifted': () => decided('overturn'),
      'varied: the new terms': variation({ channels: 'email', singlePointOfContact: 'Jo Smith' }),
      withdrawn: async () => {
        const { ctx, ref } = await recorded();
        return cardIn(await withdrawAppeal(ctx, cm, { ...ref, withdrawnOn: '2026-11-19' }));
      },
    },
    decision: {
      'an appeal against a contact restriction, for the independent Head of Service': async () => {
        const { ctx, ref } = await recorded();
        return cardIn(await decideOnAppeal(ctx, head, { ...ref, outcome: 'uphold', upholdReasons: '' }));
      },
    },
    'measure-form': {
      'new terms on appeal, kind fixed, filled with the terms as they stand': async () => {
        const { ctx, ref } = await recorded();
        return cardIn(await showVariationForm(ctx, head, ref));
      },
      'new terms on appeal refused: no way of contact left (§6)': variation({ channels: '' }),
    },
  };
}

/** A measure as the customer's summary lists it. */
const markerOf = (m: Measure): MarkerSummary => ({
  id: m.id,
  kind: m.kind,
  status: 'active',
  interim: false,
  instructions: m.instructions,
  reviewDue: m.reviewDue,
  proposedAt: m.proposedAt,
  incidentCount: m.incidentRefs.length,
  notifyCustomer: m.notifyCustomer,
});

/** The worst appeal: every text at its longest, a representative with the longest name. */
function worstAppeal(typed: (n: number) => string, m: Measure, recorder: Person, now: Date): Appeal {
  const checked = checkAppeal(
    {
      measureId: m.id,
      appellant: 'representative',
      representativeName: typed(REPRESENTATIVE_NAME_MAX),
      channel: 'in-person',
      receivedOn: '2026-11-11',
      grounds: typed(APPEAL_TEXT_MAX),
    },
    { measure: { ...m, status: 'active', signOff: null, proposedAt: '2026-11-01T09:00:00.000Z' }, open: [], now },
  );
  if (!checked.ok) throw new Error(`the worst appeal is refused: ${JSON.stringify(checked.error)}`);
  return openAppeal(
    checked.value,
    { id: appealId(m.id, recorder.id, 'f'.repeat(64)), customerKey: m.customerKey, by: recorder, now, policyVersion: TEST_POLICY_VERSION },
    {
      approverId: 'hos-worst',
      deputyId: 'dep-worst',
    },
  );
}

/** What the worst appeal cards are about (test/cards.test.ts's worst world): a contact restriction with its longest terms, who decides, the incidents it rests on. */
export interface WorstAppealWorld {
  awaiting: { 'contact-restriction': Measure };
  people: SignOffPeople;
  viewed: Record<string, Incident>;
}

/**
 * The worst appeal cards: the longest texts the validators allow, the longest names (`person`), the measure's longest
 * terms and as long a replacement. `world` is read only when a card is made (it is expensive to build).
 */
export function worstAppealCards(
  typed: (n: number) => string,
  world: () => WorstAppealWorld,
  person: (id: string) => Person,
  now: Date,
): Record<'appeal-form' | 'appeal-request' | 'decision', Record<string, Fixture>> {
  const active = () => ({ ...world().awaiting['contact-restriction'], status: 'active' as const, deciders: [] });
  const open = () => worstAppeal(typed, active(), person('cm-1'), now);
  const view = (a: Appeal, replacement: Measure | null = null): AppealView => ({ appeal: a, measure: active(), replacement, people: world().people });
  const decided = (outcome: 'uphold' | 'overturn' | 'vary') => {
    const reasons = typed(APPEAL_TEXT_MAX);
    const m = active();
    const input = outcome === 'vary' ? { outcome, reasons, variation: { checked: m, id: `${m.id}:v` } } : { outcome, reasons };
    const d = decideAppeal(open(), m, person('hos-worst'), input, now, TEST_POLICY_VERSION);
    if (!d.ok) throw new Error(d.error.message);
    return appealStatusCard(view(d.value.appeal, d.value.replacement), now, {
      note: `${person('dep-worst').name} decided this first: your click changed nothing.`,
    });
  };
  const refused = checkAppeal(
    { measureId: 'x', appellant: 'x', channel: 'x', receivedOn: '2026-02-30', grounds: typed(APPEAL_TEXT_MAX + 1) },
    { measure: null, open: [], now },
  );
  return {
    'appeal-form': {
      'refused on every field, the longest values kept': () =>
        appealForm(
          world().awaiting['contact-restriction'].customerKey,
          'f'.repeat(64),
          // One measure in force of each kind, the most a customer has (docs/rules.md#R-one-marker-per-kind).
          MEASURE_KIND_IDS.map((kind) => ({
            ...markerOf(world().awaiting['contact-restriction']),
            id: `${world().awaiting['contact-restriction'].id}:${kind}`,
            kind,
          })),
          {
            measureId: world().awaiting['contact-restriction'].id,
            appellant: 'representative',
            representativeName: typed(REPRESENTATIVE_NAME_MAX),
            channel: 'x',
            receivedOn: '2026-02-30',
            grounds: typed(APPEAL_TEXT_MAX),
          },
          refused.ok ? expect.fail('refused') : refused.error,
          now,
        ),
    },
    'appeal-request': {
      open: () => appealStatusCard(view(open()), now, { canWithdraw: true, note: 'The date withdrawn cannot be in the future.' }),
      upheld: () => decided('uphold'),
      overturned: () => decided('overturn'),
      'varied, with the new terms': () => decided('vary'),
      withdrawn: () => {
        const w = withdraw(open(), person('cm-1'), '2026-11-12', now);
        return appealStatusCard(view(w.ok ? w.value : expect.fail('withdrawn')), now);
      },
    },
    decision: {
      'an appeal with the longest grounds, on the measure’s longest terms': () =>
        appealDecideCard(
          view(open()),
          Object.values(world().viewed),
          now,
          'Give the reasons for your decision: the customer is told them in writing (§7).',
        ),
    },
  };
}

/**
 * The worst customer's world with `count` appeals open, every one overdue, on its measures (one per kind, then any that
 * ended under them): what `pending` lists for their decider and `case` for the customer.
 */
export function withOpenAppeals(ctx: AppContext, measure: Measure, count: number, person: (id: string) => Person, now: Date): AppContext {
  const appeals = Array.from({ length: count }, (_, i) => {
    const m = { ...measure, id: `${measure.id}:${i}`, kind: MEASURE_KIND_IDS[i % MEASURE_KIND_IDS.length]! };
    return { ...worstAppeal((n) => 'x'.repeat(n), m, person('cm-1'), now), customerKey: measure.customerKey, dueOn: '2026-09-30' };
  });
  return {
    ...ctx,
    appeals: withMethods(ctx.appeals, { awaitingDecisionBy: async (_id, limit = 20) => appeals.slice(0, limit) }),
    customers: withMethods(ctx.customers, { summary: async (key) => summarise(await ctx.customers.summary(key), { appeals }) }),
  };
}

/** The worst variation form: every proposal text at its longest, refused on several fields, the decider's reasons riding along. */
export function worstVariationForm(
  typed: (n: number) => string,
  m: Measure,
  incident: Incident,
  values: ProposalValues,
  person: (id: string) => Person,
  now: Date,
): AdaptiveCard {
  const a = worstAppeal(typed, { ...m, status: 'active' }, person('cm-1'), now);
  const refused = checkProposal(values, { incidents: [incident], priorWarning: false, now, policyVersion: TEST_POLICY_VERSION });
  return variationForm(a, m, incident, 'f'.repeat(64), values, refused.ok ? {} : refused.error, now);
}
