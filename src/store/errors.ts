/** Cosmos signals outcomes by HTTP status on the thrown error. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export const isConflict = (e: unknown) => statusOf(e) === 409;
export const isNotFound = (e: unknown) => statusOf(e) === 404;
export const isPreconditionFailed = (e: unknown) => statusOf(e) === 412;
