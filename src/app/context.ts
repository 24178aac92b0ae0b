import type { AppLog, DigestRecords, DigestSubscriptions, Directory, Files } from './ports';
import type { AppealRepository, AuditTrail, Conversations, CustomerRepository, IncidentRepository, MeasureRepository, Outbox } from './ports';
import type { LetterRepository } from './ports';
import type { CaseRecords } from './ports';
import type { AdaptiveCard } from '../cards/render';
import type { z } from 'zod';
import type { Person } from '../domain/records';

/** The person acting, as the channel authenticated them. Roles are looked up, never taken from the message. */
export interface Actor {
  id: string;
  name: string;
  tenantId: string | null;
}

/** What the application answers; the Teams layer turns it into activities. */
export type Reply = { text: string } | { card: AdaptiveCard; summary: string };

/** The answer to a card action: a card that replaces the one clicked, or a specific error. */
export type ActionResult = { card: AdaptiveCard } | { error: { status: 400 | 403 | 404 | 409 | 412; code: string; message: string } };

/** What application handlers need; built once in the composition root. */
export interface AppContext {
  customers: CustomerRepository;
  incidents: IncidentRepository;
  measures: MeasureRepository;
  appeals: AppealRepository;
  /** Letter drafts stored with their decisions (docs/rules.md#R-letter-stored). */
  letters: LetterRepository;
  /** Everything held about one customer (a subject access export, docs/rules.md#R-export-everything). */
  cases: CaseRecords;
  conversations: Conversations;
  audit: AuditTrail;
  directory: Directory;
  /** Where jobs queue what is not part of a decision (a digest, a reminder); decisions write theirs with the decision. */
  outbox: Outbox;
  /** When the weekly digest next runs after a time (its schedule, DIGEST_SCHEDULE); null if never. */
  nextDigestAt: (after: Date) => Date | null;
  /** Hands people files (letters, the register, exports): the document library, else their personal chat. */
  files: Files;
  /** Tells the outbox dispatcher these entries were just written (so they go now, not at the next poll). */
  notify: (entries: readonly { id: string; customerKey: string }[]) => void;
  now: () => Date;
  newId: () => string;
  /** Recorded with every incident and measure (policyVersion in src/domain/policy.ts). */
  policyVersion: string;
  /** Team channels' subscriptions to the weekly digest, and what it counts (src/app/digest/). */
  subscriptions: DigestSubscriptions;
  digest: DigestRecords;
  /** The bot's Microsoft App ID, for links to its personal chat; null locally (no app id). */
  botAppId: string | null;
  /** Warnings for operators, e.g. a job that met its cap (counts only). */
  log: AppLog;
}

export function actionError(status: 400 | 403 | 404 | 409 | 412, code: string, message: string): ActionResult {
  return { error: { status, code, message } };
}

/** The acting person as records name them: the directory's name for them, else what the channel said. */
export async function personOf(ctx: AppContext, actor: Actor): Promise<Person> {
  return { id: actor.id, name: (await ctx.directory.person(actor.id))?.name ?? actor.name };
}

/** The one way a malformed card action is described: each problem with the field it is about. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export const badRequest = (error: z.ZodError): ActionResult => actionError(400, 'BadRequest', describeIssues(error));
