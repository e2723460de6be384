/**
 * Sends keys to the embedded shell while its pane has the focus, and turns the prefix
 * (Ctrl-T) and the key after it into app commands.
 */
import { useCallback, useRef, useState } from 'react';
import { useAppControl } from '../app/app-control.js';
import { routePaneKey, PREFIX_LABEL, type PaneCommand } from '../keys/terminal-keys.js';
import type { KeyPress } from '../keys/key-press.js';
import { bytesForPty } from '../terminal/key-bytes.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { CTRL_C_WINDOW_MS } from '../state/quit-guard.js';
import { useKeys } from './use-keys.js';

export function usePaneKeys(
  terminal: EmbeddedTerminal,
  onCommand: (command: PaneCommand) => void,
  isActive: boolean,
): { prefixPending: boolean } {
  const app = useAppControl();
  const [prefixPending, setPrefixPending] = useState(false);
  const pendingRef = useRef(false);
  const lastCtrlC = useRef(0);

  const setPending = useCallback((value: boolean) => {
    pendingRef.current = value;
    setPrefixPending(value);
  }, []);

  const onKey = useCallback(
    (key: KeyPress) => {
      const action = routePaneKey(key, pendingRef.current);
      if (pendingRef.current && action.kind !== 'prefix') setPending(false);
      switch (action.kind) {
        case 'prefix':
          setPending(true);
          app.notify(`${PREFIX_LABEL} … (? for the keys)`);
          return;
        case 'cancel':
          return;
        case 'pty':
          terminal.write(bytesForPty(action.seq, terminal.applicationCursor));
          return;
        case 'ctrl-c': {
          terminal.write(action.seq);
          const now = Date.now();
          if (now - lastCtrlC.current <= CTRL_C_WINDOW_MS)
            app.notify(`Ctrl-C goes to the shell here: ${PREFIX_LABEL} q quits`);
          lastCtrlC.current = now;
          return;
        }
        case 'command':
          if (action.command === 'quit') app.quit();
          else if (action.command === 'skip-typing') terminal.skipTyping();
          else onCommand(action.command);
      }
    },
    [app, terminal, onCommand, setPending],
  );
  useKeys(onKey, isActive);
  return { prefixPending };
}
