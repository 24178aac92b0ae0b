/**
 * Benchmark (not a test): concurrent incident submissions through POST /api/messages on the local stack (restify +
 * botbuilder + embedded Cosmos through @azure/cosmos + fake Bot Connector), with a bare `help` message as the baseline.
 * Everything runs in this one process on this machine, so the load generator competes with the bot for the CPU.
 *   npm run bench -- [--n 500] [--concurrency 10]
 */
import { parseArgs } from 'node:util';
import { startHarness, violentIncident } from '../support/harness';
import { runConcurrent, summarise } from './stats';

const { values } = parseArgs({ options: { n: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '10' } } });
const N = Number(values.n);
const C = Number(values.concurrency);

async function main() {
  const h = await startHarness();
  const cosmosRequests = () => h.bot.embedded!.requests();
  const check = (status: number, what: string) => {
    if (status !== 200) throw new Error(`${what} answered ${status}`);
  };
  const submit = async (i: number, prefix: string) => {
    const res = await h.invoke(
      'incident.submit',
      violentIncident(`${prefix}-form-${i}`, { customerRef: `T${String(i % 200).padStart(6, '0')}`, safetyFlags: i % 2 ? 'weapon' : '' }),
    );
    check(res.status, 'submit');
    if (!JSON.stringify(res.body.value).includes('Report received')) throw new Error('submission was not recorded');
  };

  // Warm up connections, JIT and the containers.
  await runConcurrent(50, C, async () => check((await h.message('help')).status, 'help'));
  await runConcurrent(50, C, (i) => submit(i, 'warm'));

  const helpBefore = cosmosRequests();
  const help = await runConcurrent(N, C, async () => check((await h.message('help')).status, 'help'));
  const helpCosmos = (cosmosRequests() - helpBefore) / N;

  const submitBefore = cosmosRequests();
  const submissions = await runConcurrent(N, C, (i) => submit(i, 'bench'));
  const submitCosmos = (cosmosRequests() - submitBefore) / N;

  const rows = [
    { scenario: 'help message (baseline)', ...summarise(help.latencies, help.elapsedMs), cosmosPerRequest: helpCosmos },
    { scenario: 'incident submission', ...summarise(submissions.latencies, submissions.elapsedMs), cosmosPerRequest: submitCosmos },
  ];
  console.log(`node ${process.version}, ${N} requests per scenario, concurrency ${C}, latencies in ms`);
  console.table(rows);
  await h.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
