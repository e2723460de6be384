/**
 * The contlab command line. Each command lives in its own file under commands/; this file
 * only wires them up and turns expected failures (LabError) into one clear message and a
 * non-zero exit, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { LabError, messageOf } from '../engine/errors.js';
import { repoRoot } from '../engine/repo.js';
import { registerClass } from './commands/class.js';
import { registerCleanup } from './commands/cleanup.js';
import { registerDoctor } from './commands/doctor.js';
import { registerHome } from './commands/home.js';
import { registerImage } from './commands/image.js';
import { registerInspect } from './commands/inspect.js';
import { registerLint } from './commands/lint.js';
import { registerProgress } from './commands/progress.js';
import { registerReset } from './commands/reset.js';
import { registerVerify } from './commands/verify.js';
import { registerVm } from './commands/vm.js';
import { registerMonitor } from './commands/monitor.js';
import { registerPresent } from './commands/present.js';
import { registerStart } from './commands/start.js';
import { registerTimeline } from './commands/timeline.js';
import { chalk } from './output.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('contlab')
    .description('an interactive lab that teaches how Linux containers work, on your own kernel')
    .version(version(), '-V, --version', 'print the contlab version')
    .showSuggestionAfterError(true)
    .exitOverride();
  registerHome(program);
  registerDoctor(program);
  registerCleanup(program);
  registerImage(program);
  registerInspect(program);
  registerLint(program);
  registerVerify(program);
  registerProgress(program);
  registerReset(program);
  registerStart(program);
  registerPresent(program);
  registerMonitor(program);
  registerTimeline(program);
  registerVm(program);
  registerClass(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

function fail(err: unknown): never {
  if (err instanceof CommanderError) {
    // Commander already printed its message (unknown command, missing argument, --help).
    process.exit(err.exitCode);
  }
  if (err instanceof LabError) {
    process.stderr.write(`${chalk.red('contlab:')} ${err.message}\n`);
    if (err.remedy) process.stderr.write(`  ${chalk.dim('remedy:')} ${err.remedy}\n`);
    process.exit(err.exitCode);
  }
  // Unexpected: still one line, plus where to look, but no stack unless asked for.
  process.stderr.write(`${chalk.red('contlab: internal error:')} ${messageOf(err)}\n`);
  if (process.env.CONTLAB_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
  else process.stderr.write('  run again with CONTLAB_DEBUG=1 for details, and report it\n');
  process.exit(70);
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    fail(err);
  }
}
