/**
 * The session's one queue: tasks run one after another in the order they were queued, and
 * interactions that arrive while earlier work runs wait together and are handled as one batch.
 * Each ranking scans the whole catalogue, so 200 quick clicks handled one by one took minutes
 * to settle; batched, they cost a few rankings and keep their order.
 */

export interface SerialQueue {
  /** Runs a task after every earlier one, in order; a failed task does not stop the next. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /**
   * @param handle runs once per batch, with its items in the order they came.
   * @returns a function that adds an item to the batch queued last, when that batch is this
   *   function's, has not started and nothing was queued after it; otherwise it queues a new batch.
   *   Every item of a batch gets the batch's result (or its error).
   */
  batcher<I, T>(handle: (items: readonly I[]) => Promise<T>): (item: I) => Promise<T>;
}

export function serialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  /** The batch that new items may still join: the last thing queued, not yet started. */
  let joinable: object | null = null;

  const run = <T>(task: () => Promise<T>): Promise<T> => {
    joinable = null;
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };

  const batcher = <I, T>(handle: (items: readonly I[]) => Promise<T>): ((item: I) => Promise<T>) => {
    let last: { readonly items: I[]; readonly result: Promise<T> } | null = null;
    return (item) => {
      if (last !== null && joinable === last) {
        last.items.push(item);
        return last.result;
      }
      const items = [item];
      const batch = {
        items,
        result: run(() => {
          // Started: later items form the next batch.
          if (joinable === batch) joinable = null;
          return handle(items);
        }),
      };
      joinable = batch;
      last = batch;
      return batch.result;
    };
  };

  return { run, batcher };
}
