/**
 * Errors a learner can act on. Every failure the lab expects (bad input, a missing tool,
 * a host that lacks a kernel feature) becomes a LabError carrying what went wrong and,
 * where there is one, the remedy. The CLI prints these as one message and a non-zero exit,
 * never a stack trace.
 *
 * The message and remedy may be given as phrases (a message ID and values, see
 * src/i18n/phrase.ts): `message` and `remedy` are then their English (for logs, JSON and
 * tests), and whoever shows the error says the phrases in the learner's language
 * (shownMessage, shownRemedy). File names, lines and commands stay values, never words.
 */
import { english, say, type Phrase } from '../i18n/phrase.js';

export class LabError extends Error {
  readonly remedy: string | undefined;
  readonly exitCode: number;
  /** The message as a phrase, when it was given as one. */
  readonly said: Phrase | undefined;
  /** The remedy as a phrase, when it was given as one. */
  readonly remedySaid: Phrase | undefined;

  constructor(
    message: string | Phrase,
    options: { remedy?: string | Phrase; exitCode?: number; cause?: unknown } = {},
  ) {
    super(
      typeof message === 'string' ? message : english(message),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'LabError';
    const remedy = options.remedy;
    this.remedy = remedy === undefined || typeof remedy === 'string' ? remedy : english(remedy);
    this.exitCode = options.exitCode ?? 1;
    this.said = typeof message === 'string' ? undefined : message;
    this.remedySaid = remedy === undefined || typeof remedy === 'string' ? undefined : remedy;
  }
}

/** The message of any thrown value, for reports that must not show a stack. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** messageOf for a learner's eyes: a LabError's phrase in the current language. */
export function shownMessage(err: unknown): string {
  return err instanceof LabError && err.said !== undefined ? say(err.said) : messageOf(err);
}

/** A LabError's remedy in the current language, if it has one. */
export function shownRemedy(err: unknown): string | undefined {
  if (!(err instanceof LabError)) return undefined;
  return err.remedySaid !== undefined ? say(err.remedySaid) : err.remedy;
}

/** The errno code of a Node system error (ENOENT, EACCES...), or undefined. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
