/**
 * A lab shell on its own: the embedded terminal filling the screen. What `contlab shell`
 * (and the end-to-end tests) run; the lesson player uses the same pane beside the lesson.
 */
import { useCallback, useState } from 'react';
import { AppShell } from '../components/AppShell.js';
import type { KeyHint } from '../components/Footer.js';
import { TerminalPane } from '../components/TerminalPane.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { usePaneKeys } from '../hooks/use-pane-keys.js';
import type { PaneCommand } from '../keys/terminal-keys.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { useKeys } from '../hooks/use-keys.js';

const FOOTER: KeyHint[] = [
  { keys: 'Ctrl-T q', label: 'quit' },
  { keys: 'Ctrl-T ?', label: 'keys' },
  { keys: 'Ctrl-D', label: 'new shell' },
];

export function ShellScreen({
  terminal,
  title = 'lab shell',
}: {
  terminal: EmbeddedTerminal;
  title?: string;
}): React.JSX.Element {
  const [help, setHelp] = useState(false);
  const onCommand = useCallback((command: PaneCommand) => {
    if (command === 'help') setHelp(true);
  }, []);
  usePaneKeys(terminal, onCommand, !help);
  useKeys(() => setHelp(false), help);
  return (
    <AppShell footer={FOOTER}>
      {({ cols, bodyRows }) =>
        help ? (
          <HelpOverlay width={cols} height={bodyRows} />
        ) : (
          <TerminalPane
            terminal={terminal}
            width={cols}
            height={bodyRows}
            focused
            title={`${title} — Ctrl-T ? for the keys`}
          />
        )
      }
    </AppShell>
  );
}
