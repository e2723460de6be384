/**
 * One line of `contlab doctor`: its English (what --json prints, the same in every language)
 * and the same words as phrases, for the screen to say in the learner's language. Apart from
 * doctor.ts so that the VM's check (vm/doctor-check.ts) can make one without an import cycle.
 */
import { english, type PhraseValue } from '../i18n/phrase.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  remedy: string;
  /** A failed required check makes doctor exit 1; others only warn. */
  required: boolean;
  /** name, detail and remedy as phrases, for the screen (left out of --json). */
  said?: { name: PhraseValue; detail: PhraseValue; remedy: PhraseValue };
}

/** A check from its words (phrases or plain values): English fields, phrases in `said`. */
export function madeCheck(
  name: PhraseValue,
  status: CheckStatus,
  detail: PhraseValue,
  remedy: PhraseValue,
  required: boolean,
): Check {
  return {
    name: english(name),
    status,
    detail: english(detail),
    remedy: english(remedy),
    required,
    said: { name, detail, remedy },
  };
}
