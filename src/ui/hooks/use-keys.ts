/**
 * Every key the learner presses, raw and named. Ink's useInput drops what the embedded shell
 * needs (F-keys, Alt combinations, the exact bytes of a key), so this listens to the same
 * input events useInput is built on, split into one KeyPress per key.
 */
import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import { parseKey, splitInput, type KeyPress } from '../keys/key-press.js';

export function useKeys(handler: (key: KeyPress) => void, isActive = true): void {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  }, [handler]);
  useEffect(() => {
    if (!isActive || !isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isActive, isRawModeSupported, setRawMode]);
  useEffect(() => {
    if (!isActive) return;
    const onInput = (event: string): void => {
      for (const seq of splitInput(event)) handlerRef.current(parseKey(seq));
    };
    events.on('input', onInput);
    return () => {
      events.removeListener('input', onInput);
    };
  }, [isActive, events]);
}
