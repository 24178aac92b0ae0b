import type { AppContext } from '../context';
import type { JobReport } from '../jobs';

// PLACEHOLDER (being built): replaced by the real job.
export function runLapses(_ctx: AppContext, _slot: Date): Promise<JobReport> {
  return Promise.reject(new Error('runLapses is not built yet'));
}
