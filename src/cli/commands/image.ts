/**
 * `contlab image build [--json]`: makes (or finds, when nothing changed) the offline lab
 * image, and says where its three forms are and what their digests are.
 */
import type { Command } from 'commander';
import type { LabImage } from '../../engine/image/lab-image.js';
import { ensureLabDirs } from '../../engine/paths.js';
import { chalk, marks, printJson, table } from '../output.js';
import { t } from '../../i18n/messages.js';

function render(image: LabImage, seconds: number): string {
  const status = image.built
    ? `${marks.ok} built the lab image in ${seconds.toFixed(1)}s`
    : `${marks.ok} the lab image is up to date`;
  const rows = [
    ['reference', image.reference],
    ['docker tag', image.dockerTag],
    ['platform', `${image.platform.os}/${image.platform.architecture}`],
    ['rootfs', image.rootfs],
    ['OCI layout', image.ociLayout],
    ['docker tarball', image.dockerArchive],
    ['manifest', image.manifestDigest],
    ['config', image.configDigest],
    ['layer', image.layerDigest],
  ].map(([k, v]) => [chalk.dim(k as string), v as string]);
  return `${status}\n${table(rows)}\n`;
}

export function registerImage(program: Command): void {
  const image = program.command('image').description(t('cmd.image'));
  image
    .command('build')
    .description(t('cmd.image.build'))
    .option('--json', t('opt.image.json'))
    .action(async (opts: { json?: boolean }) => {
      ensureLabDirs();
      const { ensureLabImage } = await import('../../engine/image/lab-image.js');
      const started = performance.now();
      const built = await ensureLabImage();
      const seconds = (performance.now() - started) / 1000;
      if (opts.json) printJson({ ...built, upToDate: !built.built, seconds });
      else process.stdout.write(render(built, seconds));
    });
}
