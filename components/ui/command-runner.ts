"use client";
// Why: code blocks in the briefing, hints and debrief offer "Run in terminal" (issue 16, item
// 9, as Killercoda and iximiuz do). They sit deep inside rendered Markdown; the level page
// provides the terminal through this context instead of threading it through every panel.
// Without a provider (any other page) blocks offer Copy only.

import { createContext, use } from "react";

export interface CommandRunner {
  /** Types `command` into the learner's shell and presses Enter; false when no shell is attached. */
  run(command: string): boolean;
  /** Why Run is unavailable right now (no shell yet), or null when it is available. */
  unavailable: string | null;
}

export const CommandRunnerContext = createContext<CommandRunner | null>(null);

export function useCommandRunner(): CommandRunner | null {
  return use(CommandRunnerContext);
}
