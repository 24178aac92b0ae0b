/**
 * Shared setup for the browser test and the README screenshots: the real bot in-process, the Microsoft 365 Agents
 * Playground CLI as a child process, and Debian's Chromium driven by playwright-core. Everything on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { start, type Running } from '../../src/index';
import { createLogger } from '../../src/log';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PLAYGROUND_CLI = path.join(REPO_ROOT, 'node_modules/@microsoft/m365agentsplayground/cli.js');

/** Flags from shared/LOCAL-TOOLING.md: no background traffic, which the closed network refuses. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Long enough for a cold embedded Cosmos + a card round trip on a loaded 2-core CI machine. */
export const UI_TIMEOUT = 20_000;

export interface Session {
  bot: Running;
  playgroundUrl: string;
  page: Page;
  /** What the Playground CLI printed (for failure messages). */
  playgroundLog(): string;
  /** Stops everything that was started; safe to call twice and after a partial start. */
  stop(): Promise<void>;
}

export function assertChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y --no-install-recommends chromium; ` +
        `.ci/run does this in CI) or set CHROMIUM_PATH.`,
    );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Playground {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts the Playground CLI in the repo root (so .m365agentsplayground.yml applies) and waits for "Listening on N". */
async function startPlayground(botUrl: string, logFile: string, onChild: (c: ChildProcess) => void): Promise<Playground> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [PLAYGROUND_CLI, '-e', `${botUrl}/api/messages`, '-c', 'msteams', '-p', String(port), '--disable-telemetry'],
    {
      cwd: REPO_ROOT,
      // Its log goes to our temp dir, not to ./devTools/ in the repo.
      env: { ...process.env, APPLICATION_INSIGHTS_NO_STATSBEAT: 'true', TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: logFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  onChild(child);
  let out = '';
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Playground did not start within 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      // It falls back to a random port if ours was taken in the meantime, so read the port it reports.
      const m = /Listening on (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Playground exited (${code ?? signal}) before listening:\n${out}`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  const actual = await listening;
  return { url: `http://127.0.0.1:${actual}`, child, output: () => out };
}

async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

const isLoopback = (url: string): boolean => {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname);
  } catch {
    return false;
  }
};

/** Bot + Playground + Chromium, with the Playground's personal chat open. */
export async function startSession(viewport = { width: 1280, height: 900 }): Promise<Session> {
  assertChromium();
  let bot: Running | undefined;
  let child: ChildProcess | undefined;
  let context: BrowserContext | undefined;
  const scratch = mkdtempSync(path.join(tmpdir(), 'ub-playground-'));
  let stopped = false;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const errors: unknown[] = [];
    const attempt = async (f: () => Promise<unknown> | undefined) => {
      try {
        await f();
      } catch (e) {
        errors.push(e);
      }
    };
    await attempt(() => context?.close());
    await attempt(() => killChild(child));
    await attempt(() => bot?.close());
    rmSync(scratch, { recursive: true, force: true });
    process.removeListener('exit', killOnExit);
    if (errors.length) throw errors[0];
  };

  try {
    bot = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), {
      log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    });
    const playground = await startPlayground(bot.url, path.join(scratch, 'm365agentsplayground.log'), (c) => (child = c));

    // A persistent context is how playwright takes a user-data dir; it is fresh and removed in stop(). Closing it ends Chromium.
    context = await chromium.launchPersistentContext(path.join(scratch, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
    });
    // The page asks a CDN for fonts: only loopback is allowed out.
    await context.route('**/*', (route) => (isLoopback(route.request().url()) ? route.continue() : route.abort()));
    context.setDefaultTimeout(UI_TIMEOUT);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(playground.url, { waitUntil: 'domcontentloaded' });
    await composer(page).waitFor({ state: 'visible', timeout: 60_000 });
    // The bot's welcome card (sent when the Playground installs it) proves the round trip works before any test step.
    await cardWith(page, WELCOME).waitFor({ timeout: 60_000 });
    return { bot, playgroundUrl: playground.url, page, playgroundLog: playground.output, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

export const WELCOME = 'Hello. I help you report and check unacceptable customer behaviour.';
/** Incident references as the bot makes them (src/domain/reference.ts). */
export const REFERENCE = /UB-[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}/;

export const composer = (page: Page): Locator => page.locator('div[role="textbox"][contenteditable="true"]');

/** Types a message in the composer and sends it. */
export async function send(page: Page, text: string): Promise<void> {
  const box = composer(page);
  await box.click();
  await box.fill(text);
  await page.getByRole('button', { name: 'Send Message' }).click();
}

/** The last Adaptive Card in the chat that contains `text` (case-sensitive, unlike playwright's plain-string hasText). */
export function cardWith(page: Page, text: string | RegExp): Locator {
  const pattern = typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text;
  return page.locator('.ac-adaptiveCard').filter({ hasText: pattern }).last();
}

/**
 * Opens the team's General channel and starts a new post there that @mentions the bot (in a channel the bot hears only
 * what mentions it): the mention is picked from the composer's suggestions, as a person does.
 */
export async function postInChannel(page: Page, text: string): Promise<void> {
  const channel = page.locator('button[aria-label="Housing Management - General"]').first();
  // At narrow widths the Playground folds its list of chats away: open it to pick the channel.
  const where = await channel.boundingBox();
  if (!where || where.x < 0) await page.getByRole('button', { name: 'Toggle app bar and conversation window' }).click();
  await channel.click();
  const box = composer(page).first(); // "Start a new post"; each post below has a reply box of its own
  await box.click();
  await box.pressSequentially('@Unacc');
  await page.getByRole('listbox').getByText('Unacceptable Behaviour', { exact: true }).first().click();
  await box.pressSequentially(` ${text}`);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
}

export interface IncidentInput {
  customerRef: string;
  customerName: string;
  /** Option titles as the card shows them. */
  channel: string;
  serviceArea: string;
  behaviours: string[];
  description: string;
  safetyFlags: string[];
  vulnerability: 'Yes' | 'No' | 'Don’t know';
}

/** Picks an option of a compact Input.ChoiceSet (a Fluent UI Combobox; its listbox is rendered outside the card). */
async function choose(page: Page, form: Locator, label: RegExp, option: string): Promise<void> {
  const box = form.getByRole('combobox', { name: label });
  await box.click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.getByRole('listbox').waitFor({ state: 'hidden' });
  const shown = await box.inputValue();
  if (shown !== option) throw new Error(`combobox ${String(label)} shows "${shown}", expected "${option}"`);
}

/** Fills the incident form card through its Fluent UI controls. */
export async function fillIncidentForm(page: Page, form: Locator, input: IncidentInput): Promise<void> {
  await form.getByRole('textbox', { name: /Customer or tenancy reference/ }).fill(input.customerRef);
  await form.getByRole('textbox', { name: /Customer name/ }).fill(input.customerName);
  await choose(page, form, /Where or how/, input.channel);
  await choose(page, form, /Your service area/, input.serviceArea);
  // Expanded multi-select ChoiceSets: one checkbox per choice, whose aria-label is the choice title.
  for (const b of input.behaviours) await form.locator(`input[type="checkbox"][aria-label="${b}"]`).check();
  await form.getByRole('textbox', { name: /What happened, in your words/ }).fill(input.description);
  for (const f of input.safetyFlags) await form.locator(`input[type="checkbox"][aria-label="${f}"]`).check();
  await form
    .getByRole('radiogroup', { name: /vulnerability or reasonable adjustment/ })
    .getByRole('radio', { name: input.vulnerability, exact: true })
    .check();
}
