import { expect } from 'chai';
import type { ActionResult, Actor, AppContext } from '../../src/app/context';
import { recordAppeal } from '../../src/app/appeals/record';
import { submitIncident } from '../../src/app/incidents/report';
import { runLapses } from '../../src/app/measures/lapses-job';
import { proposeMeasure } from '../../src/app/measures/propose';
import { eachPage } from '../../src/app/pages';
import type { Directory } from '../../src/app/ports';
import { runReminders } from '../../src/app/reminders/job';
import { decideSignOff } from '../../src/app/signoff/decide';
import { recordLetterSent } from '../../src/app/letters/actions';
import { appealId } from '../../src/domain/appeal';
import type { OutboxEntry } from '../../src/domain/outbox';
import { FileDirectory } from '../../src/directory/file-directory';
import { SAMPLE_DIRECTORY_FILE } from '../../src/paths';
import { FIXED_NOW, PEOPLE, TENANT, cardText, violentIncident, type PersonKey } from '../support/harness';
import { memoryApp, withMethods, type MemoryApp } from '../support/memory-ports';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });
const id = (who: PersonKey) => PEOPLE[who].aadObjectId;
const text = (r: ActionResult | { card: unknown }) => ('card' in r ? cardText(r.card) : JSON.stringify(r));
const CUSTOMER = 'T004512';
const VULNERABILITIES = 'None known; checked the housing system on the day.';

/**
 * The reminders and lapse jobs over in-memory ports (lists read two at a time, so paging is exercised). A §5.1 report by
 * a frontline officer on Thursday 26 November 2026 at 10:00 puts visits in pairs in force, asking Megan Bowen (Head of
 * Service, Housing Management) and Adele Vance (deputy) to sign it off. The case managers are Alex Wilber and Lynne
 * Robbins; Alex is also the admin.
 */
describe('use cases over in-memory ports: reminders and lapses (§5.2, §7, §8)', () => {
  let app: MemoryApp;
  let reference = '';
  let measureId = '';

  /** Runs the reminders for this slot, the clock there too. */
  const remindAt = (iso: string) => {
    app.ctx.now = () => new Date(iso);
    return runReminders(app.ctx, new Date(iso));
  };
  /** The entries the jobs queued and asked to send, in order. */
  const sent = (): OutboxEntry[] => app.notified.flat().map((e) => app.outbox.get(e.id));
  const sentTo = (entries: OutboxEntry[]) => entries.map((e) => (e.recipient.kind === 'person' ? e.recipient.personId : e.recipient.conversationKey));
  const words = (e: OutboxEntry) => (e.action.kind === 'send' ? cardText(e.action.card) : '');

  async function report(who: PersonKey = 'stranger', form = 'reminder-form-1', area = 'housing-management'): Promise<void> {
    const res = await submitIncident(app.ctx, actor(who), violentIncident(form, { customerRef: CUSTOMER, serviceArea: area }));
    reference = /UB-\w{3}-\w{3}/.exec(text(res))![0];
    measureId = `${reference}:pairs-visit`;
    app.notified.length = 0; // the sign-off cards: not the jobs'
  }

  /** The Head of Service approves the reported incident's visits in pairs (§5.2). */
  async function approve(): Promise<void> {
    await decideSignOff(app.ctx, actor('megan'), {
      measureId,
      customerKey: CUSTOMER,
      outcome: 'approve',
      vulnerabilitiesConsidered: VULNERABILITIES,
    });
  }

  beforeEach(async () => {
    app = await memoryApp(FIXED_NOW);
  });

  describe('sign-off (docs/rules.md#R-reminder-signoff)', () => {
    beforeEach(() => report());

    it('reminds the two asked once, at the same time on the next working day; a repeat run queues nothing', async () => {
      expect(await remindAt('2026-11-27T09:00:00Z')).to.deep.equal({ workingTime: 1, considered: 1, due: 0, queued: 0, failed: 0 });
      expect(await remindAt('2026-11-27T10:00:00Z')).to.deep.equal({ workingTime: 1, considered: 1, due: 1, queued: 2, failed: 0 });
      const reminders = sent();
      expect(reminders.map((e) => e.id)).to.deep.equal([
        `${measureId}:reminder:signoff-reminder:${id('megan')}`,
        `${measureId}:reminder:signoff-reminder:${id('adele')}`,
      ]);
      const said = words(reminders[0]!);
      expect(said)
        .to.include(`Sign-off waiting: customer ${CUSTOMER}`)
        .and.include('since Thursday 26 November 2026 at 10:00')
        .and.include('Waiting for Megan Bowen (Head of Service) or Adele Vance (deputy).')
        .and.include('It is in force meanwhile, as an interim measure.')
        .and.include('Type “pending”');
      expect(said).not.to.include(violentIncident('x').description);
      expect(reminders[0]!.action).to.include({ summary: `Sign-off waiting: customer ${CUSTOMER}` });

      expect(await remindAt('2026-11-27T11:00:00Z')).to.deep.include({ due: 1, queued: 0 });
      expect(await remindAt('2026-11-30T09:00:00Z')).to.deep.include({ due: 1, queued: 0 });
      expect(sent()).to.have.length(2);
    });

    it('two runs at once (two instances) queue the same ids: each person has one reminder', async () => {
      app.ctx.now = () => new Date('2026-11-27T10:00:00Z');
      await Promise.all([runReminders(app.ctx, app.ctx.now()), runReminders(app.ctx, app.ctx.now())]);
      const ids = app.notified.flat().map((e) => e.id);
      expect(new Set(ids)).to.deep.equal(
        new Set([`${measureId}:reminder:signoff-reminder:${id('megan')}`, `${measureId}:reminder:signoff-reminder:${id('adele')}`]),
      );
    });

    it('after 3 working days tells the case managers once, naming who is asked and the case to open', async () => {
      await remindAt('2026-11-27T10:00:00Z');
      expect(await remindAt('2026-12-01T10:00:00Z')).to.deep.include({ due: 1, queued: 2 });
      const told = sent().slice(2);
      expect(sentTo(told)).to.deep.equal([id('alex'), id('lynne')]);
      expect(told[0]!.id).to.equal(`${measureId}:reminder:signoff-escalation:${id('alex')}`);
      expect(words(told[0]!))
        .to.include(`Sign-off still waiting after 3 working days: customer ${CUSTOMER}`)
        .and.include('Waiting for Megan Bowen (Head of Service) or Adele Vance (deputy). Please chase them.')
        .and.include(`Type “case ${reference}”`);
      expect(await remindAt('2026-12-02T15:00:00Z')).to.deep.include({ due: 1, queued: 0 });
      expect(sent()).to.have.length(4);
    });

    it('a run that first comes after 3 working days sends the escalation only (the first reminder is overtaken)', async () => {
      await remindAt('2026-12-01T12:00:00Z');
      expect(sent().map((e) => e.id.split(':reminder:')[1])).to.deep.equal([`signoff-escalation:${id('alex')}`, `signoff-escalation:${id('lynne')}`]);
    });

    it('nothing outside working time, and nothing is read then', async () => {
      const calls = app.outbox.calls.length;
      expect(await remindAt('2026-11-27T17:30:00Z')).to.deep.equal({ workingTime: 0, considered: 0, due: 0, queued: 0, failed: 0 });
      expect(await remindAt('2026-11-28T10:00:00Z')).to.deep.include({ workingTime: 0 });
      expect(app.outbox.calls.length).to.equal(calls);
      expect(sent()).to.deep.equal([]);
    });

    it('nothing once decided', async () => {
      await approve();
      app.notified.length = 0;
      expect(await remindAt('2026-12-01T12:00:00Z')).to.deep.include({ considered: 0, queued: 0 });
    });

    it('one reminder failing to queue stops no other, and the next run queues it', async () => {
      await report('stranger', 'reminder-form-2');
      // A second customer's marker, so there are two to remind of.
      await submitIncident(app.ctx, actor('stranger'), violentIncident('reminder-form-3', { customerRef: 'T004513' }));
      app.notified.length = 0;
      app.outbox.failOnce('add');
      expect(await remindAt('2026-11-27T10:00:00Z')).to.deep.include({ considered: 2, due: 1, queued: 2, failed: 1 });
      expect(app.warnings.map((w) => w.fields)).to.deep.equal([{ job: 'reminders', kind: 'sign-off', error: 'Error' }]);
      expect(await remindAt('2026-11-27T11:00:00Z')).to.deep.include({ considered: 2, due: 2, queued: 2, failed: 0 });
      expect(sent()).to.have.length(4);
    });
  });

  describe('sign-off with nobody independent to ask (docs/rules.md#R-reminder-signoff)', () => {
    it('reminds nobody on the next working day; after 3 working days tells the case managers again that it waits', async () => {
      const sample = await FileDirectory.load(SAMPLE_DIRECTORY_FILE);
      // Housing Management with Megan alone, and Megan reports: nobody independent is left to decide.
      const directory: Directory = withMethods(sample, {
        serviceAreas: async () => [
          { id: 'housing-management', name: 'Housing Management', headOfService: id('megan'), deputy: null, alternates: [] },
        ],
      });
      app = await memoryApp(FIXED_NOW, directory);
      await report('megan');
      expect(await remindAt('2026-11-30T12:00:00Z')).to.deep.include({ due: 0, queued: 0 });
      expect(await remindAt('2026-12-01T10:00:00Z')).to.deep.include({ due: 1, queued: 2 });
      const told = sent();
      expect(told.map((e) => e.id)).to.deep.equal([
        `${measureId}:reminder:signoff-escalation:${id('alex')}`,
        `${measureId}:reminder:signoff-escalation:${id('lynne')}`,
      ]);
      expect(words(told[0]!))
        .to.include('Still waiting: nobody independent can sign off')
        .and.include('waiting since Thursday 26 November 2026 at 10:00')
        .and.include('took part (Megan Bowen)');
      expect(await remindAt('2026-12-02T10:00:00Z')).to.deep.include({ queued: 0 });
    });
  });

  describe('appeals (docs/rules.md#R-reminder-appeal)', () => {
    let appeal = '';
    beforeEach(async () => {
      await report();
      await approve();
      const recorded = await recordAppeal(app.ctx, actor('lynne'), {
        customerKey: CUSTOMER,
        formId: 'appeal-form-0001',
        measureId,
        appellant: 'customer',
        channel: 'email',
        receivedOn: '2026-11-26',
        grounds: 'He says he was not at home that day and the officer has mistaken him for his brother.',
      });
      expect(text(recorded)).to.include('a decision is due by Thursday 10 December 2026');
      appeal = appealId(measureId, id('lynne'), 'appeal-form-0001');
      app.notified.length = 0;
    });

    it('reminds its deciders 2 working days before and on the due date; overdue, the case managers and admins, once each', async () => {
      expect(await remindAt('2026-12-07T16:00:00Z')).to.deep.include({ due: 0 });
      expect(await remindAt('2026-12-08T09:00:00Z')).to.deep.include({ due: 1, queued: 2 });
      expect(await remindAt('2026-12-09T09:00:00Z')).to.deep.include({ due: 1, queued: 0 });
      expect(await remindAt('2026-12-10T09:00:00Z')).to.deep.include({ due: 1, queued: 2 });
      expect(await remindAt('2026-12-11T09:00:00Z')).to.deep.include({ due: 1, queued: 2 });
      expect(await remindAt('2026-12-14T09:00:00Z')).to.deep.include({ due: 1, queued: 0 });
      const all = sent();
      // Megan signed the measure off and the officer reported it: Adele and Isaiah decide the appeal (§7).
      expect(all.map((e) => e.id.replace(`${appeal}:reminder:`, ''))).to.deep.equal([
        `appeal-2-days:${id('adele')}`,
        `appeal-2-days:${id('isaiah')}`,
        `appeal-due:${id('adele')}`,
        `appeal-due:${id('isaiah')}`,
        `appeal-overdue:${id('alex')}`, // a case manager and the admin: told once
        `appeal-overdue:${id('lynne')}`,
      ]);
      expect(words(all[0]!))
        .to.include(`Appeal due Thursday 10 December 2026: customer ${CUSTOMER}`)
        .and.include('received Thursday 26 November 2026')
        .and.include('Waiting for Adele Vance (deputy) or Isaiah Langer (alternate Head of Service).')
        .and.include('Type “pending”');
      expect(words(all[2]!)).to.include('Appeal due today').and.include('due for decision today, Thursday 10 December 2026');
      expect(words(all[4]!))
        .to.include(`Appeal overdue: customer ${CUSTOMER}`)
        .and.include('was due for decision by Thursday 10 December 2026 (§7: within 10 working days) and is still open')
        .and.include('Please chase them.')
        .and.include(`“case ${reference}”`);
      for (const e of all) expect(words(e)).not.to.include('mistaken him for his brother');
    });
  });

  describe('reviews (docs/rules.md#R-reminder-review)', () => {
    it('a proposer no longer a case manager: every case manager, 14 days and 1 day before, once each', async () => {
      // Visits in pairs proposed by the reporting officer (not a case manager), signed off: review Wednesday 26 May 2027.
      await report();
      await approve();
      // Its letter went the same day (docs/rules.md#R-letter-sent): no letter reminder joins the review's.
      const letterId = `${measureId}:letter`;
      const sentLetter = await recordLetterSent(app.ctx, actor('lynne'), {
        reference,
        letterId,
        slot: 0,
        'sentOn-0': '2026-11-26',
        'sentHow-0': 'post',
      });
      expect(text(sentLetter)).to.include('recorded as sent');
      app.notified.length = 0;
      expect(await remindAt('2027-05-11T15:00:00Z')).to.deep.include({ due: 0 });
      expect(await remindAt('2027-05-12T08:00:00Z')).to.deep.include({ due: 1, queued: 2 });
      expect(await remindAt('2027-05-13T08:00:00Z')).to.deep.include({ due: 1, queued: 0 });
      expect(await remindAt('2027-05-25T08:00:00Z')).to.deep.include({ due: 1, queued: 2 });
      expect(await remindAt('2027-05-26T10:00:00Z')).to.deep.include({ due: 0 }, 'past its date it has lapsed: not reminded of');
      const all = sent();
      expect(all.map((e) => e.id.replace(`${measureId}:review-due:2027-05-26:reminder:`, ''))).to.deep.equal([
        `review-14-days:${id('alex')}`,
        `review-14-days:${id('lynne')}`,
        `review-1-day:${id('alex')}`,
        `review-1-day:${id('lynne')}`,
      ]);
      expect(words(all[0]!))
        .to.include(`Review due Wednesday 26 May 2027: customer ${CUSTOMER}`)
        .and.include('six-monthly review (§8) on Wednesday 26 May 2027')
        .and.include('Type “reviews”')
        .and.include(`its proposer, ${PEOPLE.stranger.name}, is not one`);
    });

    it('a proposer still a case manager alone; once they leave the team, every case manager', async () => {
      await report();
      const proposed = await proposeMeasure(app.ctx, actor('lynne'), {
        incidentRef: reference,
        formId: 'form-reminder-0001',
        kind: 'warning',
        reasons: 'Threatened an officer with a hammer at a home visit.',
        reviewDate: '2027-03-01',
        vulnerabilitiesConsidered: 'None known to the officer or in the housing system.',
        notifyCustomer: 'yes',
      });
      expect(text(proposed)).not.to.include('please correct');
      app.notified.length = 0;
      await remindAt('2027-02-15T09:00:00Z');
      const warning = sent().filter((e) => e.id.includes(':warning:') && e.id.includes(':review-due:'));
      expect(sentTo(warning)).to.deep.equal([id('lynne')]);
      expect(words(warning[0]!)).not.to.include('is not one');

      // Lynne leaves the Customer Experience team before the day-before reminder (Friday: 28 February is a Sunday).
      const sample = app.ctx.directory;
      const left: Partial<Directory> = {
        isCaseManager: async (who) => who === id('alex'),
        caseManagers: async () => (await sample.caseManagers()).filter((p) => p.id === id('alex')),
      };
      const ctx: AppContext = { ...app.ctx, directory: withMethods(sample, left), now: () => new Date('2027-02-26T09:00:00Z') };
      await runReminders(ctx, new Date('2027-02-26T09:00:00Z'));
      const dayBefore = sent().filter((e) => e.id.includes(':warning:') && e.id.includes(':review-due:') && e.id.includes('review-1-day'));
      expect(sentTo(dayBefore)).to.deep.equal([id('alex')]);
      expect(words(dayBefore[0]!)).to.include('its proposer, Lynne Robbins, is not one');
    });
  });

  describe('the lapse job (docs/rules.md#R-marker-lapses)', () => {
    it('records an active measure past its review date as lapsed, with its audit event, once', async () => {
      await report();
      await approve();
      app.ctx.now = () => new Date('2027-05-26T09:59:00Z');
      expect(await runLapses(app.ctx, app.ctx.now())).to.deep.equal({ considered: 0, customers: 0, lapsed: 0, unsettled: 0, failed: 0 });
      app.ctx.now = () => new Date('2027-05-26T10:05:00Z');
      expect(await runLapses(app.ctx, app.ctx.now())).to.deep.equal({ considered: 1, customers: 1, lapsed: 1, unsettled: 0, failed: 0 });
      expect(app.measures.values().find((m) => m.id === measureId)).to.deep.include({ status: 'lapsed', interim: false });
      const audits = app.customers.effects.filter((e) => e.type === 'audit' && e.id === `${measureId}:lapsed`);
      expect(audits).to.have.length(1);
      expect(await runLapses(app.ctx, app.ctx.now())).to.deep.include({ considered: 0, lapsed: 0 });
      expect((await app.customers.summary(CUSTOMER)).lapses).to.deep.equal([{ id: measureId, kind: 'pairs-visit', on: '2027-05-26T10:00:00.000Z' }]);
    });

    it('decides once per customer however many of their measures lapsed, and goes through every page', async () => {
      for (const [i, customerRef] of ['T100001', 'T100002', 'T100003'].entries()) {
        const res = await submitIncident(app.ctx, actor('stranger'), violentIncident(`lapse-form-${i}`, { customerRef }));
        const mid = `${/UB-\w{3}-\w{3}/.exec(text(res))![0]}:pairs-visit`;
        await decideSignOff(app.ctx, actor('megan'), {
          measureId: mid,
          customerKey: customerRef,
          outcome: 'approve',
          vulnerabilitiesConsidered: VULNERABILITIES,
        });
        await proposeMeasure(app.ctx, actor('lynne'), {
          incidentRef: mid.split(':')[0]!,
          formId: `form-lapse-000${i}`,
          kind: 'warning',
          reasons: 'Threatened an officer with a hammer at a home visit.',
          reviewDate: '2027-03-01',
          vulnerabilitiesConsidered: 'None known to the officer or in the housing system.',
          notifyCustomer: 'yes',
        });
      }
      app.ctx.now = () => new Date('2027-06-01T10:05:00Z');
      // Soonest first, two a page: the first page holds two customers' warnings; deciding on each records their visits
      // in pairs too, which so leave the list; the next page holds the third customer's two.
      expect(await runLapses(app.ctx, app.ctx.now())).to.deep.equal({ considered: 4, customers: 3, lapsed: 4, unsettled: 0, failed: 0 });
      expect(app.measures.values().map((m) => m.status)).to.deep.equal(Array(6).fill('lapsed'));
      expect(app.customers.effects.filter((e) => e.type === 'audit' && e.id.endsWith(':lapsed'))).to.have.length(6);
    });
  });

  describe('reading page by page', () => {
    const pages = (n: number) => async (_limit: number, page: string | null) => {
      const at = page ? Number(page) : 0;
      return { items: [at], next: at + 1 < n ? String(at + 1) : null };
    };

    it('hands on every page, and warns (counts only) when a list meets its limit', async () => {
      const seen: number[] = [];
      expect(await eachPage(app.ctx, 'things', 5, pages(3), async (items) => void seen.push(...items))).to.equal(3);
      expect(seen).to.deep.equal([0, 1, 2]);
      expect(app.warnings).to.deep.equal([]);
      expect(await eachPage(app.ctx, 'things', 3, pages(3), async () => undefined)).to.equal(3);
      expect(app.warnings.map((w) => w.fields)).to.deep.equal([{ list: 'things', limit: 3, read: 3 }]);
    });
  });
});
