/**
 * Every key the learner presses, raw and named. Ink's useInput drops what the embedded shell
 * needs (F-keys, Alt combinations, the exact bytes of a key), so this listens to the same
 * input events useInput is built on, split into one KeyPress per key.
 */
import { useStdin } from 'ink';
import { useLayoutEffect, useRef } from 'react';
import { parseKey, splitInput, type KeyPress } from '../keys/key-press.js';

export function useKeys(handler: (key: KeyPress) => void, isActive = true): void {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const handlerRef = useRef(handler);
  // Layout effects, run in the commit that draws the frame: a key read in the same burst,
  // or typed the moment the frame shows on a busy machine, runs before passive effects do,
  // and must meet this frame's handler (the player's "next panel" moved from a panel it had
  // already left), and a listener that is already there.
  useLayoutEffect(() => {
    handlerRef.current = handler;
  }, [handler]);
  useLayoutEffect(() => {
    if (!isActive || !isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isActive, isRawModeSupported, setRawMode]);
  useLayoutEffect(() => {
    if (!isActive) return;
    // Keys read together (typed fast, a key held down, a slow ssh link) are handled one at a
    // time, each after React has drawn what the one before did: a state update renders in a
    // task the scheduler queues from a microtask, so the next key waits for a microtask and
    // then a task queued behind it. Keys of a later read wait behind those of an earlier one.
    const queue: string[] = [];
    let draining = false;
    const drain = (): void => {
      const seq = queue.shift();
      if (seq === undefined) {
        draining = false;
        return;
      }
      handlerRef.current(parseKey(seq));
      if (queue.length === 0) draining = false;
      else queueMicrotask(() => setImmediate(drain));
    };
    const onInput = (event: string): void => {
      queue.push(...splitInput(event));
      if (draining) return;
      draining = true;
      drain();
    };
    events.on('input', onInput);
    return () => {
      queue.length = 0;
      events.removeListener('input', onInput);
    };
  }, [isActive, events]);
}
