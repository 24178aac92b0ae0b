import { expect } from 'chai';
import { cardOf, cardText, startWithEveryone, violentIncident, type Harness, type PersonKey } from '../support/harness';
import type { LetterRecord } from '../../src/domain/letter-record';

const approve = { outcome: 'approve', vulnerabilitiesConsidered: 'None known; checked the housing system on the day.' };

/**
 * Letters over HTTP with the real Cosmos client (docs/rules.md#R-letter-stored, #R-letter-sent): stored with the
 * sign-off that puts visits in pairs in force, listed by `case`, recorded as sent once. Fetching the .docx is covered
 * with in-memory ports (test/app/letters.test.ts).
 */
describe('letters (end to end)', () => {
  let h: Harness;
  before(async () => {
    h = await startWithEveryone();
  });
  after(() => h.stop());

  let forms = 0;
  async function approved(customerRef: string): Promise<{ reference: string; letterId: string }> {
    const res = await h.invoke('incident.submit', violentIncident(`letters-e2e-${++forms}`, { customerRef }));
    const reference = /UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0];
    const measureId = `${reference}:pairs-visit`;
    const decided = await Promise.all(
      ['megan', 'megan'].map((who) => h.invoke('signoff.decide', { measureId, customerKey: customerRef, ...approve }, who as PersonKey)),
    );
    expect(decided.map((d) => d.body.statusCode)).to.deep.equal([200, 200]);
    return { reference, letterId: `${measureId}:letter` };
  }
  const lettersOf = async (customerKey: string) =>
    (
      await h.bot.cosmos.containers.cases.items
        .query<LetterRecord>(
          { query: 'SELECT * FROM c WHERE c.type = "letter" AND c.customerKey = @key', parameters: [{ name: '@key', value: customerKey }] },
          { partitionKey: customerKey },
        )
        .fetchAll()
    ).resources;
  /** The "Record as sent" step as the letters card (from `case`) shows it to a case manager: its button's data and inputs' ids. */
  async function sentStep(reference: string): Promise<{ data: Record<string, unknown>; inputs: string[] }> {
    const card = (await h.invoke('letter.list', { reference }, 'alex')).body.value;
    const found: { data?: Record<string, unknown>; inputs: string[] } = { inputs: [] };
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.verb === 'letter.sent') found.data = o.data as Record<string, unknown>;
        if (typeof o.type === 'string' && o.type.startsWith('Input.')) found.inputs.push(o.id as string);
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    return { data: found.data!, inputs: found.inputs };
  }
  const record = (step: { data: Record<string, unknown>; inputs: string[] }, who: PersonKey, on: string, how = 'post') =>
    h.invoke('letter.sent', { ...step.data, [step.inputs[0]!]: on, [step.inputs[1]!]: how }, who);

  it('approving visits in pairs (twice at once) stores exactly one letter with the decision; case lists it as a draft', async () => {
    const { reference, letterId } = await approved('T300001');
    const letters = await lettersOf('T300001');
    expect(letters.map((l) => [l.id, l.kind, l.status, l.sent])).to.deep.equal([[letterId, 'visits-in-pairs', 'draft', null]]);
    const kase = cardOf((await h.message(`case ${reference}`, 'alex')).replies[0]!.body);
    expect(cardText(kase)).to.include('Letters to the customer: 1 not recorded as sent yet.');
    const button = (kase.actions as { verb: string; data: object }[]).find((a) => a.verb === 'letter.list')!;
    const list = (await h.invoke(button.verb, button.data, 'alex')).body.value;
    expect(cardText(list)).to.include('Visits in pairs letter, drafted').and.include('Draft: send it and record it by');
    expect(JSON.stringify(list)).to.include('"verb":"letter.get"').and.include('"verb":"letter.sent"');
  });

  it('letter.sent records once; a second record, a future day and a non-case manager are refused', async () => {
    const { reference, letterId } = await approved('T300002');
    // The step as the case card offers it (once recorded, the card offers it no more: a stale card is what a second click sends).
    const step = await sentStep(reference);
    expect(step.inputs).to.deep.equal(['sentOn-0', 'sentHow-0']);
    expect(step.data).to.deep.equal({ reference, letterId, slot: 0 });
    expect((await record(step, 'megan', '2026-11-26')).body.value).to.include({ code: 'NotCaseManager' });
    expect((await record(step, 'alex', '2026-11-27')).body.value.message).to.include('cannot have been sent after today');
    expect((await lettersOf('T300002'))[0]!.sent).to.equal(null);
    const ok = await record(step, 'alex', '2026-11-26', 'hand');
    expect(cardText(ok.body.value))
      .to.include('recorded as sent by hand on 26 Nov 2026')
      .and.include('Sent by hand on 26 Nov 2026 (recorded by Alex Wilber)');
    const again = await record(step, 'lynne', '2026-11-26');
    expect(again.body.value).to.include({ code: 'AlreadySent' });
    const [stored] = await lettersOf('T300002');
    expect(stored).to.deep.include({ status: 'sent' });
    expect(stored!.sent).to.deep.include({ on: '2026-11-26', how: 'hand' });
    const audits = await h.bot.cosmos.containers.cases.items
      .query({ query: 'SELECT c.id FROM c WHERE c.type = "audit" AND c.action = "letter.sent" AND c.customerKey = "T300002"' })
      .fetchAll();
    expect(audits.resources).to.have.length(1);
  });
});
