/**
 * The decider cards at phone width (360 px), outside the Playground: the `adaptivecards` library's own browser bundle
 * renders a card into a 360 px container in headless Chromium, with a host config close to Teams', and the page is
 * measured for anything that overflows or is clipped. Shared by phone.test.ts and `npm run screenshots:phone` (this
 * file, run directly), which writes test/playground/screenshots/decider*-phone.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { appealDecideCard } from '../../src/app/appeals/views';
import { reviewCard } from '../../src/app/reviews/views';
import { signOffDecideCard, type SignOffPeople } from '../../src/app/signoff/views';
import type { AdaptiveCard } from '../../src/cards/render';
import type { Appeal } from '../../src/domain/appeal';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import type { Incident } from '../../src/domain/records';
import { sampleIncident, TEST_POLICY_VERSION } from '../support/fixtures';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS, REPO_ROOT } from './support';

export const PHONE_WIDTH = 360;
export const SCREENSHOTS = path.join(__dirname, 'screenshots');

/**
 * Close to Teams' light theme (the Adaptive Cards designer's "Microsoft Teams" host): Segoe UI or the system font,
 * 12/14/14/18/24 px text, 16 px card padding, inline ShowCard steps in an emphasis container, buttons side by side.
 * What the chat around the card adds is TEAMS_HOST_CSS below.
 */
export const TEAMS_HOST_CONFIG = {
  supportsInteractivity: true,
  fontTypes: {
    default: {
      fontFamily: "'Segoe UI', system-ui, -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', sans-serif",
      fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 200, default: 400, bolder: 600 },
    },
    monospace: {
      fontFamily: "Consolas, 'Courier New', monospace",
      fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 200, default: 400, bolder: 600 },
    },
  },
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E1DFDD' },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7', subtle: '#7F85F5' },
        good: { default: '#237B4B', subtle: '#3B8A5F' },
        warning: { default: '#835B00', subtle: '#9A6D00' },
        attention: { default: '#C4314B', subtle: '#D1546A' },
      },
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        attention: { default: '#C4314B', subtle: '#D1546A' },
      },
    },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
  adaptiveCard: { allowCustomStyle: false },
} as const;

/** One thing that does not fit: which element, what it says, and how it does not fit. */
export interface Overflow {
  element: string;
  text: string;
  problem: string;
}

/** What the page sees of the library (the project has no DOM typings: the little used in the page is typed here). */
interface Rect {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  className: string;
  textContent: string | null;
  clientWidth: number;
  scrollWidth: number;
  getBoundingClientRect(): Rect;
  querySelectorAll(selector: string): ArrayLike<El>;
  replaceChildren(...nodes: unknown[]): void;
  appendChild(node: unknown): void;
}
interface Doc {
  getElementById(id: string): El | null;
  scrollingElement: El;
  createTreeWalker(root: El, whatToShow: number): { nextNode(): { textContent: string | null; parentElement: El } | null };
  createRange(): { selectNodeContents(node: unknown): void; getClientRects(): ArrayLike<Rect> };
}
interface AcCard {
  hostConfig: unknown;
  onExecuteAction: (action: unknown) => void;
  parse(json: unknown): void;
  render(): unknown;
}
interface AcLib {
  AdaptiveCard: new () => AcCard;
  HostConfig: new (json: unknown) => unknown;
}

const HOST_ID = 'phone-card';

/**
 * What the chat around a card adds, beside the host config:
 * - Teams' (and the Playground's) card host sets `overflow-wrap: break-word`, which the card's text inherits, so that a
 *   long unbroken word breaks rather than overflows (the library alone does not do this for RichTextBlock text);
 * - Segoe UI, which Debian lacks: its fallback, DejaVu Sans, is about 10% wider, enough to cut off button titles that
 *   fit in Teams. DejaVu Sans Condensed (Debian's fonts-dejavu-extra) is close to Segoe UI's widths, so it stands in;
 * - Teams styles buttons itself; the library's stylesheet, which stands in for that, adds a chevron to ShowCard buttons
 *   from an icon font that neither Teams nor Debian has (it shows as an empty box): left out.
 */
export const TEAMS_HOST_CSS = `
@font-face { font-family: 'Segoe UI'; font-weight: 100 500; src: local('Segoe UI'), local('DejaVu Sans Condensed'); }
@font-face { font-family: 'Segoe UI'; font-weight: 600 900; src: local('Segoe UI Semibold'), local('DejaVu Sans Condensed Bold'); }
#${HOST_ID} { width: ${PHONE_WIDTH}px; box-sizing: border-box; overflow-wrap: break-word; }
#${HOST_ID} .ac-pushButton.expandable:after { content: none; }`;

const PAGE = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>html, body { margin: 0; background: #fff; } ${TEAMS_HOST_CSS}</style>
</head><body><div id="${HOST_ID}"></div></body></html>`;

/** A 360 px wide page with the Adaptive Cards renderer loaded; one per browser, reused for every card. */
export interface Phone {
  page: Page;
  /** The 360 px container the card is rendered into. */
  host: Locator;
  /** Renders a card (replacing the one shown) and waits until it is laid out. */
  render(card: object): Promise<void>;
  /** What overflows or is clipped in the container right now (empty when everything fits). */
  overflows(): Promise<Overflow[]>;
  /** The titles of the card's ShowCard steps (its Action.ShowCard buttons), in order. */
  steps(): Promise<string[]>;
  /** Opens a step by its button title and waits until its card is shown; returns that card. */
  openStep(title: string): Promise<Locator>;
  /**
   * Sends the open step without filling it in (its confirm button): where it has required inputs, waits until their
   * error messages are shown and returns true; false when it has none (nothing is sent either way).
   */
  sendStepEmpty(step: Locator): Promise<boolean>;
  close(): Promise<void>;
}

/** Launches Debian's Chromium (as support.ts does) with one 360 px page; no request leaves the page. */
export async function openPhone(): Promise<Phone> {
  assertChromium();
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({
      viewport: { width: PHONE_WIDTH, height: 740 },
      locale: 'en-GB',
    });
    context.setDefaultTimeout(10_000);
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(PAGE);
    // tsx names the functions it compiles with a helper the page does not have; functions passed to evaluate() use it.
    await page.addScriptTag({ content: 'globalThis.__name = (f) => f;' });
    const dist = path.join(REPO_ROOT, 'node_modules/adaptivecards/dist');
    await page.addStyleTag({ path: path.join(dist, 'adaptivecards.css') });
    await page.addScriptTag({ path: path.join(dist, 'adaptivecards.min.js') });
    await page.waitForFunction(() => typeof (globalThis as { AdaptiveCards?: unknown }).AdaptiveCards === 'object');
    await assertSegoeUi(page);
    const host = page.locator(`#${HOST_ID}`);
    const stepButtons = host.locator('.ac-pushButton[aria-expanded]');
    const titled = (title: string) => ({ hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) });

    return {
      page,
      host,
      async render(card) {
        await page.evaluate(
          ({ json, hostConfig, id }) => {
            const AC = (globalThis as unknown as { AdaptiveCards: AcLib }).AdaptiveCards;
            const doc = (globalThis as unknown as { document: Doc }).document;
            const ac = new AC.AdaptiveCard();
            ac.hostConfig = new AC.HostConfig(hostConfig);
            ac.onExecuteAction = () => undefined;
            ac.parse(json);
            const rendered = ac.render();
            if (!rendered) throw new Error('adaptivecards rendered nothing');
            const target = doc.getElementById(id)!;
            target.replaceChildren();
            target.appendChild(rendered);
          },
          { json: card, hostConfig: TEAMS_HOST_CONFIG, id: HOST_ID },
        );
        await host.locator('.ac-adaptiveCard').first().waitFor({ state: 'visible' });
      },
      overflows: () => page.evaluate(findOverflows, HOST_ID),
      async steps() {
        return (await stepButtons.allInnerTexts()).map((t) => t.trim());
      },
      async openStep(title) {
        const button = stepButtons.filter(titled(title));
        if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
        await stepButtons.and(page.locator('[aria-expanded="true"]')).filter(titled(title)).waitFor();
        // The step's own card: inside the card, under the buttons (only the open step's is laid out).
        const step = host.locator('.ac-adaptiveCard .ac-adaptiveCard').filter({ visible: true }).last();
        await step.waitFor({ state: 'visible' });
        return step;
      },
      async sendStepEmpty(step) {
        const required = await step.locator('.ac-input-required').all();
        if (!required.length) return false;
        for (const input of required) await input.fill('');
        await step.locator('.ac-pushButton').last().click();
        await step.locator('.ac-input-validation-failed').first().waitFor({ state: 'visible' });
        return true;
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
}

/** Segoe UI, or its stand-in, must be there: with DejaVu Sans instead, button titles that fit in Teams are cut off. */
async function assertSegoeUi(page: Page): Promise<void> {
  const failed = await page.evaluate(async () => {
    interface FontFaceSet extends Iterable<{ weight: string; status: string }> {
      load(font: string): Promise<unknown>;
    }
    const fonts = (globalThis as unknown as { document: { fonts: FontFaceSet } }).document.fonts;
    await Promise.allSettled(['400 14px "Segoe UI"', '600 14px "Segoe UI"'].map((f) => fonts.load(f)));
    return Array.from(fonts)
      .filter((f) => f.status !== 'loaded')
      .map((f) => f.weight);
  });
  if (failed.length)
    throw new Error(
      `Neither Segoe UI nor its stand-in DejaVu Sans Condensed (weights ${failed.join(', ')}) is installed: ` +
        'apt-get install -y --no-install-recommends fonts-dejavu-extra',
    );
}

/**
 * Runs in the page. Everything laid out in the container (elements and lines of text) must stay between its left and
 * right edges, and nothing may scroll or clip sideways (scrollWidth > clientWidth: a scrollbar, or text cut off or
 * ended with "…"), nor may the page itself scroll sideways.
 */
function findOverflows(id: string): Overflow[] {
  const doc = (globalThis as unknown as { document: Doc }).document;
  const win = globalThis as unknown as { getComputedStyle(el: El): { overflowX: string } };
  const root = doc.getElementById(id)!;
  const box = root.getBoundingClientRect();
  const SLACK = 0.5; // sub-pixel rounding
  const out: Overflow[] = [];
  const describe = (el: El) => {
    if (el === root) return `the ${Math.round(box.width)} px container`;
    const classes = el.className
      .split(/\s+/)
      .filter((c) => c.startsWith('ac-'))
      .slice(0, 3);
    return [el.tagName.toLowerCase(), ...classes].join('.');
  };
  const snippet = (s: string | null) => {
    const t = (s ?? '').replace(/\s+/g, ' ').trim();
    return t.length > 60 ? `${t.slice(0, 60)}…` : t;
  };
  const all = [root, ...Array.from(root.querySelectorAll('*'))];
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; // not laid out: a closed step
    if (r.right > box.right + SLACK || r.left < box.left - SLACK)
      out.push({
        element: describe(el),
        text: snippet(el.textContent),
        problem: `spans x ${Math.round(r.left)}–${Math.round(r.right)}, outside the ${Math.round(box.width)} px container`,
      });
    // The container may not scroll; inside it, only what clips or scrolls counts (a ShowCard step bleeds to the card's
    // edges with negative margins, past its parent's box but not past the container's, which the check above sees).
    const clips = el === root || win.getComputedStyle(el).overflowX !== 'visible';
    if (clips && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      out.push({
        element: describe(el),
        text: snippet(el.textContent),
        problem: `content ${el.scrollWidth} px wide in ${el.clientWidth} px (scrolls or clips sideways)`,
      });
  }
  // Lines of text, wherever they are: text cut off by a clipping ancestor leaves no other trace.
  const SHOW_TEXT = 4; // NodeFilter.SHOW_TEXT
  const walker = doc.createTreeWalker(root, SHOW_TEXT);
  const range = doc.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    range.selectNodeContents(node);
    const lines = Array.from(range.getClientRects()).filter((l) => l.width > 0);
    const wide = lines.find((l) => l.right > box.right + SLACK || l.left < box.left - SLACK);
    if (wide)
      out.push({
        element: `text in ${describe(node.parentElement)}`,
        text: snippet(node.textContent),
        problem: `a line spans x ${Math.round(wide.left)}–${Math.round(wide.right)}, outside the container`,
      });
  }
  const page = doc.scrollingElement;
  if (page.scrollWidth > page.clientWidth)
    out.push({ element: 'page', text: '', problem: `the page scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth} px` });
  return out;
}

/**
 * What is wrong in each state of a card: as sent; then with each ShowCard step open in turn; and that step sent
 * without its required inputs, which shows their error messages under them.
 */
export async function overflowsInEveryState(phone: Phone, card: object): Promise<{ state: string; overflows: Overflow[] }[]> {
  await phone.render(card);
  const states = [{ state: 'as shown', overflows: await phone.overflows() }];
  for (const title of await phone.steps()) {
    const step = await phone.openStep(title);
    states.push({ state: `with "${title}" open`, overflows: await phone.overflows() });
    if (await phone.sendStepEmpty(step))
      states.push({ state: `with "${title}" sent empty (error messages shown)`, overflows: await phone.overflows() });
  }
  return states;
}

/** A readable list of what does not fit, for a failure message. */
export function report(name: string, states: { state: string; overflows: Overflow[] }[]): string {
  return states
    .filter((s) => s.overflows.length)
    .map((s) => `${name}, ${s.state}:\n${s.overflows.map((o) => `  ${o.element} "${o.text}": ${o.problem}`).join('\n')}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------------------
// The decider cards, with realistic data and with the worst texts people can type.

const REALISTIC_PEOPLE: SignOffPeople = {
  approverName: 'Megan Bowen (Head of Service)',
  deputyName: 'Adele Vance (deputy)',
  serviceAreaName: 'Housing Management',
  userIds: ['29:megan'],
};

/** Four incidents, newest first: a §5.1 home visit, a threat by phone, two earlier visits. */
function realisticIncidents(): Incident[] {
  return [
    sampleIncident(),
    sampleIncident({
      id: 'inc-2',
      reference: 'UB-6PD-2XR',
      occurredAt: '2026-11-02T14:15:00.000Z',
      channel: 'phone',
      behaviours: ['intimidation-threats'],
      description: 'Called the repairs line and said he knew where I lived and would be waiting for me after work.',
      safetyFlags: ['threat-of-violence'],
      vulnerability: { known: 'yes', note: 'Says he is waiting for a mental health assessment.' },
    }),
    sampleIncident({ id: 'inc-3', reference: 'UB-3TW-9KM', occurredAt: '2026-10-12T09:30:00.000Z' }),
    sampleIncident({ id: 'inc-4', reference: 'UB-8QH-4VN', occurredAt: '2026-09-01T16:00:00.000Z' }),
  ];
}

/** The §5.1 interim pairs-visit marker on `incidents` (newest first), review due six months after the first report. */
function pairsVisit(incidents: Incident[], overrides: Partial<Measure> = {}): Measure {
  const base = interimPairsVisit(incidents[0]!, { approverId: 'hos', deputyId: 'dep' })!;
  return { ...base, incidentRefs: incidents.map((i) => i.reference).reverse(), ...overrides };
}

/** Signed off and in force. */
const IN_FORCE: Partial<Measure> = { status: 'active', interim: false, vulnerabilitiesConsidered: 'Asked the tenancy officer; none known.' };

/** Long unbroken words (a URL, an email address, a reference pasted without spaces) and long names, everywhere typed. */
export const UNBROKEN = 'https://housing.example.org/cases/T004512/incidents/UB-7K3-M9Q/attachments/photo-of-the-door-frame-2026-11-20.jpg';
const LONG_WORD = 'Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const LONG_NAME = 'Bartholomew-Maximilian Featherstonehaugh-Cholmondeley-Wolstenholme';
const long = (what: string) => `${what} ${UNBROKEN} ${LONG_WORD} jordan.example-featherstonehaugh@housing-association.example.org.uk`;

const WORST_PEOPLE: SignOffPeople = {
  approverName: `${LONG_NAME} (Head of Service)`,
  deputyName: `${LONG_NAME}-Smythe (deputy)`,
  serviceAreaName: `Income and Tenancy Support and ${LONG_WORD}`,
  userIds: ['29:megan'],
};

function worstIncidents(): Incident[] {
  return [1, 2, 3, 4].map((n) =>
    sampleIncident({
      id: `inc-${n}`,
      reference: `UB-AAA-00${n}`,
      customerName: LONG_NAME,
      reporter: { id: `user-${n}`, name: LONG_NAME },
      description: long(`Account ${n}:`),
      vulnerability: { known: 'yes', note: long('Note:') },
    }),
  );
}

const WORST_MEASURE: Partial<Measure> = {
  customerKey: 'TEN/00045120-0001-AB', // the longest a customer reference can be (20)
  reasons: long('Reasons:'),
  vulnerabilitiesConsidered: long('Checked with'),
  noNotificationJustification: long('Not told because'),
  proposedBy: { id: 'user-9', name: LONG_NAME },
};

/** The sign-off decider card for a §5.1 interim pairs-visit marker resting on four incidents, three read in full. */
export function realisticSignOffCard(): AdaptiveCard {
  const incidents = realisticIncidents();
  return signOffDecideCard(pairsVisit(incidents), REALISTIC_PEOPLE, incidents.slice(0, 3));
}

export function worstSignOffCard(): AdaptiveCard {
  const incidents = worstIncidents();
  return signOffDecideCard(pairsVisit(incidents, WORST_MEASURE), WORST_PEOPLE, incidents.slice(0, 3), long('That decision could not be saved:'));
}

/** An appeal by a representative, by letter, a week after the marker was signed off; decided a few days later. */
const APPEAL_NOW = new Date('2026-11-30T10:00:00.000Z');
function appealAgainst(m: Measure, overrides: Partial<Appeal> = {}): Appeal {
  return {
    type: 'appeal',
    id: `${m.id}:appeal:1`,
    customerKey: m.customerKey,
    measureId: m.id,
    measureKind: m.kind,
    status: 'open',
    appellant: { kind: 'representative', name: 'Jo Advocate (Citizens Advice)' },
    channel: 'letter',
    receivedOn: '2026-11-27',
    dueOn: '2026-12-11',
    grounds:
      'He was not at home on 20 November: he was in hospital, and the visit notes name his brother. Visiting in pairs tells the neighbours he is dangerous.',
    recordedBy: { id: 'cm-1', name: 'Alex Wilber' },
    recordedAt: '2026-11-27T15:20:00.000Z',
    approverId: 'hos',
    deputyId: 'dep',
    decision: null,
    withdrawn: null,
    policyVersion: TEST_POLICY_VERSION,
    ...overrides,
  };
}

export function realisticAppealCard(): AdaptiveCard {
  const incidents = realisticIncidents();
  const measure = pairsVisit(incidents, IN_FORCE);
  return appealDecideCard(
    { appeal: appealAgainst(measure), measure, replacement: null, people: REALISTIC_PEOPLE },
    incidents.slice(0, 3),
    APPEAL_NOW,
  );
}

export function worstAppealCard(): AdaptiveCard {
  const incidents = worstIncidents();
  const measure = pairsVisit(incidents, { ...IN_FORCE, ...WORST_MEASURE });
  const appeal = appealAgainst(measure, {
    appellant: { kind: 'representative', name: LONG_NAME },
    grounds: long('Grounds:'),
    recordedBy: { id: 'cm-1', name: LONG_NAME },
  });
  return appealDecideCard({ appeal, measure, replacement: null, people: WORST_PEOPLE }, incidents.slice(0, 3), APPEAL_NOW, long('Not decided:'));
}

/** The six-monthly review (§8) of the marker, signed off and in force, a week before it is due. */
const REVIEW_NOW = new Date('2027-05-13T09:00:00.000Z');

export function realisticReviewCard(): AdaptiveCard {
  const incidents = realisticIncidents();
  return reviewCard(pairsVisit(incidents, IN_FORCE), incidents.slice(0, 3), ['29:megan'], REVIEW_NOW);
}

export function worstReviewCard(): AdaptiveCard {
  const incidents = worstIncidents();
  const measure = pairsVisit(incidents, { ...IN_FORCE, ...WORST_MEASURE });
  return reviewCard(measure, incidents.slice(0, 3), ['29:megan'], REVIEW_NOW, long('Not recorded:'));
}

/** A decider card to check at 360 px and to picture: its realistic and worst-case forms, and the step pictured open. */
export interface DeciderCard {
  name: string;
  /** In test/playground/screenshots/. */
  screenshot: string;
  /** The title of the step pictured open. */
  open: string;
  realistic: () => AdaptiveCard;
  worst: () => AdaptiveCard;
}

/**
 * Every decider card (src/app/decisions/views.ts `decisionCard`). Another one is one line here: the test checks it
 * and `npm run screenshots:phone` pictures it. Without domain data for its worst case, `worst: () => stressed(card())`.
 */
export const DECIDER_CARDS: DeciderCard[] = [
  { name: 'sign-off', screenshot: 'decider-phone.png', open: 'Approve…', realistic: realisticSignOffCard, worst: worstSignOffCard },
  { name: 'appeal', screenshot: 'decider-appeal-phone.png', open: 'Uphold…', realistic: realisticAppealCard, worst: worstAppealCard },
  { name: 'review', screenshot: 'decider-review-phone.png', open: 'Continue…', realistic: realisticReviewCard, worst: worstReviewCard },
];

/** Any card with every text, fact and prefilled input made worst-case (for cards without domain data of their own). */
export function stressed(card: AdaptiveCard): AdaptiveCard {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const o = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    if ((o.type === 'TextRun' || o.type === 'TextBlock') && typeof o.text === 'string') o.text = long(o.text);
    if (o.type === 'Input.Text' && typeof o.value === 'string') o.value = long(o.value);
    return o;
  };
  return walk(card) as AdaptiveCard;
}

/**
 * `npm run screenshots:phone`: each decider card at 360 px, its `open` step open, to screenshots/. A card
 * that does not fit is pictured all the same (that is what a phone shows), and the run then fails, saying what.
 */
async function main(): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const phone = await openPhone();
  const problems: string[] = [];
  try {
    for (const d of DECIDER_CARDS) {
      await phone.render(d.realistic());
      await phone.openStep(d.open);
      problems.push(report(d.name, [{ state: `with "${d.open}" open`, overflows: await phone.overflows() }]));
      // No focus ring in the picture.
      await phone.page.evaluate(() =>
        (globalThis as unknown as { document: { activeElement: { blur(): void } | null } }).document.activeElement?.blur(),
      );
      await phone.host.screenshot({ path: path.join(SCREENSHOTS, d.screenshot), animations: 'disabled', caret: 'hide' });
      const { height } = (await phone.host.boundingBox())!;
      console.log(`${d.screenshot}: ${PHONE_WIDTH}×${Math.round(height)}`);
    }
  } finally {
    await phone.close();
  }
  const failed = problems.filter(Boolean);
  if (failed.length) throw new Error(`pictured, but does not fit at ${PHONE_WIDTH} px:\n${failed.join('\n')}`);
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
