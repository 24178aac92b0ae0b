/**
 * The bot in a real Teams-like client: Microsoft 365 Agents Playground in headless Chromium (Debian's, via playwright-core).
 * Needs /usr/bin/chromium (`.ci/run` installs it); without it this test fails and says so.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { cardWith, fillIncidentForm, postInChannel, REFERENCE, send, startSession, type Session } from './support';

describe('Microsoft 365 Agents Playground (headless Chromium)', function () {
  this.timeout(60_000);
  this.bail(true); // each step needs the one before it
  let session: Session | undefined;
  let reference = '';
  const customerRef = 'T880042';

  const page = () => {
    if (!session) throw new Error('the Playground session did not start');
    return session.page;
  };

  before(async function () {
    this.timeout(120_000);
    session = await startSession();
  });

  afterEach(async function () {
    // Leave the evidence: where it stopped, as the Playground showed it.
    if (this.currentTest?.state !== 'failed' || !session) return;
    const file = path.join(tmpdir(), `ub-playground-failure-${Date.now()}.png`);
    await session.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`  Playground screenshot: ${file}\n  Playground log:\n${session.playgroundLog()}`);
  });

  after(async function () {
    this.timeout(30_000);
    await session?.stop();
  });

  it('help: shows the help card', async () => {
    await send(page(), 'help');
    const card = cardWith(page(), 'What I can do');
    await card.waitFor();
    expect(await card.innerText())
      .to.include('check')
      .and.to.include('If anyone is in danger now, call 999 first.');
    await card.getByRole('button', { name: 'Report an incident' }).waitFor();
  });

  it('report: fills the form, submits, and the card is replaced by the confirmation with a reference and §5.1 guidance', async () => {
    const p = page();
    await send(p, 'report');
    const form = cardWith(p, 'Report unacceptable behaviour');
    await form.getByRole('button', { name: 'Submit report' }).waitFor();
    const formsBefore = await p.locator('.ac-adaptiveCard').filter({ hasText: 'Report unacceptable behaviour' }).count();

    await fillIncidentForm(p, form, {
      customerRef,
      customerName: 'Jordan Example',
      channel: 'Visit or meeting at the customer’s home',
      serviceArea: 'Housing Management',
      behaviours: ['Intimidation or threatening behaviour towards staff members by any means'],
      description: 'Customer shouted and said he would hit me with a hammer if I came back.',
      safetyFlags: ['Threat of violence'],
      vulnerability: 'Don’t know',
    });
    await form.getByRole('button', { name: 'Submit report' }).click();

    const confirmation = cardWith(p, 'Report received. Thank you.');
    await confirmation.waitFor();
    const text = await confirmation.innerText();
    const match = REFERENCE.exec(text);
    expect(match, `no UB-XXX-XXX reference in:\n${text}`).to.not.equal(null);
    reference = match![0];
    expect(text).to.include('Jordan Example (T880042)');
    expect(text).to.include('Threat of violence');
    expect(text).to.include('§5.1');
    expect(text).to.include('Do not see the customer: refuse to see them and end any visit or meeting at once.');
    expect(text).to.include('an interim warning marker is in place');
    // Replaced in place (Action.Execute invoke response), not posted as a new message under the form.
    expect(await p.locator('.ac-adaptiveCard').filter({ hasText: 'Report unacceptable behaviour' }).count()).to.equal(formsBefore - 1);
  });

  it('check <customer ref>: visits in pairs only', async () => {
    expect(reference, 'the report step did not produce a reference').to.match(REFERENCE);
    const p = page();
    await send(p, `check ${customerRef.toLowerCase()}`);
    const card = cardWith(p, `Customer ${customerRef}`);
    await card.getByText('Visit in pairs only.', { exact: true }).waitFor();
    const text = await card.innerText();
    expect(text).to.include('Visits and meetings in pairs (interim, pending sign-off)');
    expect(text).to.include('1 incident on record.');
    expect(text, 'a check must never show the incident narrative').to.not.include('hammer');
  });

  it('my reports: lists the new reference', async () => {
    const p = page();
    await send(p, 'my reports');
    const card = cardWith(p, 'Your reports');
    await card.waitFor();
    expect(await card.innerText()).to.include(reference);
  });

  it('digest subscribe and preview in a team channel: the digest card, counts only', async () => {
    const p = page();
    await postInChannel(p, 'digest subscribe');
    await p
      .getByText(/this channel now gets the weekly digest for every service area/)
      .first()
      .waitFor();
    await postInChannel(p, 'digest preview');
    const card = cardWith(p, 'Weekly digest: all service areas');
    await card.getByText('Measures in force').first().waitFor();
    const text = await card.innerText();
    expect(text).to.include('Visits and meetings in pairs');
    expect(text, 'a digest never names a customer').to.not.include(customerRef);
    expect(text, 'nor any incident').to.not.match(REFERENCE);
  });
});
