import { expect } from 'chai';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import { signOffDecideCard } from '../../src/app/signoff/views';
import type { SignOffPeople } from '../../src/app/signoff/views';
import { cardText } from '../support/harness';
import { sampleIncident } from '../support/fixtures';

const PEOPLE: SignOffPeople = {
  approverName: 'Megan Bowen (Head of Service)',
  deputyName: 'Adele Vance (deputy)',
  serviceAreaName: 'Housing Management',
  userIds: ['29:megan'],
};
interface Action {
  type: string;
  title: string;
  card?: { body: { items?: { id?: string }[] }[] };
}
const actionsOf = (card: Record<string, unknown>) => card.actions as Action[];
/** The buttons in the card's body (ActionSets), e.g. Open the case. */
const bodyButtonsOf = (card: Record<string, unknown>) =>
  (card.body as { type: string; actions?: Action[] }[]).filter((b) => b.type === 'ActionSet').flatMap((b) => b.actions!.map((a) => a.title));
const bytes = (card: object) => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** The decider's card (src/app/decisions/views.ts): the facts to decide on, one step per outcome, always deliverable. */
describe('the decider card', () => {
  const incidents = [1, 2, 3, 4].map((n) =>
    sampleIncident({ id: `UB-AAA-00${n}`, reference: `UB-AAA-00${n}`, description: `Account number ${n}: ${'shouted and threatened. '.repeat(40)}` }),
  );
  const base = interimPairsVisit(incidents[0]!, { approverId: 'hos', deputyId: 'dep' })!;
  const measure: Measure = { ...base, incidentRefs: incidents.map((i) => i.reference) };

  it('shows the newest three incidents relied on (accounts cut near 600 characters), "N more", terms and an Open the case button', () => {
    const card = signOffDecideCard(measure, PEOPLE, [incidents[3]!, incidents[2]!, incidents[1]!]);
    const text = cardText(card);
    expect(text).to.include('UB-AAA-004').and.include('UB-AAA-002').and.include('1 earlier incident relied on');
    expect(text).to.include('Account number 4').and.include('…');
    expect(text).to.include('Visit and meet this customer in pairs only.');
    expect(text).not.to.include('Long texts are cut');
    expect(actionsOf(card).map((a) => a.title)).to.deep.equal(['Approve…', 'Reject…']);
    expect(bodyButtonsOf(card)).to.deep.equal(['Open the case']);
  });

  it('Approve and Reject each open their own step with their own required input: one tap decides nothing', () => {
    const card = signOffDecideCard(measure, PEOPLE, [incidents[3]!]);
    const steps = actionsOf(card).filter((a) => a.type === 'Action.ShowCard');
    const ids = steps.map((s) => s.card!.body.flatMap((b) => b.items ?? []).map((i) => i.id));
    expect(ids).to.deep.equal([['vulnerabilitiesConsidered'], ['reason']]);
    expect(JSON.stringify(steps)).to.include('"isRequired":true');
  });

  it('texts too long for Teams are cut, and the card says so, rather than the message never arriving', () => {
    const long = 'é"'.repeat(1000);
    const worst: Measure = { ...measure, reasons: long, noNotificationJustification: long, vulnerabilitiesConsidered: long };
    const many = incidents.map((i) => ({ ...i, description: long, vulnerability: { known: 'yes' as const, note: long } }));
    const card = signOffDecideCard(worst, PEOPLE, many.slice(0, 3));
    expect(bytes(card)).to.be.at.most(19 * 1024);
    expect(cardText(card)).to.include('Long texts are cut to fit Teams');
  });
});
