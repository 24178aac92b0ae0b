import { pointRead } from './documents';
import type { CosmosStore } from './cosmos';

/**
 * Runs a start-up migration once per store: done is recorded in `leases` under `id` (bump its number to run it again),
 * with what the migration returned. Returns that, or null when it had run before.
 */
export async function once<T extends object>(db: CosmosStore, id: string, migrate: () => Promise<T>): Promise<T | null> {
  if (await pointRead(db.containers.leases, id, id, db.bounded)) return null;
  const result = await migrate();
  await db.containers.leases.items.upsert({ id, at: new Date().toISOString(), ...result }, db.bounded());
  return result;
}
