/**
 * Benchmark (not a test).  npm run bench -- [--n 500] [--concurrency 10]
 *
 * Latency and throughput: the compiled bot runs in its own process (as in production, one core to itself); this
 * process holds what stands outside it in production: the Cosmos server (the embedded one, over HTTP), the fake Bot
 * Connector and the load generator. Scenarios: a bare `help` message (baseline), §5.1 incident submissions (which
 * also queue the Head of Service's sign-off cards, delivered by the bot's outbox meanwhile), Head of Service approval
 * clicks, and the delay from a decision to the reporter's notification arriving at the connector.
 *
 * Cosmos requests per operation are counted separately, in-process with the outbox dispatcher stopped, so its
 * background work does not blur the count.
 *
 * `--history`: the customer-history benchmark instead (test/bench/history.ts, its options there).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmbeddedCosmos } from '../../src/store/embedded';
import { FakeConnector } from '../support/connector';
import { PEOPLE, activityFor, cardText, startHarness, violentIncident, type PersonKey } from '../support/harness';
import { startChildBot } from './child-bot';
import { historyBench } from './history';
import { runConcurrent, summarise } from './stats';

const HISTORY = process.argv.includes('--history');
const { values } = parseArgs({
  options: { n: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '10' } },
  strict: !HISTORY, // history.ts parses its own options
});
const N = Number(values.n);
const C = Number(values.concurrency);

type Post = (activity: object) => Promise<{ status: number; body: { value?: unknown } | null }>;

function client(url: string, serviceUrl: string) {
  const post: Post = async (activity) => {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const activity = (type: string, who: PersonKey, extra: object) => activityFor(serviceUrl, type, who, extra);
  const ok = (status: number, what: string) => {
    if (status !== 200) throw new Error(`${what} answered ${status}`);
  };
  return {
    help: async (who: PersonKey = 'alex') => ok((await post(activity('message', who, { text: 'help' }))).status, 'help'),
    submit: async (formId: string, customerRef: string, reporter: PersonKey = 'alex', safetyFlags = 'weapon') => {
      const res = await post(
        activity('invoke', reporter, {
          name: 'adaptiveCard/action',
          value: {
            action: { type: 'Action.Execute', verb: 'incident.submit', data: violentIncident(formId, { customerRef, safetyFlags }) },
          },
        }),
      );
      ok(res.status, 'submit');
      const reference = /UB-\w{3}-\w{3}/.exec(cardText(res.body?.value))?.[0];
      if (!reference) throw new Error('submission was not recorded');
      return reference;
    },
    approve: async (reference: string, customerKey: string) => {
      const data = {
        measureId: `${reference}:pairs-visit`,
        customerKey,
        outcome: 'approve',
        vulnerabilitiesConsidered: 'None known after checking Active H.',
      };
      const res = await post(
        activity('invoke', 'megan', { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'signoff.decide', data } } }),
      );
      ok(res.status, 'approve');
      if (!cardText(res.body?.value).includes('Approved')) throw new Error('approval not recorded');
    },
  };
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function latency() {
  const cosmos = await startEmbeddedCosmos();
  const connector = await new FakeConnector().start();
  const bot = await startChildBot(cosmos.endpoint);
  const c = client(bot.url, connector.url);
  for (const who of ['alex', 'megan', 'adele', 'lynne'] as const) await c.help(who);
  await runConcurrent(100, C, () => c.help());
  await runConcurrent(50, C, async (i) => void (await c.submit(`warm-${i}-form`, `W${String(i).padStart(6, '0')}`)));

  console.error('latency: help');
  const help = await runConcurrent(N, C, () => c.help());
  console.error('latency: submissions without §5.1 flags');
  const plain = await runConcurrent(N, C, async (i) => void (await c.submit(`plain-${i}-form`, `Q${String(i).padStart(6, '0')}`, 'alex', '')));
  console.error('latency: §5.1 submissions');
  const cpuBefore = { bot: cpuSeconds(bot.process.pid!), harness: process.cpuUsage(), at: performance.now() };
  const refs: string[] = [];
  const submissions = await runConcurrent(N, C, async (i) => {
    refs[i] = await c.submit(`bench-${i}-form`, `B${String(i).padStart(6, '0')}`);
  });
  const wall = (performance.now() - cpuBefore.at) / 1000;
  const harnessCpu = process.cpuUsage(cpuBefore.harness);
  const cpu = {
    bot: Math.round(((cpuSeconds(bot.process.pid!) - cpuBefore.bot) / wall) * 100),
    harness: Math.round(((harnessCpu.user + harnessCpu.system) / 1e6 / wall) * 100),
  };
  console.error('latency: approvals');
  const approvals = await runConcurrent(N, C, (i) => c.approve(refs[i]!, `B${String(i).padStart(6, '0')}`));

  // Decision → notification at the connector, one at a time. Another reporter (Lynne), so her notices are not queued
  // behind the hundreds sent to Alex above: Teams' per-conversation rate limit applies to those, as it would in Teams.
  const lynnePath = `/v3/conversations/${encodeURIComponent(`a:personal-${PEOPLE.lynne.id}`)}/activities`;
  const delays: number[] = [];
  console.error('latency: decision → notification');
  for (let i = 0; i < 30; i++) {
    const customerKey = `D${String(i).padStart(6, '0')}`;
    const reference = await c.submit(`delay-${i}-form`, customerKey, 'lynne');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await c.approve(reference, customerKey);
    for (;;) {
      const told = connector.received.find(
        (r) => r.at >= t0 && r.path.startsWith(lynnePath) && JSON.stringify(r.body).includes(`customer ${customerKey}: approved`),
      );
      if (told) {
        delays.push(told.at - t0);
        break;
      }
      if (performance.now() - t0 > 60_000) throw new Error('notification not delivered within 60 s');
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  await bot.stop();
  await connector.stop();
  await cosmos.close();
  return { help, plain, submissions, approvals, delays, cpu };
}

/** Cosmos round trips per operation, counted at the embedded server with the outbox dispatcher stopped. */
async function cosmosCounts() {
  const h = await startHarness({ LOG_LEVEL: 'silent' });
  const c = client(h.bot.url, h.connector.url);
  for (const who of ['alex', 'megan', 'adele', 'lynne'] as const) await c.help(who);
  for (let i = 0; i < 10; i++) await c.approve(await c.submit(`cwarm-${i}-form`, `X${i}`), `X${i}`);
  await h.bot.dispatcher.stop();
  const count = async (n: number, op: (i: number) => Promise<unknown>) => {
    const before = h.bot.embedded!.requests();
    for (let i = 0; i < n; i++) await op(i);
    return (h.bot.embedded!.requests() - before) / n;
  };
  const refs: string[] = [];
  const result = {
    help: await count(50, () => c.help()),
    plain: await count(50, (i) => c.submit(`countplain-${i}-form`, `J${i}`, 'alex', '')),
    submission: await count(50, async (i) => (refs[i] = await c.submit(`count-${i}-form`, `K${i}`))),
    approval: await count(50, (i) => c.approve(refs[i]!, `K${i}`)),
  };
  await h.stop();
  return result;
}

async function main() {
  console.error('counting Cosmos requests');
  const counts = await cosmosCounts();
  const l = await latency();
  console.log(`node ${process.version}, ${N} requests per scenario, concurrency ${C}; latencies in ms; the bot in its own process (compiled)`);
  console.table([
    { scenario: 'help message (baseline)', ...summarise(l.help.latencies, l.help.elapsedMs), cosmosPerRequest: counts.help },
    { scenario: 'incident submission (no §5.1 flag)', ...summarise(l.plain.latencies, l.plain.elapsedMs), cosmosPerRequest: counts.plain },
    {
      scenario: 'incident submission (§5.1: + interim marker, 2 sign-off cards sent)',
      ...summarise(l.submissions.latencies, l.submissions.elapsedMs),
      cosmosPerRequest: counts.submission,
    },
    { scenario: 'approval click', ...summarise(l.approvals.latencies, l.approvals.elapsedMs), cosmosPerRequest: counts.approval },
  ]);
  console.log(
    `CPU during the §5.1 submissions (% of one core): bot ${l.cpu.bot}%, this process (embedded Cosmos + connector + load) ${l.cpu.harness}%`,
  );
  const d = summarise(l.delays, 1);
  console.log(`decision → reporter's notification at the connector (30 decisions, one at a time): p50 ${d.p50} ms, p95 ${d.p95} ms, max ${d.max} ms`);
}

(HISTORY ? historyBench(process.argv.slice(2)) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
