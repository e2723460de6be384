/**
 * `contlab monitor --class LINK`: reads the room once (a bad link or an unreachable server
 * is a LabError, before the screen changes), then hands it to the terminal class view.
 */
import { RoomStream, parseDashboardUrl } from './room-stream.js';

export async function openClassView(link: string, requireTerminal: () => void): Promise<number> {
  const url = parseDashboardUrl(link);
  requireTerminal();
  const { stream, first } = await RoomStream.open(url);
  // Loaded only now: blessed is large.
  const { runClassView } = await import('../ui/monitor/class-view.js');
  return runClassView(stream, first);
}
