import { expect } from 'chai';
import { submitIncident } from '../../src/app/incidents/report';
import { decideSignOff } from '../../src/app/signoff/decide';
import { getLetter, listLetters, recordLetterSent } from '../../src/app/letters/actions';
import { showCase } from '../../src/app/cases/show';
import { FileDeliveryError } from '../../src/app/files';
import type { ActionResult, Actor, AppContext, Reply } from '../../src/app/context';
import { PEOPLE, TENANT, cardText, violentIncident, type PersonKey } from '../support/harness';
import { memoryApp, withMethods, type MemoryApp } from '../support/memory-ports';
import { reviewsDue } from '../../src/app/reviews/list';
import { readDigestRows } from '../../src/app/digest/build';
import { runReminders } from '../../src/app/reminders/job';
import { digestFigures } from '../../src/domain/digest';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });
const approve = { outcome: 'approve', vulnerabilitiesConsidered: 'None known; checked the housing system on the day.' };
const text = (r: ActionResult | Reply) => ('card' in r ? cardText(r.card) : 'error' in r ? r.error.message : r.text);
const at = (iso: string) => new Date(iso);

/** Thursday 17 December 2026: ten working days on, over Christmas, Boxing Day (Monday 28th) and New Year, is 5 January 2027. */
const DECIDED = at('2026-12-17T10:00:00Z');

/** Letters stored with their decisions, fetched and recorded as sent from `case` (docs/rules.md#R-letter-stored). */
describe('letters over in-memory ports', () => {
  let app: MemoryApp;
  let reference = '';
  let measureId = '';
  const letterId = () => `${measureId}:letter`;
  const later = (iso: string): AppContext => ({ ...app.ctx, now: () => at(iso) });

  beforeEach(async () => {
    app = await memoryApp(DECIDED);
    const res = await submitIncident(app.ctx, actor('stranger'), violentIncident('letters-form-0001'));
    reference = /UB-\w{3}-\w{3}/.exec(text(res))![0];
    measureId = `${reference}:pairs-visit`;
  });

  const decide = (ctx: AppContext = app.ctx, outcome: object = approve) =>
    decideSignOff(ctx, actor('megan'), { measureId, customerKey: 'T004512', ...outcome });
  const sent = (who: PersonKey, on: string, how = 'post', ctx: AppContext = app.ctx) =>
    recordLetterSent(ctx, actor(who), { reference, letterId: letterId(), slot: 0, 'sentOn-0': on, 'sentHow-0': how });

  it('none while visits in pairs await sign-off; approving stores exactly one visits-in-pairs letter with the decision', async () => {
    expect(app.customers.letters.values()).to.deep.equal([]);
    await decide();
    const letters = app.customers.letters.values();
    expect(letters.map((l) => [l.id, l.kind, l.status, l.sendBy, l.decidedBy.name])).to.deep.equal([
      [letterId(), 'visits-in-pairs', 'draft', '2027-01-05', 'Megan Bowen'],
    ]);
    expect(letters[0]!.draft.values.customerName).to.equal('Jordan Example');
    expect((await app.customers.summary('T004512')).letters.map((l) => [l.id, l.status])).to.deep.equal([[letterId(), 'draft']]);
  });

  it('a repeated or double decision stores one letter', async () => {
    await Promise.all([decide(), decide()]);
    await decide();
    expect(app.customers.letters.values()).to.have.length(1);
  });

  it('no letter for a rejected measure, nor for the no-notification exception (§5.2)', async () => {
    await decide(app.ctx, { outcome: 'reject', reason: 'Not serious enough for pairs.' });
    expect(app.customers.letters.values()).to.deep.equal([]);
    const other = await memoryApp(DECIDED);
    await submitIncident(other.ctx, actor('stranger'), violentIncident('letters-form-0001'));
    const m = other.measures.values()[0]!;
    other.customers.measures.put({ ...m, notifyCustomer: false });
    await decideSignOff(other.ctx, actor('megan'), { measureId: m.id, customerKey: 'T004512', ...approve });
    expect(other.measures.values()[0]!.status).to.equal('active');
    expect(other.customers.letters.values()).to.deep.equal([]);
  });

  it('case says it waits for case managers, with the Letters button; the letters card lists it as a draft with Get and Record', async () => {
    await decide();
    const kase = await showCase(app.ctx, actor('alex'), reference);
    expect(text(kase)).to.include('Letters to the customer: 1 not recorded as sent yet.');
    expect(JSON.stringify(kase)).to.include(`"verb":"letter.list","data":{"reference":"${reference}"}`);
    expect(text(await showCase(app.ctx, actor('megan'), reference))).not.to.include('Letters');
    const list = await listLetters(app.ctx, actor('alex'), { reference });
    expect(text(list)).to.include('Visits in pairs letter, drafted 17 Dec 2026').and.include('Draft: send it and record it by 5 Jan 2027');
    expect(text(list)).to.include('Get the letter (.docx)').and.include('Record as sent');
    expect(JSON.stringify(list)).to.include(`"verb":"letter.sent","data":{"reference":"${reference}","letterId":"${letterId()}","slot":0}`);
    expect(app.audit.events.filter((e) => e.action === 'case.letters-viewed')).to.have.length(1);
    expect(await listLetters(app.ctx, actor('megan'), { reference })).to.have.nested.property('error.code', 'NotCaseManager');
  });

  it('the letters card says another format may be needed and who gets a copy, where adjustments are recorded (§6)', async () => {
    const m = app.measures.values()[0]!;
    app.customers.measures.put({ ...m, adjustments: ['needs-advocate', 'difficulty-writing'] });
    await decide();
    const list = text(await listLetters(app.ctx, actor('alex'), { reference }));
    expect(list).to.include('Copy to the advocate the customer needs (find out who) (advocate).');
    expect(list).to.include(
      'Another format may be needed (§6): Difficulty reading or writing (e.g. literacy, sight loss, dyslexia); Needs an advocate',
    );
  });

  it('letter.get renders the .docx from the stored draft, delivers it, audits it, and says where it went', async () => {
    await decide();
    const res = await getLetter(app.ctx, actor('lynne'), { reference, letterId: letterId() });
    expect(text(res)).to.include('I have sent it to your personal chat with me');
    const [d] = app.files.delivered;
    expect(d!.to.id).to.equal(PEOPLE.lynne.aadObjectId);
    expect(d!.file).to.deep.include({
      name: 'visits-in-pairs-T004512-2026-12-17.docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      folder: 'letters/T004512',
    });
    expect(Buffer.from(d!.file.bytes).subarray(0, 2).toString()).to.equal('PK');
    expect(app.audit.events.filter((e) => e.action === 'letter.fetched').map((e) => e.subject)).to.deep.equal([letterId()]);
  });

  it('letter.get to the document library keeps the link on the letter: the letters card opens it (an https address only)', async () => {
    await decide();
    const url = 'https://calico.sharepoint.com/sites/housing/Letters/T004512/visits-in-pairs-T004512-2026-12-17.docx';
    const toLibrary = (at: string): AppContext => ({
      ...app.ctx,
      files: withMethods(app.ctx.files, { deliver: async () => ({ where: 'library', url: at }) }),
    });
    const res = await getLetter(toLibrary(url), actor('lynne'), { reference, letterId: letterId() });
    expect(text(res)).to.include(`It is in the document library: ${url}`).and.include('Saved in the document library on');
    expect(JSON.stringify(res)).to.include(`{"type":"Action.OpenUrl","title":"Open in the library","url":"${url}"}`);
    expect(app.customers.letters.values()[0]!.libraryCopy).to.deep.include({ url, by: { id: PEOPLE.lynne.aadObjectId, name: 'Lynne Robbins' } });
    expect((await app.customers.summary('T004512')).letters[0]!.libraryCopy?.url, 'the case reads it from the summary').to.equal(url);

    // What is not an https address is said in the answer, never kept or linked.
    const odd = 'javascript:alert(1)';
    const again = await getLetter(toLibrary(odd), actor('lynne'), { reference, letterId: letterId() });
    expect(app.customers.letters.values()[0]!.libraryCopy?.url).to.equal(url);
    expect(JSON.stringify(again)).not.to.include(`"url":"${odd}"`);
  });

  it('letter.get: a Head of Service is refused, an unknown letter is 404, a failed delivery says why', async () => {
    await decide();
    expect(await getLetter(app.ctx, actor('megan'), { reference, letterId: letterId() })).to.have.nested.property('error.status', 403);
    expect(await getLetter(app.ctx, actor('alex'), { reference, letterId: `${reference}:warning:letter` })).to.have.nested.property(
      'error.status',
      404,
    );
    expect(await getLetter(app.ctx, actor('alex'), { reference, letterId: '../x' })).to.have.nested.property('error.status', 400);
    const failing: AppContext = {
      ...app.ctx,
      files: withMethods(app.ctx.files, {
        deliver: async () => {
          throw new FileDeliveryError('Open a personal chat with the bot first.');
        },
      }),
    };
    expect(await getLetter(failing, actor('alex'), { reference, letterId: letterId() })).to.deep.equal({
      error: { status: 409, code: 'FileNotDelivered', message: 'Open a personal chat with the bot first.' },
    });
  });

  it('letter.sent records once, audited; a second record, a future day, a day before the letter and a non-case manager are refused', async () => {
    await decide();
    expect(await sent('megan', '2026-12-17')).to.have.nested.property('error.status', 403);
    expect(text(await sent('alex', '2026-12-18'))).to.include('cannot have been sent after today');
    expect(text(await sent('alex', '2026-12-16'))).to.include('before it was drafted');
    expect(text(await sent('alex', '2026-02-30'))).to.include('as a date');
    expect(text(await sent('alex', '2026-12-17', 'pigeon'))).to.include('Choose how');
    expect(app.customers.letters.values()[0]!.sent).to.equal(null);
    const ok = await sent('alex', '2026-12-17', 'email');
    expect(text(ok))
      .to.include('Visits in pairs letter recorded as sent by email on 17 Dec 2026')
      .and.include('Sent by email on 17 Dec 2026 (recorded by Alex Wilber)');
    const again = await sent('lynne', '2026-12-17');
    expect(again).to.have.nested.property('error.code', 'AlreadySent');
    expect(text(again)).to.include('already recorded as sent by email').and.include('Alex Wilber');
    expect(app.customers.letters.values()[0]!.sent).to.deep.include({ on: '2026-12-17', how: 'email' });
    // Recorded with the decision (its audit event is committed with it), once.
    expect(app.customers.effects.filter((e) => e.type === 'audit' && e.action === 'letter.sent')).to.have.length(1);
  });

  it('overdue once 10 working days pass unrecorded, counting bank holidays (not on 5 January, from 6 January)', async () => {
    await decide();
    const look = async (iso: string) =>
      `${text(await showCase(later(iso), actor('alex'), reference))}\n${text(await listLetters(later(iso), actor('alex'), { reference }))}`;
    expect(await look('2027-01-05T16:00:00Z')).not.to.include('OVERDUE');
    const card = await look('2027-01-06T09:00:00Z');
    expect(card).to.include('1 not recorded as sent yet, 1 OVERDUE (over 10 working days)');
    expect(card).to.include('OVERDUE: not recorded as sent within 10 working days (by 5 Jan 2027)');
    await sent('alex', '2027-01-06', 'post', later('2027-01-06T09:00:00Z'));
    const after = await look('2027-01-06T10:00:00Z');
    expect(after).not.to.include('OVERDUE');
    expect(after)
      .to.include('Letters to the customer: every one recorded as sent.')
      .and.include('Sent by post on 6 Jan 2027 (recorded by Alex Wilber)');
  });

  it('reviews counts and lists overdue letters for case managers, opening their case', async () => {
    await decide();
    expect(text(await reviewsDue(later('2027-01-05T16:00:00Z'), actor('alex')))).not.to.include('Letters not recorded as sent');
    const res = await reviewsDue(later('2027-01-06T09:00:00Z'), actor('alex'));
    expect(text(res)).to.include('1 letter not recorded as sent within 10 working days').and.include('Visits in pairs letter · customer T004512');
    expect(JSON.stringify(res)).to.include(`"verb":"case.show","data":{"reference":"${reference}"}`);
  });

  it('the weekly digest counts letters not recorded as sent within 10 working days, by area', async () => {
    await decide();
    const slot = at('2027-01-11T08:00:00Z');
    const rows = await readDigestRows(later(slot.toISOString()), slot);
    expect(digestFigures(rows, slot, null).lettersNotSent).to.equal(1);
    expect(digestFigures(rows, slot, 'housing-management').lettersNotSent).to.equal(1);
    expect(digestFigures(rows, slot, 'repairs').lettersNotSent).to.equal(0);
    await sent('alex', '2027-01-08', 'post', later(slot.toISOString()));
    expect(digestFigures(await readDigestRows(later(slot.toISOString()), slot), slot, null).lettersNotSent).to.equal(0);
  });

  it('a month on, still not sent: the Head of Service of the area is told once, in working time; not once it is sent', async () => {
    await decide();
    const told = () => app.outbox.entries().filter((e) => e.id.includes(':reminder:letter-one-month:'));
    const run = (iso: string) => runReminders(later(iso), at(iso));
    await run('2027-01-15T10:00:00Z'); // a month is Sunday 17 January: not yet
    await run('2027-01-17T10:00:00Z'); // Sunday: outside working time
    expect(told()).to.deep.equal([]);
    await run('2027-01-18T10:00:00Z');
    await run('2027-01-18T11:00:00Z');
    expect(told().map((e) => e.id)).to.deep.equal([`${letterId()}:reminder:letter-one-month:${PEOPLE.megan.aadObjectId}`]);
    expect(JSON.stringify(told()[0])).to.include('Letter not sent after a month: customer T004512');

    const other = await memoryApp(DECIDED);
    await submitIncident(other.ctx, actor('stranger'), violentIncident('letters-form-0001'));
    await decideSignOff(other.ctx, actor('megan'), { measureId, customerKey: 'T004512', ...approve });
    const then = { ...other.ctx, now: () => at('2027-01-18T10:00:00Z') };
    await recordLetterSent(then, actor('alex'), {
      reference,
      letterId: letterId(),
      slot: 0,
      'sentOn-0': '2027-01-18',
      'sentHow-0': 'post',
    });
    expect(other.customers.letters.values().map((l) => l.status)).to.deep.equal(['sent']);
    await runReminders(then, at('2027-01-18T10:00:00Z'));
    expect(other.outbox.entries().filter((e) => e.id.includes('letter-one-month'))).to.deep.equal([]);
  });
});
