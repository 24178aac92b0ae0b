import { expect } from 'chai';
import { submitIncident } from '../../src/app/incidents/report';
import { decideSignOff } from '../../src/app/signoff/decide';
import { decideOn } from '../../src/app/decide';
import type { Actor } from '../../src/app/context';
import type { Measure } from '../../src/domain/measure';
import { FIXED_NOW, PEOPLE, TENANT, cardText, violentIncident, type PersonKey } from '../support/harness';
import { memoryApp, MemoryRecords, withMethods, type MemoryApp } from '../support/memory-ports';
import { checkCustomer } from '../../src/app/incidents/check';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });
const approve = { outcome: 'approve', vulnerabilitiesConsidered: 'None known; checked the housing system on the day.' };

/** Use cases over in-memory ports: the same rules as the HTTP tests, in milliseconds. */
describe('use cases over in-memory ports: report and sign-off', () => {
  let app: MemoryApp;
  let measureId = '';
  beforeEach(async () => {
    app = await memoryApp(FIXED_NOW);
    const res = await submitIncident(app.ctx, actor('stranger'), violentIncident('memory-form-0001'));
    expect('card' in res).to.equal(true);
    measureId = `${/UB-\w{3}-\w{3}/.exec(cardText('card' in res ? res.card : {}))![0]}:pairs-visit`;
  });

  const committed = () => app.customers.effects.map((e) => ('id' in e ? e.id : e.type));

  it('a §5.1 report: incident, audit event, interim pairs-visit marker and both sign-off cards, queued together', () => {
    expect(app.customers.incidents.size).to.equal(1);
    expect(app.measures.values().map((m) => [m.id, m.status, m.interim])).to.deep.equal([[measureId, 'pending-sign-off', true]]);
    expect(committed()).to.deep.equal([
      `${measureId.split(':')[0]}:reported`,
      `${measureId}:signoff:${PEOPLE.megan.aadObjectId}`,
      `${measureId}:signoff:${PEOPLE.adele.aadObjectId}`,
    ]);
    expect(app.notified.flat().map((e) => e.id)).to.have.length(2);
  });

  it('the same form sent again is recorded once, under the same reference', async () => {
    const again = await submitIncident(app.ctx, actor('stranger'), violentIncident('memory-form-0001'));
    expect(cardText('card' in again ? again.card : {})).to.include(measureId.split(':')[0]);
    expect(app.customers.incidents.size).to.equal(1);
    expect(app.notified).to.have.length(1);
  });

  it('approve by the Head of Service: one commit with its audit event, and the reporter told', async () => {
    const res = await decideSignOff(app.ctx, actor('megan'), { measureId, customerKey: 'T004512', ...approve });
    expect(cardText('card' in res ? res.card : {})).to.include('Approved');
    expect(app.measures.values()[0]!.status).to.equal('active');
    expect(committed().slice(3)).to.deep.equal([
      `${measureId}:decided`,
      `${measureId}:update:decided:${PEOPLE.megan.aadObjectId}`,
      `${measureId}:update:decided:${PEOPLE.adele.aadObjectId}`,
      `${measureId}:decided:${PEOPLE.stranger.aadObjectId}`,
    ]);
    expect((await app.customers.summary('T004512')).markers.map((m) => [m.id, m.status])).to.deep.equal([[measureId, 'active']]);
  });

  it('someone else is refused and nothing changes', async () => {
    const res = await decideSignOff(app.ctx, actor('lynne'), { measureId, customerKey: 'T004512', ...approve });
    expect(res).to.deep.include({
      error: {
        status: 403,
        code: 'NotApprover',
        message:
          'Only the Head of Service asked to decide this can, and never someone who proposed it, reported an incident for it or decided it before.',
      },
    });
    expect(app.measures.values()[0]!.status).to.equal('pending-sign-off');
    expect(committed()).to.have.length(3);
  });

  it('two deciders at once: exactly one decision; the other is told who decided first', async () => {
    const [a, b] = await Promise.all([
      decideSignOff(app.ctx, actor('megan'), { measureId, customerKey: 'T004512', ...approve }),
      decideSignOff(app.ctx, actor('adele'), { measureId, customerKey: 'T004512', outcome: 'reject', reason: 'Not serious enough for pairs.' }),
    ]);
    expect(committed().filter((id) => id === `${measureId}:decided`)).to.have.length(1);
    const texts = [a, b].map((r) => cardText('card' in r ? r.card : {}));
    expect(texts.filter((t) => t.includes('decided this first'))).to.have.length(1);
  });

  it('ids in card data that are not record ids are refused before any read', async () => {
    const res = await decideSignOff(app.ctx, actor('megan'), { measureId: 'a/b#c', customerKey: 'T004512', ...approve });
    expect(res).to.have.nested.property('error.status', 400);
  });
});

describe('the decision shell (load → decide → commit with the version → retry on a change)', () => {
  const measure = { id: 'M1', customerKey: 'K1', status: 'pending-sign-off' } as Measure;

  it('decides again on the fresh record when the record changed for an unrelated reason', async () => {
    const records = new MemoryRecords<Measure>((m) => m.customerKey);
    records.put(measure);
    const seen: number[] = [];
    const outcome = await decideOn(records, { id: 'M1', partition: 'K1' }, (m, attempt) => {
      seen.push(attempt);
      if (attempt === 1) records.put({ ...m }); // someone else's write lands first
      return { commit: { ...m, status: 'active' as const }, effects: [], answer: attempt };
    });
    expect(outcome).to.deep.equal({ answer: 2 });
    expect(seen).to.deep.equal([1, 2]);
    expect(records.values()[0]!.status).to.equal('active');
  });

  it('an answer without a commit writes nothing', async () => {
    const records = new MemoryRecords<Measure>((m) => m.customerKey);
    records.put(measure);
    expect(await decideOn(records, { id: 'M1', partition: 'K1' }, () => ({ answer: 'no' }))).to.deep.equal({ answer: 'no' });
    expect(records.effects).to.have.length(0);
  });

  it('a missing record, and a record that never stops changing, are said so', async () => {
    const records = new MemoryRecords<Measure>((m) => m.customerKey);
    expect(await decideOn(records, { id: 'M1', partition: 'K1' }, () => ({ answer: 1 }))).to.deep.equal({ undecided: 'not-found' });
    records.put(measure);
    const restless = await decideOn(records, { id: 'M1', partition: 'K1' }, (m) => {
      records.put(m);
      return { commit: m, effects: [], answer: 1 };
    });
    expect(restless).to.deep.equal({ undecided: 'conflict' });
  });
});

describe('use cases over in-memory ports: nobody independent to decide', () => {
  it('the interim marker is in force, nobody is asked, and every case manager is told who took part', async () => {
    const sample = await memoryApp(FIXED_NOW);
    const directory = withMethods(sample.ctx.directory, {
      serviceAreas: async () => [
        { id: 'housing-management', name: 'Housing Management', headOfService: PEOPLE.alex.aadObjectId, deputy: null, alternates: [] },
      ],
    });
    const app = await memoryApp(FIXED_NOW, directory);
    await submitIncident(app.ctx, actor('alex'), violentIncident('memory-form-nobody'));
    const [m] = app.measures.values();
    expect(m!.signOff).to.include({ approverId: null, deputyId: null });
    const told = app.customers.outbox();
    expect(told.filter((e) => e.action.kind === 'show')).to.have.length(0);
    const managers = (await directory.caseManagers()).map((p) => p.id);
    expect(told.map((e) => (e.recipient as { personId: string }).personId)).to.deep.equal(managers);
    expect(JSON.stringify(told[0]!.action)).to.include('Nobody independent can sign off').and.include('Alex Wilber');
    const check = await checkCustomer(app.ctx, 'T004512');
    expect(cardText('card' in check ? check.card : check.text)).to.include('Visit in pairs only.');
  });
});
