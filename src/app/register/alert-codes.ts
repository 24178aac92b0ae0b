import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertCodesFrom, type AlertCode } from '../../domain/register';
import type { MeasureKind } from '../../domain/measure';
import { PACKAGE_ROOT } from '../../paths';

/** The mapping from kinds of measure to person alert codes: data the landlord confirms with their housing system supplier. */
export const ALERT_CODES_FILE = join(PACKAGE_ROOT, 'docs', 'person-alert-codes.json');

/** Reads and checks the mapping; throws naming the file and every problem, so a bad mapping stops the bot starting. */
export function loadAlertCodes(path: string = ALERT_CODES_FILE): ReadonlyMap<MeasureKind, AlertCode> {
  try {
    return alertCodesFrom(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new Error(`The person alert codes in ${path} cannot be used: ${(error as Error).message}`, { cause: error });
  }
}

/** Read once, when the app is loaded. */
export const ALERT_CODES = loadAlertCodes();
