/**
 * Runs tasks one after another per key, in the order they were queued, while tasks of different
 * keys run independently. The dashboard's broadcasters use it so that, for one cohort or one
 * watched namespace, "2 of 5 graded" never overtakes "1 of 5" and a check never arrives before
 * its run's `grade:started`, although each send awaits an access check first.
 *
 * A failing task is logged (with `label`) and does not stop the tasks queued after it.
 *
 * Node only.
 */
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("dashboard");

export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly onError: (label: string, err: unknown) => void = (label, err) => log.error({ err }, label)) {}

  /** Queues `task` behind the tasks of `key`; resolves when it has run (never rejects). */
  run(key: string, label: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task).catch((err: unknown) => {
      this.onError(label, err);
    });
    this.tails.set(key, next);
    // Forget the key once its last task ran, so idle keys hold no memory.
    void next.finally(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  /**
   * Resolves once no task of any key is queued or running (tasks queued meanwhile included):
   * after it, each send queued before the call was either written to its sockets or refused.
   * The positive signal tests wait for instead of sleeping ("nothing was sent to X" is only
   * known once the sends are done).
   */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  /** Keys with tasks queued or running (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
