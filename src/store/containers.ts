/**
 * The Cosmos containers the app uses. infra/ declares the same names and partition keys (a test keeps them in step).
 * - cases: everything about one customer in one partition (docs/architecture.md#storage), so a check is one partition read and a
 *   decision, its marker, its audit event and its outbox entries can be written in one transactional batch.
 * - references: incident reference → customer partition; also makes every reference unique forever.
 * - conversations: where to reach a person or channel proactively.
 * - leases: one instance runs each scheduled job.
 * - pending: the outbox's pending index, pointers in one partition, so a poll is one small query, not a scan of all history.
 * - offers: files offered in a personal chat until the person accepts them (docs/architecture.md#files); each carries its own
 *   time to live (`defaultTtl: -1` turns per-item expiry on), so a file nobody took does not stay in Cosmos.
 */
export const CONTAINERS = {
  cases: { id: 'cases', partitionKey: '/customerKey' },
  references: { id: 'references', partitionKey: '/id' },
  conversations: { id: 'conversations', partitionKey: '/id' },
  leases: { id: 'leases', partitionKey: '/id' },
  pending: { id: 'pending', partitionKey: '/queue' },
  offers: { id: 'offers', partitionKey: '/id', defaultTtl: -1 },
} as const;

export type ContainerName = keyof typeof CONTAINERS;
