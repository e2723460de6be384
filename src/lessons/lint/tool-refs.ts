/**
 * Which programs a lesson's shell blocks run. A lesson lists the tools it needs in its
 * requirements so `contlab doctor` and the player can say up front what is missing; a
 * command the blocks use but the list forgets would only fail in the middle of a workshop.
 * Shell builtins and the basic tools every Linux host (and the busybox image) has are
 * allowed without listing.
 */
import { diagnostic, type Diagnostic } from '../format/diagnostic.js';
import type { CodeBlock, Lesson } from '../format/model.js';

const SHELL_WORDS = new Set(
  (
    'if then else elif fi for while until do done case esac in function select time ! { } [[ ]] ' +
    'alias bg cd command echo eval exec exit export false fg getopts hash jobs kill let local ' +
    'printf pwd read readonly return set shift source . test [ trap true type ulimit umask ' +
    'unalias unset wait disown builtin declare typeset shopt ulimit'
  ).split(' '),
);

/** coreutils, util-linux basics, procps and friends: on every host and in busybox. */
const BASIC_TOOLS = new Set(
  (
    'awk basename cat chmod chown cmp cp cut date dd df diff dirname du env expr file find ' +
    'free grep egrep fgrep head id install ln ls md5sum mkdir mkfifo mknod mktemp mv nproc od ' +
    'pgrep pidof pkill ps readlink realpath rm rmdir sed seq sh bash sha256sum sleep sort stat ' +
    'sync tail tar tee timeout touch tr truncate uname uniq wc which whoami xargs yes less more ' +
    'clear top watch nohup stdbuf base64 hexdump xxd column numfmt tac rev paste comm join split ' +
    'shuf sum fold fmt nl pr tsort ptx dircolors printenv tty stty groups logname users who'
  ).split(' '),
);

export interface ToolUse {
  tool: string;
  line: number;
  col: number;
}

/** Words after which the next word is again a command (`then X`, `sudo X`, `! X`). */
const PREFIX_WORDS = new Set(
  'if then else elif do while until ! time { ( exec command sudo nohup nice'.split(' '),
);

/** The program words of a shell script: the first word of every simple command. */
export function commandWords(script: string, firstLine: number): ToolUse[] {
  const out: ToolUse[] = [];
  script.split('\n').forEach((text, i) => {
    const code = stripComment(text);
    // A new simple command starts at the line start and after | ; & && || ( $( and `.
    // Quotes are not tracked: `bash -c 'a; b'` runs a and b too, so both count.
    const starts = [
      0,
      ...[...code.matchAll(/\$\(|[|;&(`]/g)].map((m) => (m.index ?? 0) + m[0].length),
    ];
    for (const start of starts) {
      const words = /\S+/g;
      words.lastIndex = start;
      for (let m = words.exec(code); m !== null; m = words.exec(code)) {
        const word = m[0].replace(/^['"]+/, '');
        if (/^[|;&()`]/.test(m[0])) break;
        // `X=$(cmd args`: cmd is read from the `$(` start; the words after it are its args.
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) && /\$\(|`/.test(word)) break;
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || PREFIX_WORDS.has(word)) continue;
        if (/^[A-Za-z0-9_./+-]+$/.test(word)) {
          const tool = word.split('/').pop() as string;
          if (tool !== '' && !/^[0-9-]/.test(tool))
            out.push({ tool, line: firstLine + i, col: m.index + 1 + (m[0].length - word.length) });
        }
        break;
      }
    }
  });
  return out;
}

function stripComment(line: string): string {
  // Good enough for lesson commands: a # that starts a word begins a comment.
  const m = /(^|\s)#/.exec(line);
  return m === null ? line : line.slice(0, m.index);
}

export function undeclaredTools(file: string, lesson: Lesson): Diagnostic[] {
  const declared = new Set(lesson.requirements.tools);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const step of lesson.steps) {
    const blocks: CodeBlock[] = [
      ...step.commands,
      ...step.solution,
      ...step.setup,
      ...step.cleanup,
      ...step.wrong.flatMap((w) => [
        { text: w.run, pos: w.pos },
        ...(w.undo === undefined ? [] : [{ text: w.undo, pos: w.pos }]),
      ]),
    ];
    for (const block of blocks) {
      for (const use of commandWords(block.text, block.pos.line + 1)) {
        if (SHELL_WORDS.has(use.tool) || BASIC_TOOLS.has(use.tool) || declared.has(use.tool))
          continue;
        if (seen.has(use.tool)) continue;
        seen.add(use.tool);
        out.push(
          diagnostic(
            file,
            { line: use.line, col: use.col + block.pos.col - 1 },
            `"${use.tool}" is not in the lesson's requirements: add it to requirements.tools in the front matter`,
          ),
        );
      }
    }
  }
  return out;
}
