import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getLevelCatalog } from "@/server/levels/level-catalog";
import { LevelPage } from "@/components/level-page/level-page";

interface LevelRouteProps {
  params: Promise<{ levelId: string }>;
}

async function loadLevel(levelId: string) {
  await connection();
  const catalog = await getLevelCatalog();
  return catalog.get(levelId);
}

export async function generateMetadata({ params }: LevelRouteProps): Promise<Metadata> {
  const level = await loadLevel((await params).levelId);
  if (!level) return { title: "Level not found" };
  const summary = level.summary();
  return { title: `Level ${summary.number}: ${summary.title}` };
}

export default async function LevelRoute({ params }: LevelRouteProps) {
  const level = await loadLevel((await params).levelId);
  if (!level) notFound();
  // Only plain data crosses into the client shell.
  return <LevelPage level={level.detail()} />;
}
