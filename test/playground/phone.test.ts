/**
 * The decider cards at phone width (360 px): rendered by the `adaptivecards` library in headless Chromium (Debian's,
 * via playwright-core) with a host config close to Teams' (phone.ts), nothing may overflow the 360 px container or be
 * cut off, as sent and with each ShowCard step open. The Playground itself cannot lay out that narrow (its chat pane
 * keeps 600 px), hence the bare renderer. One browser for the whole file.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DECIDER_CARDS, openPhone, overflowsInEveryState, PHONE_WIDTH, report, stressed, UNBROKEN, type Overflow, type Phone } from './phone';
import { digestFigures, type DigestRows } from '../../src/domain/digest';
import { chatUrlOf, digestCard } from '../../src/app/digest/views';

type States = { state: string; overflows: Overflow[] }[];

describe(`decider cards at phone width (${PHONE_WIDTH} px, adaptivecards in headless Chromium)`, function () {
  this.timeout(60_000);
  let phone: Phone | undefined;
  const open = () => {
    if (!phone) throw new Error('Chromium did not start');
    return phone;
  };

  /** Every state checked, and none with anything that does not fit. */
  const expectFits = (name: string, states: States, steps: string[]) => {
    expect(states.map((s) => s.state)).to.include.members(['as shown', ...steps.map((t) => `with "${t}" open`)]);
    expect(report(name, states), `${name} does not fit at ${PHONE_WIDTH} px`).to.equal('');
  };

  before(async function () {
    this.timeout(60_000);
    phone = await openPhone();
  });

  afterEach(async function () {
    // Leave the evidence: the card as it was when the check failed.
    if (this.currentTest?.state !== 'failed' || !phone) return;
    const file = path.join(tmpdir(), `ub-phone-failure-${Date.now()}.png`);
    await phone.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`  Screenshot at ${PHONE_WIDTH} px: ${file}`);
  });

  after(async () => {
    await phone?.close();
  });

  describe('the check itself', () => {
    it('reports a card wider than the phone: a ColumnSet of two fixed 300 px columns', async () => {
      const wide = {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          {
            type: 'ColumnSet',
            columns: ['Left', 'Right'].map((text) => ({ type: 'Column', width: '300px', items: [{ type: 'TextBlock', text, wrap: true }] })),
          },
        ],
      };
      const states = await overflowsInEveryState(open(), wide);
      const text = report('wide', states);
      expect(text)
        .to.include('the 360 px container "LeftRight": content 628 px wide in 360 px')
        .and.include('div.ac-container "Right": spans x 328–628, outside the 360 px container')
        .and.include('the page scrolls sideways');
    });

    it('reports what only a step shows, and text cut off rather than wrapped', async () => {
      const card = {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'TextBlock', text: 'Fits.', wrap: true }],
        actions: [
          {
            type: 'Action.ShowCard',
            title: 'Step',
            card: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: `Not wrapped: ${UNBROKEN}`, wrap: false }] },
          },
        ],
      };
      const states = await overflowsInEveryState(open(), card);
      expect(states.map((s) => [s.state, s.overflows.length > 0])).to.deep.equal([
        ['as shown', false],
        ['with "Step" open', true],
      ]);
      expect(report('step', states)).to.include('Not wrapped').and.include('scrolls or clips sideways');
    });
  });

  describe('the weekly digest card (docs/rules.md#R-digest-figures)', () => {
    const slot = new Date('2026-11-30T08:00:00Z');
    const area = (id: string, name: string) => ({ id, name, headOfService: 'hos', deputy: null, alternates: [] });
    const incident = (serviceArea: string, reportedAt: string) => ({ category: 'aggressive' as const, serviceArea, reportedAt });
    const card = (rows: DigestRows, areas: ReturnType<typeof area>[]) =>
      digestCard(digestFigures(rows, slot, null), areas, slot, chatUrlOf('9a4d1e6b-2c7f-4b83-a5d0-1e3f8c6b4a29')).card;

    it('fits with realistic counts for every service area, tables and the link included', async () => {
      const areas = [area('housing', 'Housing Management'), area('income', 'Income and Tenancy Support'), area('repairs', 'Repairs & Maintenance')];
      const incidents = Array.from({ length: 140 }, (_, i) =>
        incident(areas[i % 3]!.id, `2026-11-${String(16 + (i % 14)).padStart(2, '0')}T10:00:00.000Z`),
      );
      const states = await overflowsInEveryState(
        open(),
        card({ incidents, measures: [], appeals: [], failedNotices: [], overdueLetters: [], incomplete: false }, areas),
      );
      expectFits('digest', states, []);
    });

    it('wraps the longest area names, unbroken, and counts in the millions', async () => {
      const areas = Array.from({ length: 20 }, (_, i) => area(`area-${i}`, `${UNBROKEN}-${i}`));
      const incidents = areas.flatMap((a) => Array.from({ length: 3 }, () => incident(a.id, '2026-11-24T10:00:00.000Z')));
      const figures = digestFigures({ incidents, measures: [], appeals: [], failedNotices: [], overdueLetters: [], incomplete: true }, slot, null);
      const many = { reporting: 1_234_567, previous: 7_654_321 };
      const huge = {
        ...figures,
        incidents: { ...figures.incidents, total: many, byCategory: { aggressive: many, demands: many, persistence: many } },
      };
      const states = await overflowsInEveryState(open(), digestCard(huge, areas, slot, chatUrlOf('9a4d1e6b-2c7f-4b83-a5d0-1e3f8c6b4a29')).card);
      expectFits('digest (worst case)', states, []);
    });
  });

  for (const d of DECIDER_CARDS) {
    describe(`the ${d.name} decider card`, () => {
      it('fits with realistic data, as sent, with each step open and each step sent empty', async () => {
        const states = await overflowsInEveryState(open(), d.realistic());
        expect(await open().steps()).to.include(d.open);
        expectFits(d.name, states, await open().steps());
        expect(
          states.some((s) => s.state.includes('sent empty')),
          'a step with required inputs',
        ).to.equal(true);
      });

      it('wraps the longest names and unbroken words people can type (URLs, email addresses, pasted references)', async () => {
        const states = await overflowsInEveryState(open(), d.worst());
        expectFits(`${d.name} (worst case)`, states, await open().steps());
      });

      it('wraps whatever its texts and prefilled inputs say (every text made worst-case)', async () => {
        const states = await overflowsInEveryState(open(), stressed(d.realistic()));
        expectFits(`${d.name} (every text stressed)`, states, await open().steps());
      });
    });
  }
});
