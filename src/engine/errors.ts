/**
 * Errors a learner can act on. Every failure the lab expects (bad input, a missing tool,
 * a host that lacks a kernel feature) becomes a LabError carrying what went wrong and,
 * where there is one, the remedy. The CLI prints these as one message and a non-zero exit,
 * never a stack trace.
 */
export class LabError extends Error {
  readonly remedy: string | undefined;
  readonly exitCode: number;

  constructor(
    message: string,
    options: { remedy?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LabError';
    this.remedy = options.remedy;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The message of any thrown value, for reports that must not show a stack. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The errno code of a Node system error (ENOENT, EACCES...), or undefined. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
