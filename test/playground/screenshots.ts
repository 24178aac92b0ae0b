/**
 * `npm run screenshots`: the README's pictures of the real cards, taken in Microsoft 365 Agents Playground
 * (headless Debian Chromium). Writes test/playground/screenshots/*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { cardWith, fillIncidentForm, postInChannel, REFERENCE, send, startSession, type Session } from './support';
import { activityFor, violentIncident } from '../support/harness';
import { sampleIncident } from '../support/fixtures';
import type { CategoryId } from '../../src/domain/policy';

const OUT = path.join(__dirname, 'screenshots');
const WIDTH = 900;
const CUSTOMER = 'T004512';

/** Crops to the chat pane: from the message before the card (the command typed) or the card's own header, to its bottom. */
async function shoot(page: Page, card: Locator, file: string, opts: { withCommand: boolean }): Promise<void> {
  await card.scrollIntoViewIfNeeded();
  // Runs in the page; the project has no DOM typings, so the little it uses is typed here.
  const box = await card.evaluate((node: unknown, withCommand: boolean) => {
    interface El {
      getBoundingClientRect(): { top: number; bottom: number };
      closest(selector: string): El | null;
      compareDocumentPosition(other: El): number;
    }
    const el = node as El;
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<El> } }).document;
    const FOLLOWING = 4; // Node.DOCUMENT_POSITION_FOLLOWING
    const headers = [...doc.querySelectorAll('[aria-label="Message header"]')];
    const before = headers.filter((h) => h.compareDocumentPosition(el) & FOLLOWING);
    const top = before[before.length - (withCommand ? 2 : 1)] ?? before[before.length - 1];
    const outer = el.closest('.fai-OutputCard') ?? el;
    const topY = top ? top.getBoundingClientRect().top : outer.getBoundingClientRect().top;
    // Not a sliver of the message above: stop short of the last card that ends before our first line.
    const above = [...doc.querySelectorAll('.fai-OutputCard')].map((c) => c.getBoundingClientRect().bottom).filter((b) => b <= topY);
    return { top: Math.max(topY - 12, (above.length ? Math.max(...above) : 0) + 10), bottom: outer.getBoundingClientRect().bottom };
  }, opts.withCommand);
  const viewport = page.viewportSize()!;
  const y = Math.max(0, Math.round(box.top));
  const clip = { x: 0, y, width: viewport.width, height: Math.min(Math.round(box.bottom + 4) - y, viewport.height - y) };
  await page.screenshot({ path: path.join(OUT, file), clip, animations: 'disabled', caret: 'hide' });
  console.log(`${file}: ${clip.width}×${clip.height}`);
}

/** Reports of the two weeks before this one, a day apart, across categories and areas: what the digest counts. */
async function seedEarlierReports(session: Session): Promise<void> {
  const week = 7 * 86_400_000;
  const spread: [CategoryId, string, number][] = [
    ['aggressive', 'housing-management', 1],
    ['aggressive', 'repairs', 1],
    ['aggressive', 'income', 2],
    ['demands', 'repairs', 1],
    ['persistence', 'income', 1],
    ['persistence', 'income', 2],
    ['demands', 'housing-management', 2],
  ];
  const now = Date.now();
  await Promise.all(
    spread.map(([category, serviceArea, weeksAgo], n) => {
      const reportedAt = new Date(now - weeksAgo * week - n * 3_600_000).toISOString();
      const reference = `UB-SC${n + 2}-A${n + 2}B`;
      const customerKey = `T0070${n}`;
      return session.bot.cosmos.containers.cases.items.create(
        sampleIncident({
          id: reference,
          reference,
          customerKey,
          customerRef: customerKey,
          submissionKey: reference,
          category,
          serviceArea,
          reportedAt,
          occurredAt: reportedAt,
        }),
      );
    }),
  );
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let session: Session | undefined;
  const stop = async () => {
    await session?.stop();
    process.exit(1);
  };
  // A signal handler cannot be awaited, and stop() ends the process itself.
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  try {
    // At this width the Playground folds its chat list away, so the chat pane is the whole width (the user's messages
    // sit at its right edge); tall enough that the whole incident form is on screen at once.
    session = await startSession({ width: WIDTH, height: 2300 });
    const p = session.page;
    await p.getByTitle('Toggle Log Panel').click();
    await p.getByText('Log Panel', { exact: true }).waitFor({ state: 'hidden' });

    await send(p, 'help');
    await shoot(p, cardWith(p, 'What I can do'), 'help.png', { withCommand: true });

    await send(p, 'report');
    const form = cardWith(p, 'Report unacceptable behaviour');
    await form.getByRole('button', { name: 'Submit report' }).waitFor();
    await fillIncidentForm(p, form, {
      customerRef: CUSTOMER,
      customerName: 'Jordan Example',
      channel: 'Visit or meeting at the customer’s home',
      serviceArea: 'Income and Tenancy Support',
      behaviours: ['Intimidation or threatening behaviour towards staff members by any means'],
      description: 'Customer shouted and said he would hit me with a hammer if I came back about the arrears.',
      safetyFlags: ['Threat of violence'],
      vulnerability: 'Don’t know',
    });
    await p.locator('body').click({ position: { x: 5, y: 5 } }); // no focus ring in the picture
    await shoot(p, form, 'incident-form.png', { withCommand: true });

    await form.getByRole('button', { name: 'Submit report' }).click();
    const confirmation = cardWith(p, 'Report received. Thank you.');
    await confirmation.getByText(REFERENCE).waitFor();
    // The Playground's own "Your response was sent to the app" banner is not part of the card.
    const banner = p.getByRole('button', { name: 'Dismiss Invoke Message' });
    if (await banner.count()) await banner.first().click();
    await shoot(p, confirmation, 'confirmation.png', { withCommand: true });

    // Alex reported that one, so he may not decide it (docs/rules.md#R-signoff-independent). Megan reports another §5.1
    // incident in Income and Tenancy Support, straight to the bot: its Head of Service, Alex, gets the sign-off card.
    const asMegan = activityFor(session.playgroundUrl, 'invoke', 'megan', {
      name: 'adaptiveCard/action',
      value: {
        action: {
          type: 'Action.Execute',
          verb: 'incident.submit',
          data: violentIncident('screenshot-form-0001', { serviceArea: 'income', customerRef: 'T009001' }),
        },
      },
    });
    const reported = await fetch(`${session.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(asMegan),
    });
    if (reported.status !== 200) throw new Error(`Megan's report answered ${reported.status}`);
    const request = cardWith(p, 'Head of Service sign-off needed');
    await request.getByRole('button', { name: 'Open' }).click();
    const decide = cardWith(p, 'Your decision is needed');
    await decide.getByRole('button', { name: 'Approve…' }).waitFor();
    await decide.getByRole('button', { name: 'Reject…' }).waitFor();
    if (await banner.count()) await banner.first().click();
    await p.locator('body').click({ position: { x: 5, y: 5 } });
    await shoot(p, decide, 'signoff.png', { withCommand: false });

    await send(p, `check ${CUSTOMER}`);
    const check = cardWith(p, `Customer ${CUSTOMER}`);
    await check.getByText('Visit in pairs only.', { exact: true }).waitFor();
    await shoot(p, check, 'check.png', { withCommand: true });

    // The weekly digest in the team's channel: last week's and the week before's reports (stored as the bot stores them),
    // beside the measures the reports above put in force and the sign-off still waiting.
    await seedEarlierReports(session);
    await postInChannel(p, 'digest subscribe');
    await p
      .getByText(/this channel now gets the weekly digest/)
      .first()
      .waitFor();
    await postInChannel(p, 'digest preview');
    const digest = cardWith(p, 'Weekly digest: all service areas');
    await digest.getByText('New incidents').first().waitFor();
    await shoot(p, digest, 'digest.png', { withCommand: false });
  } finally {
    await session?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
