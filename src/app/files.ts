/** Why a file could not be handed over, in words the person who asked for it can act on (never the file's contents). */
export class FileDeliveryError extends Error {}
