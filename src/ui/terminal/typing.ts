/**
 * Typing text into the embedded shell at a pace people can follow (presenter mode demos).
 * A pause after each line lets the audience read the command's output; `skip()` types
 * the rest at once, `cancel()` stops where it is.
 */

export interface TypingOptions {
  /** Milliseconds per character (default 45: about 22 characters a second). */
  charMs?: number;
  /** Extra pause after a newline (default 400 ms). */
  lineMs?: number;
}

export interface TypingHandle {
  /** Types everything that is left, now. */
  skip(): void;
  /** Stops typing; what was typed stays. */
  cancel(): void;
  /** Resolves when the text was typed, skipped or cancelled. */
  readonly done: Promise<void>;
}

export function typeInto(
  write: (text: string) => void,
  text: string,
  options: TypingOptions = {},
): TypingHandle {
  const chars = Array.from(text);
  const charMs = options.charMs ?? 45;
  const lineMs = options.lineMs ?? 400;
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    index = chars.length;
    finish();
  };
  const step = (): void => {
    const ch = chars[index];
    if (ch === undefined) return stop();
    write(ch === '\n' ? '\r' : ch);
    index++;
    timer = setTimeout(step, ch === '\n' ? lineMs : charMs);
  };
  timer = setTimeout(step, 0);
  return {
    skip: () => {
      if (index < chars.length) write(chars.slice(index).join('').replace(/\n/g, '\r'));
      stop();
    },
    cancel: stop,
    done,
  };
}
