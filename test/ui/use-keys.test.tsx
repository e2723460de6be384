/**
 * useKeys (src/ui/hooks/use-keys.ts) in a real Ink app: a key is handled by the handler of
 * the frame on screen. The second of two keys read together (or typed the moment a frame
 * shows, on a busy machine) used to reach the handler of the frame before: the player's
 * "next panel" then moved from the panel it had already left, and the key was lost.
 */
import { describe, expect, test } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { render, Text } from 'ink';
import { useCallback, useState } from 'react';
import { useKeys } from '../../src/ui/hooks/use-keys.js';
import type { KeyPress } from '../../src/ui/keys/key-press.js';

/** Keys for Ink to read, as a terminal in raw mode would give them (no terminal here). */
class Keyboard extends PassThrough {
  readonly isTTY = true;
  setRawMode(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** What Ink draws: each frame's text, kept. */
class Screen extends PassThrough {
  readonly isTTY = true;
  readonly columns = 40;
  readonly rows = 10;
  text = '';
  constructor() {
    super();
    this.on('data', (d: Buffer) => (this.text += d.toString()));
  }
}

/** Like the player's panel tabs: the handler reads the state its frame was drawn with. */
function Tabs({ seen }: { seen: string[] }): React.JSX.Element {
  const [tab, setTab] = useState(0);
  const onKey = useCallback(
    (key: KeyPress) => {
      seen.push(`${key.seq}@${tab}`);
      setTab(tab + 1);
    },
    [tab, seen],
  );
  useKeys(onKey);
  return <Text>tab {tab}</Text>;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('useKeys', () => {
  test('each key reaches the handler of the frame drawn after the key before it', async () => {
    const stdin = new Keyboard();
    const stdout = new Screen();
    const seen: string[] = [];
    const app = render(<Tabs seen={seen} />, {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    await tick();
    stdin.write('abc');
    await tick();
    app.unmount();
    expect(seen).toEqual(['a@0', 'b@1', 'c@2']);
    expect(stdout.text).toContain('tab 3');
  });
});
