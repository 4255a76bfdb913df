/**
 * The socket.io rooms KubeQuest sends to, named in one place: the socket layer joins sockets to
 * them, the features address their events by them.
 *
 * - a namespace's room (`kq-…`, the namespace's own name): the learner's tabs with that level open;
 * - `learner:<id>`: every socket of one learner (all tabs and devices);
 * - `watch:<namespace>`: instructors watching that learner's level (never the learner's room:
 *   every send to them passes an access check, see instructor/learner-watch-broadcast.ts);
 * - `cohort:<id>`: instructors with that cohort's roster open.
 */

/** The room of every socket of one learner (all their tabs and devices). */
export const learnerRoom = (learnerId: string): string => `learner:${learnerId}`;

/** The room of the instructor sockets watching the learner whose level lives in `namespace`. */
export const watchRoom = (namespace: string): string => `watch:${namespace}`;

/** The room of a cohort's watchers (instructors with its roster open). */
export const cohortRoom = (cohortId: string): string => `cohort:${cohortId}`;

/** Learner environments' namespaces all start so (environments/environment-naming.ts). */
const NAMESPACE_ROOM_PREFIX = "kq-";

/** The namespace a room is about (its own room or its watchers'), or null for other rooms. */
export function namespaceOfRoom(room: string): string | null {
  if (room.startsWith(NAMESPACE_ROOM_PREFIX)) return room;
  const watchers = watchRoom("");
  return room.startsWith(watchers + NAMESPACE_ROOM_PREFIX) ? room.slice(watchers.length) : null;
}
