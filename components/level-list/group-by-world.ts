import type { LevelSummary } from "@/lib/protocol/socket-events";

export interface WorldGroup {
  number: number;
  title: string;
  levels: LevelSummary[];
  totalXp: number;
}

/** Worlds in order, each with its levels in order of their number. */
export function groupByWorld(levels: readonly LevelSummary[]): WorldGroup[] {
  const worlds = new Map<number, WorldGroup>();
  for (const level of levels) {
    let world = worlds.get(level.world.number);
    if (!world) {
      world = { number: level.world.number, title: level.world.title, levels: [], totalXp: 0 };
      worlds.set(level.world.number, world);
    }
    world.levels.push(level);
    world.totalXp += level.xp;
  }
  const groups = [...worlds.values()].sort((a, b) => a.number - b.number);
  for (const group of groups) group.levels.sort((a, b) => a.number - b.number || a.id.localeCompare(b.id));
  return groups;
}
