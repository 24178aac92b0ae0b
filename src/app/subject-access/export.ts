import { CUSTOMER_REF_PATTERN, normaliseCustomerRef } from '../../domain/customer';
import { auditEvent } from '../../domain/records';
import { subjectAccessFile } from '../../domain/subject-access';
import { ukDate } from '../../domain/time';
import { weekdayDate } from '../../domain/working-days';
import { personOf, type Actor, type AppContext, type Reply } from '../context';
import { FileDeliveryError, whereItWent } from '../files';

export const ONLY_DATA_PROTECTION =
  'Subject access exports are for the data protection team and the bot’s administrators: pass the request to your data protection officer.';

/**
 * `export <customer ref>` (docs/rules.md#R-export-everything): everything held about one customer, as a draft JSON file
 * for the data protection team to review and redact, handed to the person who asked (the document library, else their
 * personal chat), never to the customer. The export is audited in the customer's records before the file leaves.
 */
export async function exportSubjectAccess(ctx: AppContext, actor: Actor, args: string): Promise<Reply> {
  const [admin, dataProtection] = await Promise.all([ctx.directory.isAdmin(actor.id), ctx.directory.isDataProtection(actor.id)]);
  if (!admin && !dataProtection) return { text: ONLY_DATA_PROTECTION };
  const ref = normaliseCustomerRef(args);
  if (!ref) return { text: 'Say whose records: export <customer ref>, e.g. export T004512.' };
  if (!CUSTOMER_REF_PATTERN.test(ref))
    return { text: 'That is not a customer reference: use the housing system reference, 2–20 letters, digits, - or /. Nothing was exported.' };
  const now = ctx.now();
  const receivedOn = ukDate(now);
  const person = await personOf(ctx, actor);
  const file = subjectAccessFile(ref, await ctx.cases.everything(ref), receivedOn, person.name, now);
  const held = Object.values(file.counts).reduce((a, b) => a + b, 0);
  const due = `If the request was received today, the answer is due by ${weekdayDate(file.dueBy)} (one calendar month, UK GDPR Article 12(3)).`;
  // Nothing held: the answer says so, and nothing is written about them (an audit event would itself be a record).
  if (held === 0) return { text: `Nothing is held about ${ref} in the bot (check the reference against the housing system). ${due}` };
  const name = `subject-access-${ref.replace(/\//g, '-')}-${receivedOn}.json`;
  await ctx.audit.append(
    auditEvent(`subject-access:${ctx.newId()}`, ref, now, person, 'subject-access.exported', ref, { receivedOn, dueBy: file.dueBy, records: held }),
  );
  try {
    const delivery = await ctx.files.deliver(
      person,
      {
        name,
        contentType: 'application/json',
        bytes: Buffer.from(`${JSON.stringify(file, null, 2)}\n`, 'utf8'),
        description: 'DRAFT subject access export for review: redact third-party data before anything is sent',
        folder: 'exports',
      },
      now,
    );
    const where = whereItWent(delivery);
    return {
      text:
        `A DRAFT subject access export for ${ref} (${name}, ${held} ${held === 1 ? 'record' : 'records'}) is ready. ${where}\n\n` +
        'It is a draft for review, not an answer: redact third-party data (staff names, other people) before anything is sent. ' +
        `Nothing has been sent to the customer. ${due}`,
    };
  } catch (error) {
    if (error instanceof FileDeliveryError) return { text: error.message };
    throw error;
  }
}
