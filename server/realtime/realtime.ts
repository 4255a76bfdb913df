/**
 * How features reach browsers and the other instances, without knowing the socket layer:
 *
 * - `toLearner` / `toEveryone`: room emits through socket.io's adapter (with PostgreSQL, the
 *   `@socket.io/postgres-adapter`), so they reach sockets on every instance;
 * - `toNamespace` / `toCohort`: published to every instance (this one included), each sending
 *   to its own sockets in the namespace room and to its own watchers after their access check
 *   (instructor/learner-watch-broadcast.ts, cohort-broadcast.ts). One instance cannot check
 *   another's sockets' access, so each checks its own;
 * - `publish` / `on`: instance messages (`InstanceTopics`): a reset closing the learner's
 *   terminal held by another instance, a sign-out closing sockets everywhere.
 *
 * Between instances messages travel as socket.io server-side emits (the same adapter), numbered
 * per sender and put back in order on arrival (in-order-delivery.ts). With one instance
 * (SQLite, the default) nothing leaves the process.
 *
 * Node only.
 */
import { randomBytes } from "node:crypto";
import type { ServerToClientEvents } from "../../lib/protocol/socket-event-maps";
import { moduleLogger } from "../logging/logger";
import { InOrderDelivery } from "./in-order-delivery";
import { learnerRoom } from "./rooms";
import type { CohortEvent, CohortPayload, EmitToNamespace, InstanceMessage, InstanceTopic, InstanceTopics, KqServer, KqSocket } from "./realtime-types";

const log = moduleLogger("realtime");

type Handler<T extends InstanceTopic> = (message: InstanceTopics[T]) => void;
type ServerEvent = keyof ServerToClientEvents;
type EmitAny = { emit(event: string, payload: unknown): void };

export class Realtime {
  private seq = 0;
  /**
   * Who numbers this process's messages: the instance id and a random part, so an instance
   * restarted under the same id starts a new sequence the others do not take for old messages.
   */
  private readonly sender: string;
  private readonly handlers = new Map<InstanceTopic, Set<(message: unknown) => void>>();
  private readonly inOrder: InOrderDelivery<InstanceMessage>;

  constructor(
    readonly io: KqServer,
    private readonly opts: { instanceId: string; distributed: boolean },
  ) {
    this.sender = `${opts.instanceId}/${randomBytes(4).toString("hex")}`;
    this.inOrder = new InOrderDelivery((m) => this.dispatch(m.topic, m.message), { gapWaitMs: 1_000 });
    if (opts.distributed) io.on("kq:instance-message", (numbered) => this.inOrder.receive(numbered));
    // This instance's share of a namespace event: its sockets in the namespace room.
    this.on("namespace-event", ({ namespace, event, payload, except }) => {
      const room = except ? io.local.to(namespace).except(except) : io.local.to(namespace);
      (room as unknown as EmitAny).emit(event, payload);
    });
  }

  get instanceId(): string {
    return this.opts.instanceId;
  }

  /** Tells every instance, this one first (synchronously). */
  publish<T extends InstanceTopic>(topic: T, message: InstanceTopics[T]): void {
    this.dispatch(topic, message);
    if (this.opts.distributed) this.io.serverSideEmit("kq:instance-message", { from: this.sender, seq: this.seq++, body: { topic, message } });
  }

  /** Tells this instance only (what concerns its own sockets, such as a live view's pictures). */
  publishHere<T extends InstanceTopic>(topic: T, message: InstanceTopics[T]): void {
    this.dispatch(topic, message);
  }

  on<T extends InstanceTopic>(topic: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    const h = handler as (message: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  private dispatch(topic: InstanceTopic, message: unknown): void {
    for (const handler of this.handlers.get(topic) ?? []) {
      try {
        handler(message);
      } catch (err) {
        log.error({ err, topic }, "an instance message handler failed");
      }
    }
  }

  /** Every socket of the learner, on every instance. */
  toLearner<E extends ServerEvent>(learnerId: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    (this.io.to(learnerRoom(learnerId)) as unknown as EmitAny).emit(event, payload);
  }

  /** Every socket, on every instance. */
  toEveryone<E extends ServerEvent>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    (this.io as unknown as EmitAny).emit(event, payload);
  }

  /** The learner's tabs of the namespace and its allowed watchers, on every instance. */
  readonly toNamespace: EmitToNamespace = (namespace, event, payload, opts = {}) => {
    this.publish("namespace-event", { namespace, event, payload, except: opts.except });
  };

  /** The same, on this instance only (a live view serves this instance's sockets). */
  readonly toNamespaceHere: EmitToNamespace = (namespace, event, payload, opts = {}) => {
    this.publishHere("namespace-event", { namespace, event, payload, except: opts.except });
  };

  /** A cohort's allowed watchers, on every instance. */
  toCohort<E extends CohortEvent>(cohortId: string, event: E, payload: CohortPayload<E>): void {
    this.publish("cohort-event", { cohortId, event, payload });
  }

  /** Whether any socket of this instance is in the room (socket.io deletes empty rooms). */
  occupiedHere(room: string): boolean {
    return (this.io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  /** This instance's sockets in the room. */
  socketsHere(room: string): KqSocket[] {
    const ids = this.io.sockets.adapter.rooms.get(room);
    if (!ids) return [];
    return [...ids].map((id) => this.io.sockets.sockets.get(id)).filter((s): s is KqSocket => s !== undefined);
  }
}
