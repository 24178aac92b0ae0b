import { expect } from 'chai';
import type { ActionResult, Actor, AppContext } from '../../src/app/context';
import { submitIncident } from '../../src/app/incidents/report';
import { decideSignOff } from '../../src/app/signoff/decide';
import { pendingForMe } from '../../src/app/signoff/pending';
import { showCase } from '../../src/app/cases/show';
import { checkCustomer } from '../../src/app/incidents/check';
import { recordAppeal, showAppealForm } from '../../src/app/appeals/record';
import { decideOnAppeal, refreshAppeal, showVariationForm, varyOnAppeal } from '../../src/app/appeals/decide';
import { withdrawAppeal } from '../../src/app/appeals/withdraw';
import { appealCardNow } from '../../src/app/appeals/requests';
import { APPEAL_TEXT_MAX, REPRESENTATIVE_NAME_MAX, appealId } from '../../src/domain/appeal';
import { TEMPLATES } from '../../src/cards/render';
import { termsOf } from '../../src/domain/variation';
import type { OutboxEntry } from '../../src/domain/outbox';
import { FIXED_NOW, PEOPLE, TENANT, cardText, violentIncident, type PersonKey } from '../support/harness';
import { memoryApp, withMethods, type MemoryApp } from '../support/memory-ports';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });
const id = (who: PersonKey) => PEOPLE[who].aadObjectId;
const text = (r: ActionResult | { card: unknown } | { text: string }) => ('card' in r ? cardText(r.card) : JSON.stringify(r));
const CUSTOMER = 'T004512';
const REASONS = 'Spoke to both officers and read the account again: the risk is borne out.';

/**
 * Appeals (§7) over in-memory ports. Stranger reports violence (§5.1): visits in pairs, signed off by Megan (Head of
 * Service). Megan and the stranger took part, so the appeal goes to Adele (deputy) and Isaiah (alternate).
 */
describe('use cases over in-memory ports: appeals (§7)', () => {
  let app: MemoryApp;
  let measureId = '';
  let appealRef = { appealId: '', customerKey: CUSTOMER };

  const record = (who: PersonKey = 'lynne', over: Record<string, string> = {}, formId = 'appeal-form-0001') =>
    recordAppeal(app.ctx, actor(who), {
      customerKey: CUSTOMER,
      formId,
      measureId,
      appellant: 'customer',
      channel: 'email',
      receivedOn: '2026-11-26',
      grounds: 'He says he was not at home that day and the officer has mistaken him for his brother.',
      ...over,
    });
  const committedIds = () => app.customers.effects.map((e) => ('id' in e ? e.id : e.type));
  const appeal = () => app.customers.appeals.values()[0]!;
  const measure = (mid = measureId) => app.measures.values().find((m) => m.id === mid)!;

  beforeEach(async () => {
    app = await memoryApp(FIXED_NOW);
    const res = await submitIncident(app.ctx, actor('stranger'), violentIncident('appeal-memory-01', { customerRef: CUSTOMER }));
    measureId = `${/UB-\w{3}-\w{3}/.exec(text(res))![0]}:pairs-visit`;
    await decideSignOff(app.ctx, actor('megan'), {
      measureId,
      customerKey: CUSTOMER,
      outcome: 'approve',
      vulnerabilitiesConsidered: 'None known; checked the housing system.',
    });
    appealRef = { appealId: appealId(measureId, id('lynne'), 'appeal-form-0001'), customerKey: CUSTOMER };
  });

  describe('recording', () => {
    it('one commit: the appeal, its audit event and a card to each independent decider (never the approver)', async () => {
      const before = app.customers.effects.length;
      const res = await record();
      expect(text(res)).to.include('Appeal recorded: a decision is due by Thursday 10 December 2026.');
      expect(appeal()).to.deep.include({
        id: appealRef.appealId,
        status: 'open',
        approverId: id('adele'),
        deputyId: id('isaiah'),
        dueOn: '2026-12-10',
      });
      expect(committedIds().slice(before)).to.deep.equal([
        `${appealRef.appealId}:recorded`,
        `${appealRef.appealId}:request:${id('adele')}`,
        `${appealRef.appealId}:request:${id('isaiah')}`,
      ]);
      const request = app.customers.outbox().find((e) => e.id.endsWith(`:request:${id('adele')}`))!;
      expect(request.action).to.deep.include({ kind: 'show', subject: { appealId: appealRef.appealId } });
      expect(app.notified.at(-1)!.map((e) => e.id)).to.have.length(2);
      expect((await app.customers.summary(CUSTOMER)).appeals).to.deep.equal([
        { id: appealRef.appealId, measureId, dueOn: '2026-12-10', approverId: id('adele'), deputyId: id('isaiah') },
      ]);
    });

    it('the same form sent again records once', async () => {
      await record();
      const before = committedIds().length;
      expect(text(await record())).to.include('This form had already been sent: the appeal is recorded once.');
      expect(committedIds()).to.have.length(before);
      expect(app.customers.appeals.values()).to.have.length(1);
    });

    it('refused in the form, values kept, nothing written: a date in the future, a representative with no name', async () => {
      const before = committedIds().length;
      const res = await record('lynne', { receivedOn: '2026-11-27', appellant: 'representative', grounds: 'Mistaken identity, he says.' });
      const all = text(res);
      expect(all).to.include('Not recorded: please correct the 2 fields marked below.');
      expect(all).to.include('The date received cannot be in the future');
      expect(all).to.include('Give the name of the representative who appealed');
      expect(JSON.stringify(res)).to.include('Mistaken identity, he says.');
      expect(committedIds()).to.have.length(before);
    });

    it('only case managers: anyone else gets 403 and nothing is stored', async () => {
      for (const who of ['megan', 'stranger'] as const) {
        expect(await record(who)).to.deep.include({
          error: { status: 403, code: 'NotCaseManager', message: 'Only the Customer Experience team can record or withdraw appeals.' },
        });
        expect(await showAppealForm(app.ctx, actor(who), { customerKey: CUSTOMER })).to.have.nested.property('error.status', 403);
      }
      expect(app.customers.appeals.values()).to.have.length(0);
    });

    it('the form offers the measures in force with no appeal open; with none left, there is nothing to appeal', async () => {
      const form = await showAppealForm(app.ctx, actor('alex'), { customerKey: CUSTOMER });
      expect(text(form)).to.include('Visits and meetings in pairs, review due');
      await record();
      expect(await showAppealForm(app.ctx, actor('alex'), { customerKey: CUSTOMER })).to.have.nested.property('error.code', 'NothingToAppeal');
      const again = await record('alex', {}, 'appeal-form-0002');
      expect(text(again)).to.include('An appeal against this measure is already open, due Thursday 10 December 2026');
    });

    it('every input is as long as its validator accepts: the form’s and the decision’s', async () => {
      /** Each input's maxLength: what Teams lets people type. */
      const maxLengths = (node: unknown): Record<string, number> => {
        if (Array.isArray(node)) return Object.assign({}, ...node.map(maxLengths)) as Record<string, number>;
        if (!node || typeof node !== 'object') return {};
        const o = node as Record<string, unknown>;
        const own = typeof o.maxLength === 'number' ? { [String(o.id)]: o.maxLength } : {};
        return Object.assign(own, ...Object.values(o).map(maxLengths)) as Record<string, number>;
      };
      expect(maxLengths(TEMPLATES['appeal-form'])).to.deep.equal({ representativeName: REPRESENTATIVE_NAME_MAX, grounds: APPEAL_TEXT_MAX });
      await record();
      const decider = await refreshAppeal(app.ctx, actor('adele'), appealRef);
      expect(maxLengths('card' in decider ? decider.card : {})).to.deep.equal({ upholdReasons: APPEAL_TEXT_MAX, overturnReasons: APPEAL_TEXT_MAX });
    });

    it('nobody independent: no cards, the case managers told who took part, by name', async () => {
      const sample = await memoryApp(FIXED_NOW);
      const areas = (await sample.ctx.directory.serviceAreas()).map((a) =>
        a.id === 'housing-management' ? { ...a, deputy: null, alternates: [] } : a,
      );
      app = await memoryApp(FIXED_NOW, withMethods(sample.ctx.directory, { serviceAreas: async () => areas }));
      const res = await submitIncident(app.ctx, actor('stranger'), violentIncident('appeal-memory-02', { customerRef: CUSTOMER }));
      measureId = `${/UB-\w{3}-\w{3}/.exec(text(res))![0]}:pairs-visit`;
      await decideSignOff(app.ctx, actor('megan'), {
        measureId,
        customerKey: CUSTOMER,
        outcome: 'approve',
        vulnerabilitiesConsidered: 'None known at all.',
      });
      const before = committedIds().length;
      expect(text(await record())).to.include('Nobody independent is configured to decide this: the case managers have been told.');
      expect(appeal()).to.deep.include({ approverId: null, deputyId: null });
      const told = app.customers.outbox().slice(-2);
      expect(committedIds().slice(before + 1)).to.deep.equal([`${appeal().id}:nobody:${id('alex')}`, `${appeal().id}:nobody:${id('lynne')}`]);
      const notice = cardText((told[0]!.action as Extract<OutboxEntry['action'], { kind: 'send' }>).card);
      expect(notice).to.include('Nobody independent can decide an appeal: customer T004512');
      expect(notice).to.include('Sam Frontline').and.include('Megan Bowen');
    });
  });

  describe('deciding', () => {
    beforeEach(() => record());

    it('the deciders see Uphold, Overturn and Vary with the grounds; a case manager the status with Withdraw; others nothing', async () => {
      const decider = text(await refreshAppeal(app.ctx, actor('adele'), appealRef));
      for (const s of ['Uphold…', 'Overturn…', 'Vary…', 'Grounds of appeal', 'mistaken him for his brother', 'Due Thursday 10 December 2026'])
        expect(decider).to.include(s);
      const manager = text(await refreshAppeal(app.ctx, actor('alex'), appealRef));
      expect(manager).to.include('Withdraw…').and.include('Waiting for Adele Vance (deputy) or Isaiah Langer (alternate Head of Service).');
      expect(manager).not.to.include('mistaken him');
      expect(await refreshAppeal(app.ctx, actor('stranger'), appealRef)).to.have.nested.property('error.code', 'NeedToKnow');
      expect(text(await refreshAppeal(app.ctx, actor('megan'), appealRef))).not.to.include('Uphold…'); // she approved the measure
    });

    it('upheld: one commit; the measure stands; cards updated; the proposer and every case manager told', async () => {
      const before = committedIds().length;
      const res = await decideOnAppeal(app.ctx, actor('adele'), { ...appealRef, outcome: 'uphold', upholdReasons: REASONS });
      expect(text(res)).to.include('Appeal decided: the measure is upheld').and.include('Housing Ombudsman');
      expect(appeal()).to.deep.include({ status: 'upheld' });
      expect(appeal().decision).to.deep.include({
        outcome: 'upheld',
        reasons: REASONS,
        variedTo: null,
        by: { id: id('adele'), name: 'Adele Vance' },
      });
      expect(measure()).to.deep.include({ status: 'active', deciders: [id('megan'), id('adele')] });
      const a = appealRef.appealId;
      expect(committedIds().slice(before)).to.deep.equal([
        `${a}:decided`,
        `${a}:update:decided:${id('adele')}`,
        `${a}:update:decided:${id('isaiah')}`,
        `${a}:decided:${id('stranger')}`,
        `${a}:decided:${id('alex')}`,
        `${a}:decided:${id('lynne')}`,
      ]);
      expect((await app.customers.summary(CUSTOMER)).appeals).to.deep.equal([]);
      expect(text(await checkCustomer(app.ctx, CUSTOMER))).to.include('Visit in pairs only.');
    });

    it('overturned: the measure is lifted at once and check stops showing it', async () => {
      await decideOnAppeal(app.ctx, actor('isaiah'), { ...appealRef, outcome: 'overturn', overturnReasons: REASONS });
      expect(measure()).to.deep.include({ status: 'lifted', liftedOnAppeal: { appealId: appealRef.appealId, replacedBy: null } });
      expect(text(await checkCustomer(app.ctx, CUSTOMER))).to.include('No warning markers in force.');
    });

    it('varied: the form has the kind fixed and the terms as they stand; an illegal variation comes back in it; then the new terms replace the old', async () => {
      const form = await showVariationForm(app.ctx, actor('adele'), appealRef);
      expect(text(form)).to.include('New terms on appeal (§7): Visits and meetings in pairs');
      expect(JSON.stringify(form)).to.include('"verb":"appeal.vary"');
      const terms = termsOf(measure(), FIXED_NOW);
      const vary = (over: Record<string, string>) =>
        varyOnAppeal(app.ctx, actor('adele'), { ...appealRef, formId: 'vary-form-0001', ...terms, kind: 'warning', ...over });
      const before = committedIds().length;
      const illegal = await vary({
        reasons: 'Pairs still needed but he must not be told.',
        notifyCustomer: 'no',
        noNotificationJustification: 'too short',
      });
      expect(text(illegal)).to.include('Not varied: please correct the field marked below.').and.include('full written justification');
      expect(committedIds()).to.have.length(before);
      const res = await vary({ reasons: 'Pairs stay, reviewed sooner: the officer’s account is disputed.', reviewDate: '2027-02-01' });
      expect(text(res)).to.include('the measure is varied, new terms in force');
      const replaced = measure();
      const newId = replaced.liftedOnAppeal!.replacedBy!;
      expect(replaced.status).to.equal('lifted');
      expect(measure(newId)).to.deep.include({ kind: 'pairs-visit', status: 'active', reviewDue: '2027-02-01T09:00:00.000Z' });
      expect(measure(newId).signOff!.decision).to.deep.include({ outcome: 'approved', by: { id: id('adele'), name: 'Adele Vance' } });
      expect((await app.customers.summary(CUSTOMER)).markers.map((m) => m.id)).to.deep.equal([newId]);
      expect(text(await checkCustomer(app.ctx, CUSTOMER))).to.include('Review due 1 Feb 2027');
    });

    it('a wrong person is refused 403 and nothing changes: the approver of the measure, a case manager, a stranger', async () => {
      const before = committedIds().length;
      for (const who of ['megan', 'alex', 'stranger'] as const) {
        const res = await decideOnAppeal(app.ctx, actor(who), { ...appealRef, outcome: 'overturn', overturnReasons: REASONS });
        expect(res, who).to.have.nested.property('error.code', 'NotDecider');
        expect(await showVariationForm(app.ctx, actor(who), appealRef), who).to.have.nested.property('error.status', 403);
      }
      expect(committedIds()).to.have.length(before);
      expect(appeal().status).to.equal('open');
    });

    it('reasons are required: the decision card again with the problem', async () => {
      const res = await decideOnAppeal(app.ctx, actor('adele'), { ...appealRef, outcome: 'overturn', overturnReasons: 'no' });
      expect(text(res)).to.include('Give the reasons for your decision').and.include('Uphold…');
      expect(appeal().status).to.equal('open');
    });

    it('two deciders at once: exactly one outcome; the other is told who decided first', async () => {
      const [a, b] = await Promise.all([
        decideOnAppeal(app.ctx, actor('adele'), { ...appealRef, outcome: 'uphold', upholdReasons: REASONS }),
        decideOnAppeal(app.ctx, actor('isaiah'), { ...appealRef, outcome: 'overturn', overturnReasons: REASONS }),
      ]);
      expect(committedIds().filter((e) => e === `${appealRef.appealId}:decided`)).to.have.length(1);
      expect([a, b].map(text).filter((t) => t.includes('decided this first'))).to.have.length(1);
    });

    it('a change under the decision (a card’s message id recorded) is decided again on the fresh records', async () => {
      let reads = 0;
      const ctx: AppContext = {
        ...app.ctx,
        appeals: withMethods(app.ctx.appeals, {
          read: async (aid, key) => {
            const read = await app.customers.appeals.read(aid, key);
            if (++reads === 1) app.customers.appeals.put(read!.value); // someone else's write lands first
            return read;
          },
        }),
      };
      const res = await decideOnAppeal(ctx, actor('adele'), { ...appealRef, outcome: 'uphold', upholdReasons: REASONS });
      expect(text(res)).to.include('the measure is upheld');
      expect(reads).to.equal(2);
    });

    it('withdrawn by a case manager: recorded with its date, the cards updated; a decision after it changes nothing', async () => {
      expect(await withdrawAppeal(app.ctx, actor('megan'), { ...appealRef, withdrawnOn: '2026-11-26' })).to.have.nested.property(
        'error.code',
        'NotCaseManager',
      );
      const refused = await withdrawAppeal(app.ctx, actor('alex'), { ...appealRef, withdrawnOn: '2026-11-25' });
      expect(text(refused)).to.include('cannot be before the appeal arrived (Thursday 26 November 2026)');
      const before = committedIds().length;
      expect(text(await withdrawAppeal(app.ctx, actor('alex'), { ...appealRef, withdrawnOn: '2026-11-26' }))).to.include('Appeal withdrawn');
      expect(appeal()).to.deep.include({
        status: 'withdrawn',
        withdrawn: { on: '2026-11-26', by: { id: id('alex'), name: 'Alex Wilber' }, at: FIXED_NOW.toISOString() },
      });
      const a = appealRef.appealId;
      expect(committedIds().slice(before)).to.deep.equal([
        `${a}:withdrawn`,
        `${a}:update:withdrawn:${id('adele')}`,
        `${a}:update:withdrawn:${id('isaiah')}`,
      ]);
      const again = await withdrawAppeal(app.ctx, actor('lynne'), { ...appealRef, withdrawnOn: '2026-11-26' });
      expect(text(again)).to.include('This appeal was already withdrawn: nothing was changed.');
      const late = await decideOnAppeal(app.ctx, actor('adele'), { ...appealRef, outcome: 'overturn', overturnReasons: REASONS });
      expect(text(late)).to.include('This appeal was already withdrawn: nothing was changed.');
      expect(measure().status).to.equal('active');
      expect(cardText(await appealCardNow(app.ctx, a, CUSTOMER))).to.include('Withdrawn');
    });

    it('overdue: pending lists it for its deciders, marked, and the case shows it', async () => {
      const later: AppContext = { ...app.ctx, now: () => new Date('2026-12-11T09:00:00Z') };
      const pending = text(await pendingForMe(later, actor('isaiah')));
      expect(pending).to.include('Appeal against: Visits and meetings in pairs').and.include('Overdue: was due Thursday 10 December 2026');
      expect(text(await pendingForMe(app.ctx, actor('adele')))).to.include('Due Thursday 10 December 2026');
      expect(text(await pendingForMe(later, actor('megan')))).to.include('Nothing is waiting for you.');
      const reference = measureId.split(':')[0]!;
      const kase = text(await showCase(later, actor('alex'), reference));
      expect(kase).to.include('Open appeals (§7)').and.include('Overdue: was due Thursday 10 December 2026');
      expect(kase).not.to.include('Record an appeal'); // its only measure in force is under appeal
    });
  });
});
