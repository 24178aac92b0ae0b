import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EMULATOR_KEY } from '../../src/store/embedded';
import { PACKAGE_ROOT } from '../../src/paths';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Runs the compiled bot (dist/src/index.js, as `npm start` does) in its own process against a given Cosmos endpoint.
 * `root`: the checkout whose compiled bot to run (another build of it, to compare before and after a change).
 */
export async function startChildBot(
  cosmosEndpoint: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  root: string = PACKAGE_ROOT,
): Promise<{ url: string; process: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', ...nodeArgs, join(root, 'dist', 'src', 'index.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      COSMOS_ENDPOINT: cosmosEndpoint,
      COSMOS_KEY: EMULATOR_KEY,
      COSMOS_ATOMIC_BATCH: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('bot listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bot exited with ${code}: ${out}`)));
  });
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
