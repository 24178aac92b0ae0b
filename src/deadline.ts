/**
 * `work`'s value, or 'late' once `ms` have passed. Late work goes on in the background (it has bounds of its own);
 * a failure after the deadline is dropped, since the caller has already answered. A failure in time is thrown.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<{ value: T } | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    const first = await Promise.race([work.then((value) => ({ value })), late]);
    if (first === 'late') work.catch(() => undefined);
    return first;
  } finally {
    clearTimeout(timer);
  }
}
