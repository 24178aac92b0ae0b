import { stringify } from 'csv-stringify/sync';
import { REGISTER_HEADER, registerRows, type RegisterRecord } from '../../domain/register';
import { auditEvent } from '../../domain/records';
import { formatUk, ukDate } from '../../domain/time';
import { personOf, type Actor, type AppContext, type Reply } from '../context';
import { FileDeliveryError, whereItWent } from '../files';
import { eachPage } from '../pages';
import { ALERT_CODES } from './alert-codes';

/** At most this many measures are read (at ~200 bytes a row, a 2 MB file); a register that meets it says so. */
export const REGISTER_LIMIT = 10_000;

/** Register exports are about no one customer: their audit events have a partition no customer key can be (upper case). */
export const GOVERNANCE_PARTITION = 'governance';

export const ONLY_CASE_MANAGERS_REGISTER =
  'The register is for the Customer Experience team (case managers, §3): ask one of them for it. Before a visit, use check <customer ref>.';

/**
 * `register` (docs/rules.md#R-register-export): every measure in force as a person alert, in a CSV file handed to the
 * case manager who asked (the document library, else their personal chat). The export is audited before the file leaves.
 */
export async function exportRegister(ctx: AppContext, actor: Actor): Promise<Reply> {
  if (!(await ctx.directory.isCaseManager(actor.id))) return { text: ONLY_CASE_MANAGERS_REGISTER };
  const now = ctx.now();
  const records: RegisterRecord[] = [];
  const read = await eachPage(
    ctx,
    'register',
    REGISTER_LIMIT,
    (limit, page) => ctx.measures.inForce(limit, page),
    (items) => {
      records.push(...items);
      return Promise.resolve();
    },
  );
  const complete = read < REGISTER_LIMIT;
  const rows = registerRows(records, ALERT_CODES, now);
  const name = `register-${ukDate(now)}.csv`;
  const person = await personOf(ctx, actor);
  await ctx.audit.append(
    auditEvent(`register:${ctx.newId()}`, GOVERNANCE_PARTITION, now, person, 'register.exported', name, { rows: rows.length, complete }),
  );
  const count = `${rows.length.toLocaleString('en-GB')} ${rows.length === 1 ? 'measure' : 'measures'} in force`;
  try {
    const delivery = await ctx.files.deliver(
      person,
      {
        name,
        contentType: 'text/csv',
        bytes: Buffer.from(registerCsv(rows), 'utf8'),
        description: `Register of measures in force on ${formatUk(now)}: ${count}, as person alerts`,
        folder: 'register',
      },
      now,
    );
    const where = whereItWent(delivery);
    const partial = complete
      ? ''
      : `\n\nIt lists the first ${REGISTER_LIMIT.toLocaleString('en-GB')} measures only: there may be more. Tell an administrator.`;
    return { text: `The register of ${count} (${name}) is ready. ${where}${partial}` };
  } catch (error) {
    if (error instanceof FileDeliveryError) return { text: error.message };
    throw error;
  }
}

/**
 * RFC 4180 CSV (CRLF between records, fields quoted where they hold a comma, quote or line break), in UTF-8 with a
 * byte order mark: without it Excel on Windows reads the file in the local code page and garbles "—", "§" and accents.
 */
export function registerCsv(rows: string[][]): string {
  return stringify([REGISTER_HEADER, ...rows], { bom: true, record_delimiter: 'windows' });
}
