import type { AppContext } from '../context';
import type { JobReport } from '../jobs';

// PLACEHOLDER (being built): replaced by the real job.
export function runDigest(_ctx: AppContext, _slot: Date): Promise<JobReport> {
  return Promise.reject(new Error('runDigest is not built yet'));
}
