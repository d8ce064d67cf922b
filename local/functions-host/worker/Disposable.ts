/** The core API's `Disposable` (the worker's copy of VS Code's): calls its callback once, on the first `dispose()`. */
export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    let pending: { dispose(): unknown }[] | undefined = items;
    return new Disposable(() => {
      for (const item of pending ?? []) {
        item.dispose();
      }
      pending = undefined;
    });
  }

  #onDispose: (() => unknown) | undefined;

  constructor(onDispose: () => unknown) {
    this.#onDispose = onDispose;
  }

  dispose(): unknown {
    const onDispose = this.#onDispose;
    this.#onDispose = undefined;
    return onDispose?.();
  }
}
