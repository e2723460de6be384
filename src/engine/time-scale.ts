/**
 * How much slower than a normal machine the lab runs. In a VM under software emulation
 * (TCG) every process start costs many times what it costs on hardware, so time limits
 * that wait for the system (a command to finish, a checkpoint to settle) stretch by this
 * factor. CONTLAB_TIME_SCALE sets it; the VM harness sets it for its guests.
 */
export function timeScale(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.CONTLAB_TIME_SCALE);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** `ms` stretched by the time scale. */
export function scaled(ms: number): number {
  return Math.round(ms * timeScale());
}
