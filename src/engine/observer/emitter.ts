/**
 * A small typed event emitter for React components and the monitor: `on` returns the
 * unsubscribe function (what a useEffect cleanup wants), and one listener that throws
 * cannot stop the others or the sampler that emits.
 */

type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  private readonly onListenerError: (err: unknown, type: keyof Events) => void;

  constructor(onListenerError: (err: unknown, type: keyof Events) => void = () => undefined) {
    this.onListenerError = onListenerError;
  }

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(type, set);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  /** Like `on`, but the listener is removed after its first call. */
  once<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(type, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners.get(type);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (err) {
        this.onListenerError(err, type);
      }
    }
  }

  listenerCount(type: keyof Events): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
