import type { FileDelivery, OutgoingFile } from './ports';

/** Why a file could not be handed over, in words the person who asked for it can act on (never the file's contents). */
export class FileDeliveryError extends Error {}

/** A file's name as ports.ts promises it: letters, digits, `.`, `-`, `_`, starting with a letter or digit (no path, no `..` trick). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Checks what a caller hands over before anything is stored or sent. A bad name or folder is the caller's bug (an
 * Error); a file too big for where it is going is something a person can act on (a FileDeliveryError saying what).
 */
export function checkOutgoingFile(file: OutgoingFile, maxBytes: number, tooBig: string): void {
  if (!NAME.test(file.name)) throw new Error(`A file's name must be letters, digits, '.', '-' and '_' only, got ${JSON.stringify(file.name)}`);
  if (file.folder !== '' && !file.folder.split('/').every((segment) => NAME.test(segment)))
    throw new Error(`A file's folder must be names of letters, digits, '.', '-' and '_' joined by '/', got ${JSON.stringify(file.folder)}`);
  if (file.bytes.byteLength === 0) throw new Error(`The file ${file.name} is empty`);
  if (file.bytes.byteLength > maxBytes)
    throw new FileDeliveryError(`The file is ${sizeInWords(file.bytes.byteLength)}, more than the ${sizeInWords(maxBytes)} ${tooBig}`);
}

export function sizeInWords(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Where a file went, in a sentence for the person who asked for it. */
export function whereItWent(delivery: FileDelivery): string {
  return delivery.where === 'library'
    ? `It is in the document library: ${delivery.url}`
    : 'I have sent it to your personal chat with me: accept the file there to download it.';
}
