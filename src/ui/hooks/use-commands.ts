/**
 * Turns the learner's keys into commands, through the key table (keys/bindings.ts), for the
 * context that has the focus. Where the shell has the focus, keys go to the shell and the
 * app's keys follow the prefix Ctrl-T; Ctrl-C goes to the shell there. Quitting, Ctrl-C
 * twice and redrawing are the app's; every other command goes to `onCommand`.
 */
import { t } from '../../i18n/messages.js';
import { useCallback, useRef } from 'react';
import { useAppControl } from '../app/app-control.js';
import {
  commandFor,
  PREFIX_CONTEXTS,
  PREFIX_LABEL,
  PREFIX_SEQ,
  type Context,
} from '../keys/bindings.js';
import type { Command } from '../keys/commands.js';
import type { KeyPress } from '../keys/key-press.js';
import { CTRL_C_WINDOW_MS } from '../state/quit-guard.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { bytesForPty } from '../terminal/key-bytes.js';
import { useKeys } from './use-keys.js';

export function useCommands(
  context: Context,
  onCommand: (command: Command) => void,
  isActive: boolean,
  terminal?: EmbeddedTerminal,
): void {
  const app = useAppControl();
  const prefixPending = useRef(false);
  const lastCtrlC = useRef(0);

  const dispatch = useCallback(
    (command: Command) => {
      if (command.kind === 'quit') app.quit();
      else if (command.kind === 'interrupt') app.ctrlC();
      else if (command.kind === 'redraw') app.redraw();
      else onCommand(command);
    },
    [app, onCommand],
  );

  const onKey = useCallback(
    (key: KeyPress) => {
      if (terminal === undefined || !PREFIX_CONTEXTS.has(context)) {
        const command = commandFor(context, key);
        if (command !== undefined) dispatch(command);
        return;
      }
      if (prefixPending.current) {
        prefixPending.current = false;
        if (key.seq === PREFIX_SEQ) terminal.write(PREFIX_SEQ);
        else {
          const command = commandFor(context, key, true);
          if (command !== undefined) dispatch(command);
          else if (key.name !== 'escape')
            app.notify(t('keys.noSuchKey', { prefix: PREFIX_LABEL, key: key.name }));
        }
        return;
      }
      if (key.seq === PREFIX_SEQ) {
        prefixPending.current = true;
        app.notify(t('keys.prefixPressed', { prefix: PREFIX_LABEL }));
        return;
      }
      const direct = commandFor(context, key);
      if (direct !== undefined) return dispatch(direct);
      terminal.write(bytesForPty(key.seq, terminal.applicationCursor));
      if (key.seq === '\x03') {
        const now = Date.now();
        if (now - lastCtrlC.current <= CTRL_C_WINDOW_MS)
          app.notify(t('keys.ctrlCToShell', { prefix: PREFIX_LABEL }));
        lastCtrlC.current = now;
      }
    },
    [app, context, dispatch, terminal],
  );
  useKeys(onKey, isActive);
}
