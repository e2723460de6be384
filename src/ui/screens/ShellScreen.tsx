/**
 * A lab shell on its own, filling the screen: the embedded terminal without a lesson. No
 * command shows it; the end-to-end tests of the embedded terminal run it
 * (test/ui/fixtures/ui-app.mjs).
 */
import { useCallback, useState } from 'react';
import { AppShell } from '../components/AppShell.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { TerminalPane } from '../components/TerminalPane.js';
import { useCommands } from '../hooks/use-commands.js';
import { keyFor } from '../keys/bindings.js';
import type { Command } from '../keys/commands.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { seg } from '../text/styled.js';
import { t } from '../../i18n/messages.js';

export function ShellScreen({ terminal }: { terminal: EmbeddedTerminal }): React.JSX.Element {
  const [help, setHelp] = useState(false);
  const onCommand = useCallback((command: Command) => {
    if (command.kind === 'help') setHelp(true);
  }, []);
  useCommands('shell', onCommand, !help, terminal);
  return (
    <AppShell
      title={[seg('contlab', { bold: true }), seg(`  ${t('player.labShell')}`)]}
      context="shell"
    >
      {({ cols, bodyRows }) =>
        help ? (
          <HelpOverlay
            contexts={['shell']}
            width={cols}
            height={bodyRows}
            onClose={() => setHelp(false)}
          />
        ) : (
          <TerminalPane
            terminal={terminal}
            width={cols}
            height={bodyRows}
            focused
            title={t('player.labShell')}
            right={[seg(t('shell.theKeys', { key: keyFor('help', 'shell') }))]}
          />
        )
      }
    </AppShell>
  );
}
