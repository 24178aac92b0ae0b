/**
 * Benchmark (not a test): a flood of reads with incident reports arriving meanwhile.  npm run bench:flood [-- --checks 2000]
 *
 * The compiled bot runs in its own process against the embedded Cosmos server (in this process, with the fake Bot
 * Connector and the load). `--checks` `check` messages are sent all at once; meanwhile 100 §5.1 incident submissions
 * go in, 5 at a time. What matters: submissions keep their latency and all succeed; admitted checks keep theirs; the
 * rest are refused at once with 503 + Retry-After instead of everything slowing down together.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedCosmos } from '../../src/store/embedded';
import { FakeConnector } from '../support/connector';
import { activityFor, violentIncident } from '../support/harness';
import { startChildBot } from './child-bot';
import { runConcurrent, summarise } from './stats';

const { values } = parseArgs({ options: { checks: { type: 'string', default: '2000' }, submissions: { type: 'string', default: '100' } } });

async function post(url: string, activity: object): Promise<{ status: number; ms: number; text: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    return { status: res.status, text: await res.text(), ms: performance.now() - t0 };
  } catch {
    return { status: 0, text: '', ms: performance.now() - t0 }; // connection refused or reset
  }
}

async function main() {
  const cosmos = await startEmbeddedCosmos();
  const connector = await new FakeConnector().start();
  const bot = await startChildBot(cosmos.endpoint);
  const message = (text: string) => activityFor(connector.url, 'message', 'alex', { text });
  for (let i = 0; i < 50; i++) await post(bot.url, message(`check W${i}`)); // warm up

  const submit = (i: number) =>
    activityFor(connector.url, 'invoke', 'lynne', {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'incident.submit', data: violentIncident(`flood-${i}-form`, { customerRef: `F${i}` }) } },
    });
  const alone = await runConcurrent(Number(values.submissions), 5, async (i) => {
    const r = await post(bot.url, submit(i));
    if (r.status !== 200 || !r.text.includes('UB-')) throw new Error(`submission answered ${r.status}`);
  });

  const checks: Promise<{ status: number; ms: number }>[] = [];
  const flooding = performance.now();
  for (let i = 0; i < Number(values.checks); i++) checks.push(post(bot.url, message(`check C${i % 500}`)));
  const failedSubmissions: number[] = [];
  const during = await runConcurrent(Number(values.submissions), 5, async (i) => {
    const r = await post(bot.url, submit(1000 + i));
    if (r.status !== 200 || !r.text.includes('UB-')) failedSubmissions.push(r.status);
  });
  const answered = await Promise.all(checks);
  const floodMs = performance.now() - flooding;
  await bot.stop();
  await connector.stop();
  await cosmos.close();

  const by = (s: number) => answered.filter((a) => a.status === s);
  const ok = by(200);
  const busy = by(503);
  const other = answered.filter((a) => a.status !== 200 && a.status !== 503);
  console.log(
    `node ${process.version}; ${values.checks} checks sent at once; ${values.submissions} §5.1 submissions (5 at a time) alone, then during the flood`,
  );
  console.table([
    { what: 'submissions, no flood', ...summarise(alone.latencies, alone.elapsedMs), failed: 0 },
    { what: 'submissions during the flood', ...summarise(during.latencies, during.elapsedMs), failed: failedSubmissions.length },
    {
      what: 'checks answered 200',
      ...summarise(
        ok.map((a) => a.ms),
        floodMs,
      ),
      failed: 0,
    },
    {
      what: 'checks refused 503 (Retry-After)',
      ...summarise(
        busy.map((a) => a.ms),
        floodMs,
      ),
      failed: 0,
    },
  ]);
  console.log(
    `checks: ${ok.length} answered, ${busy.length} busy (503), ${other.length} errors (${[...new Set(other.map((a) => a.status))].join(', ') || 'none'})`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
