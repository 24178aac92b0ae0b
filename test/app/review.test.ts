import { expect } from 'chai';
import type { ActionResult, Actor, Reply } from '../../src/app/context';
import { showCase } from '../../src/app/cases/show';
import { checkCustomer } from '../../src/app/incidents/check';
import { submitIncident } from '../../src/app/incidents/report';
import { proposeMeasure } from '../../src/app/measures/propose';
import { decideReview, openReview } from '../../src/app/reviews/decide';
import { reviewsDue } from '../../src/app/reviews/list';
import { decideSignOff } from '../../src/app/signoff/decide';
import type { Measure } from '../../src/domain/measure';
import { FIXED_NOW, PEOPLE, TENANT, cardText, violentIncident, type PersonKey } from '../support/harness';
import { memoryApp, type MemoryApp } from '../support/memory-ports';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });
const id = (who: PersonKey) => PEOPLE[who].aadObjectId;
const CUSTOMER = 'T004512';
const text = (r: ActionResult | Reply) => ('card' in r ? cardText(r.card) : 'text' in r ? r.text : JSON.stringify(r.error));
const REASONS = 'Two abusive calls in April: the risk to staff remains.';

/**
 * Six-monthly reviews (§8) over in-memory ports. Visits in pairs for a §5.1 incident in Income and Tenancy Support,
 * whose Head of Service is Alex Wilber (also a case manager) and deputy Megan Bowen: Megan signed it off on Thursday
 * 26 Nov 2026, so it is due for review on Wednesday 26 May 2027.
 */
describe('use cases over in-memory ports: six-monthly reviews and lapses (§8)', () => {
  let app: MemoryApp;
  let now: Date;
  let reference = '';
  let measureId = '';
  const measure = (mid = measureId): Measure => app.measures.values().find((m) => m.id === mid)!;
  const committed = () => app.customers.effects.map((e) => ('id' in e ? e.id : e.type));
  const at = (iso: string) => (now = new Date(iso));
  const review = (who: PersonKey, outcome: 'lift' | 'continue' | 'escalate', fields: object = {}, mid = measureId) =>
    decideReview(app.ctx, actor(who), { measureId: mid, customerKey: CUSTOMER, round: 0, outcome, ...fields });
  const check = async () => text(await checkCustomer(app.ctx, CUSTOMER));

  beforeEach(async () => {
    app = await memoryApp(FIXED_NOW);
    now = FIXED_NOW;
    app.ctx.now = () => now;
    const reported = await submitIncident(app.ctx, actor('stranger'), violentIncident('review-form-1', { serviceArea: 'income' }));
    reference = /UB-\w{3}-\w{3}/.exec(text(reported))![0];
    measureId = `${reference}:pairs-visit`;
    const approved = await decideSignOff(app.ctx, actor('megan'), {
      measureId,
      customerKey: CUSTOMER,
      outcome: 'approve',
      vulnerabilitiesConsidered: 'None known; checked the housing system on the day.',
    });
    expect(text(approved)).to.include('Approved');
    expect(measure()).to.deep.include({ status: 'active', reviewDue: '2027-05-26T10:00:00.000Z' });
    at('2027-05-12T09:00:00Z');
  });

  describe('reviews (docs/rules.md#R-review-list)', () => {
    it('a case manager sees what is due in the next 30 days, as weekday and date, each with a Review button', async () => {
      const reply = await reviewsDue(app.ctx, actor('lynne'));
      expect(text(reply))
        .to.include('Visits and meetings in pairs')
        .and.include(`customer ${CUSTOMER}`)
        .and.include('Review due Wednesday 26 May 2027');
      const card = 'card' in reply ? reply.card : {};
      expect(JSON.stringify(card))
        .to.include(JSON.stringify({ measureId, customerKey: CUSTOMER }))
        .and.include('"verb":"review.open"');
    });

    it('anyone else is told who reviews, and not due yet is not listed', async () => {
      for (const who of ['stranger', 'megan'] as const) expect(text(await reviewsDue(app.ctx, actor(who)))).to.include('Customer Experience team');
      at('2027-04-25T09:00:00Z');
      expect(text(await reviewsDue(app.ctx, actor('alex')))).to.include('Nothing is due for review.');
    });
  });

  describe('the review card (docs/rules.md#R-review-outcomes)', () => {
    it('opens for a case manager with Lift, Continue and Escalate; anyone else gets 403; bad data 400', async () => {
      const card = text(await openReview(app.ctx, actor('lynne'), { measureId, customerKey: CUSTOMER }));
      for (const step of ['Lift…', 'Continue…', 'Escalate…', 'Due Wednesday 26 May 2027', 'sign-off again']) expect(card).to.include(step);
      expect(await openReview(app.ctx, actor('megan'), { measureId, customerKey: CUSTOMER })).to.have.nested.property('error.code', 'NotCaseManager');
      expect(await openReview(app.ctx, actor('lynne'), { measureId: 'a/b', customerKey: CUSTOMER })).to.have.nested.property('error.status', 400);
      expect(await openReview(app.ctx, actor('lynne'), { measureId: 'X:1', customerKey: CUSTOMER })).to.have.nested.property('error.status', 404);
    });

    it('continue visits in pairs: signed off again, independently; the reviewer may not approve it, the original approver may', async () => {
      const before = committed().length;
      const res = await review('alex', 'continue', { continueNextReview: '2027-11-01', continueReasons: REASONS });
      expect(text(res)).to.include('continued at review').and.include('Next review Monday 1 November 2027').and.include('sign-off again');
      expect(measure()).to.deep.include({ status: 'pending-sign-off', interim: true, reviewDue: '2027-11-01T09:00:00.000Z' });
      const renewal = `${measureId}:review:1`;
      // Alex, Head of Service here, reviewed it: Megan (who approved it before) and the alternate are asked.
      expect(committed().slice(before)).to.deep.equal([
        renewal,
        `${renewal}:signoff:${id('megan')}`,
        `${renewal}:signoff:${id('isaiah')}`,
        `${renewal}:told:${id('lynne')}`,
      ]);
      expect(await check()).to.include('Visit in pairs only.');

      const byReviewer = await decideSignOff(app.ctx, actor('alex'), { measureId, customerKey: CUSTOMER, outcome: 'approve' });
      expect(byReviewer).to.have.nested.property('error.code', 'NotApprover');
      at('2027-05-20T09:00:00Z');
      expect(text(await decideSignOff(app.ctx, actor('megan'), { measureId, customerKey: CUSTOMER, outcome: 'approve' }))).to.include('Approved');
      expect(measure()).to.deep.include({ status: 'active', interim: false, reviewDue: '2027-11-01T09:00:00.000Z' });
      expect(committed()).to.include.members([`${renewal}:decided`, `${renewal}:decided:${id('alex')}`]);
    });

    it('lift: it ends at once, audited, and the case managers told', async () => {
      const res = await review('alex', 'lift', { liftReasons: 'No incidents since November; officers agree.' });
      expect(text(res)).to.include('lifted at review');
      expect(measure().status).to.equal('lifted');
      expect(await check()).to.include('No warning markers in force.');
      expect(app.customers.effects.find((e) => 'id' in e && e.id === `${measureId}:review:1`)).to.deep.include({ action: 'review.lifted' });
      expect(committed()).to.include(`${measureId}:review:1:told:${id('lynne')}`);
    });

    it('escalate a measure with no sign-off: referred on and in force to the next review; its proposer, a case manager, told', async () => {
      at(FIXED_NOW.toISOString());
      const proposed = await proposeMeasure(app.ctx, actor('alex'), {
        incidentRef: reference,
        formId: 'form-warning-1',
        kind: 'warning',
        reasons: 'Threatened the officer at the door on 25 Nov.',
        reviewDate: '2027-05-20',
        vulnerabilitiesConsidered: 'None known; checked the housing system.',
        notifyCustomer: 'yes',
      });
      const warning = app.measures.values().find((m) => m.kind === 'warning')!;
      expect(text(proposed)).to.include('in force');
      at('2027-05-12T09:00:00Z');
      const fields = { referredTo: 'Community Safety team', escalateNextReview: '2027-08-01', escalateReasons: REASONS };
      expect(text(await review('lynne', 'escalate', fields, warning.id))).to.include('referred to Community Safety team and continued');
      expect(measure(warning.id)).to.deep.include({ status: 'active', reviewDue: '2027-08-01T08:00:00.000Z' });
      expect(measure(warning.id).reviews![0]).to.deep.include({ outcome: 'escalated', referredTo: 'Community Safety team' });
      expect(app.customers.effects.find((e) => 'id' in e && e.id === `${warning.id}:review:1`)).to.deep.include({ action: 'review.escalated' });
      expect(committed().filter((e) => e.startsWith(`${warning.id}:review:1:`))).to.deep.equal([`${warning.id}:review:1:told:${id('alex')}`]);
    });

    it('refused input comes back on the card, and nothing is stored', async () => {
      const before = committed().length;
      const res = await review('alex', 'continue', { continueNextReview: '2027-12-01', continueReasons: REASONS });
      expect(text(res)).to.include('Next review: Markers are reviewed at least every six months (§8)').and.include('Escalate…');
      expect(committed()).to.have.length(before);
      expect(measure().status).to.equal('active');
    });

    it('two clicks at once: exactly one outcome; the other is told who reviewed it', async () => {
      const [a, b] = await Promise.all([
        review('alex', 'continue', { continueNextReview: '2027-11-01', continueReasons: REASONS }),
        review('lynne', 'lift', { liftReasons: 'No incidents since November; officers agree.' }),
      ]);
      expect(committed().filter((e) => e === `${measureId}:review:1`)).to.have.length(1);
      expect(measure().reviews).to.have.length(1);
      expect([a, b].map(text).filter((t) => t.includes('your click changed nothing'))).to.have.length(1);
    });
  });

  describe('lapses (docs/rules.md#R-marker-lapses) and check afterwards (docs/rules.md#R-review-lapsed-pairs-check)', () => {
    const PROMPT = 'Visits in pairs lapsed unreviewed on Wednesday 26 May 2027: ask the Customer Experience team before visiting alone.';
    const lapses = () => committed().filter((e) => e.startsWith(`${measureId}:lapsed`));

    it('past its review date with no review: check warns but stays a read; case records the lapse once and says so', async () => {
      at('2027-06-01T09:00:00Z');
      const before = committed().length;
      expect(await check())
        .to.include(PROMPT)
        .and.not.include('Visit in pairs only.');
      expect([committed().length, measure().status]).to.deep.equal([before, 'active']);

      const card = text(await showCase(app.ctx, actor('alex'), reference));
      expect(card).to.include('lapsed on 26 May 2027, not reviewed');
      expect(measure().status).to.equal('lapsed');
      await showCase(app.ctx, actor('alex'), reference);
      await reviewsDue(app.ctx, actor('alex'));
      expect(lapses()).to.deep.equal([`${measureId}:lapsed`]);
      expect(await check()).to.include(PROMPT);
    });

    it('reviews records it too, and lists it as lapsed', async () => {
      at('2027-06-01T09:00:00Z');
      expect(text(await reviewsDue(app.ctx, actor('lynne')))).to.include('Lapsed on Wednesday 26 May 2027, not reviewed');
      expect(measure().status).to.equal('lapsed');
      await showCase(app.ctx, actor('alex'), reference);
      expect(lapses()).to.deep.equal([`${measureId}:lapsed`]);
    });

    it('the check prompt lasts 30 days, and ends once visits in pairs are in force again', async () => {
      at('2027-06-26T09:00:00Z');
      expect(await check())
        .to.include('No warning markers in force.')
        .and.not.include('lapsed');
      at('2027-06-01T09:00:00Z');
      await submitIncident(app.ctx, actor('stranger'), violentIncident('review-form-2', { serviceArea: 'income', occurredDate: '2027-05-31' }));
      expect(await check())
        .to.include('Visit in pairs only.')
        .and.not.include('lapsed');
    });

    it('a lapse reviewed: continued, visits in pairs are in force again (interim, signed off afresh) and the prompt ends', async () => {
      at('2027-06-01T09:00:00Z');
      await showCase(app.ctx, actor('alex'), reference);
      const res = await review('lynne', 'continue', { continueNextReview: '2027-11-30', continueReasons: REASONS });
      expect(text(res)).to.include('continued at review');
      expect(measure()).to.deep.include({ status: 'pending-sign-off', interim: true });
      expect((await app.customers.summary(CUSTOMER)).lapses).to.deep.equal([]);
      expect(await check())
        .to.include('Visit in pairs only.')
        .and.not.include('lapsed');
    });
  });
});
