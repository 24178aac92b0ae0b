import { expect } from 'chai';
import { submitIncident } from '../../src/app/incidents/report';
import { proposeMeasure } from '../../src/app/measures/propose';
import type { Actor } from '../../src/app/context';
import { checkProposal } from '../../src/domain/proposal';
import { FIXED_NOW, PEOPLE, TENANT, cardText, violentIncident, type PersonKey } from '../support/harness';
import { memoryApp, type MemoryApp } from '../support/memory-ports';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });

describe('use cases over in-memory ports: proposals', () => {
  let app: MemoryApp;
  let reference = '';
  beforeEach(async () => {
    app = await memoryApp(FIXED_NOW);
    const res = await submitIncident(
      app.ctx,
      actor('stranger'),
      violentIncident('memory-propose-01', {
        category: 'demands',
        behaviours: 'excessive-correspondence',
        safetyFlags: '',
        actions: '',
        crimeReference: '',
      }),
    );
    reference = /UB-\w{3}-\w{3}/.exec(cardText('card' in res ? res.card : {}))![0];
  });

  it('a refused "per week / month" choice is shown under the number beside it, and counted once', async () => {
    const values = {
      kind: 'contact-restriction',
      reasons: '14 emails a week about the same closed complaint',
      reviewDate: '2027-03-01',
      notifyCustomer: 'yes',
      vulnerabilitiesConsidered: 'None known to the officer or in the housing system.',
      channels: 'writing,telephone',
      maxContactsCount: '3',
      maxContactsPer: 'fortnight',
      priorWarningSkipReason: 'Abusive calls to three officers in one week.',
    };
    const refused = checkProposal(values, {
      incidents: [(await app.ctx.incidents.findByReference(reference))!],
      priorWarning: false,
      now: FIXED_NOW,
      policyVersion: app.ctx.policyVersion,
    });
    expect(refused.ok).to.equal(false);
    const message = !refused.ok ? refused.error.maxContactsPer! : '';
    expect(message, 'the domain refuses the choice').to.be.a('string').and.not.equal('');

    const res = await proposeMeasure(app.ctx, actor('alex'), { incidentRef: reference, formId: 'form-propose-0001', ...values });
    const text = cardText('card' in res ? res.card : {});
    expect(text).to.include(message);
    expect(text).to.include('please correct the field marked below');
    expect(app.measures.values()).to.have.length(0);
  });
});

describe('use cases over in-memory ports: the same proposal sent twice', () => {
  it('is recorded once, the Head of Service is asked once, and the second answer says so', async () => {
    const app = await memoryApp(FIXED_NOW);
    const res = await submitIncident(app.ctx, actor('stranger'), violentIncident('memory-propose-02'));
    const reference = /UB-\w{3}-\w{3}/.exec(cardText('card' in res ? res.card : {}))![0];
    const proposal = {
      incidentRef: reference,
      formId: 'form-propose-0002',
      kind: 'referral',
      reasons: 'Threatened an officer with a hammer at a home visit.',
      reviewDate: '2027-03-01',
      vulnerabilitiesConsidered: 'None known to the officer or in the housing system.',
      notifyCustomer: 'no',
      noNotificationJustification: 'Telling him now would put the officer at further risk: police advise not until interview.',
    };
    const first = await proposeMeasure(app.ctx, actor('alex'), proposal);
    const notifiedAfterFirst = app.notified.length;
    const second = await proposeMeasure(app.ctx, actor('alex'), proposal);
    expect(cardText('card' in first ? first.card : {})).not.to.include('already been sent');
    expect(cardText('card' in second ? second.card : {})).to.include('This form had already been sent: the measure is recorded once.');
    expect(app.measures.values().filter((m) => !m.interim)).to.have.length(1);
    expect(app.notified).to.have.length(notifiedAfterFirst);
    expect((await app.customers.summary('T004512')).measureCount).to.equal(2);
  });

  it('a kind already open for the customer is refused in the form, naming it (one measure of each kind)', async () => {
    const app = await memoryApp(FIXED_NOW);
    const res = await submitIncident(app.ctx, actor('stranger'), violentIncident('memory-propose-03'));
    const reference = /UB-\w{3}-\w{3}/.exec(cardText('card' in res ? res.card : {}))![0];
    const refused = await proposeMeasure(app.ctx, actor('alex'), {
      incidentRef: reference,
      formId: 'form-propose-0003',
      kind: 'pairs-visit',
      reasons: 'Threatened an officer with a hammer at a home visit.',
      reviewDate: '2027-03-01',
      vulnerabilitiesConsidered: 'None known to the officer or in the housing system.',
      notifyCustomer: 'yes',
    });
    expect(cardText('card' in refused ? refused.card : {})).to.include(
      'Visits and meetings in pairs is already awaiting Head of Service sign-off for this customer',
    );
    expect(app.measures.values().map((m) => m.id)).to.deep.equal([`${reference}:pairs-visit`]);
  });
});
