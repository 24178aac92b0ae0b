import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Never log customer names, references to people or free text: log ids, codes and counts.
 * `redact` is a backstop for fields that must not appear even if passed by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ub-bot' },
    redact: {
      paths: ['*.customerName', '*.description', '*.vulnerabilityNote', 'customerName', 'description', 'vulnerabilityNote'],
      censor: '[redacted]',
    },
  });
}
