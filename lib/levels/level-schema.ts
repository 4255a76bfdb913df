/**
 * The schema of a level's manifest (`levels/<world>/<level>/level.yaml`) and the single source
 * of its TypeScript types. The level catalog parses every manifest with it, `npm run
 * levels:check` reports its errors, and the level runner and grader consume the parsed types.
 *
 * Browser-safe: imports only zod.
 */
import { z } from "zod";
import { EDITOR_KIND_PATTERN, NEVER_EDITOR_KINDS } from "./editor-kinds";

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Kebab-case identifier: level ids, check ids, wrong-fix ids. Stable once published. */
const kebabId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$/, "use lowercase letters, digits and dashes (e.g. per-pod-dns)");

/**
 * A file inside the level's directory, written relative to it with forward slashes. Segments
 * start with a letter or digit, so `..`, absolute paths and hidden files cannot sneak in.
 */
const levelFile = z
  .string()
  .regex(
    /^(?:[a-z0-9][a-z0-9._-]*\/)*[a-z0-9][a-z0-9._-]*\.ya?ml$/,
    "a file is a lowercase relative path inside the level directory ending in .yaml, e.g. broken/service.yaml",
  );

/** A Kubernetes object or pod name (RFC 1123 label: pods of a workload are always labels). */
export const objectName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a name is lowercase letters, digits and dashes, e.g. redis-0");

const nonEmptyText = z.string().trim().min(1, "must not be empty");

/** The only placeholder an exec argument may carry: the current IP of a pod of the level. */
const POD_IP_PLACEHOLDER = /\{\{podIP:[a-z0-9]([-a-z0-9]*[a-z0-9])?\}\}/g;

const execArgument = z
  .string()
  .max(1024)
  .refine((arg) => !/\{\{|\}\}/.test(arg.replace(POD_IP_PLACEHOLDER, "")), {
    message: "the only placeholder allowed in a command is {{podIP:<pod-name>}}",
  });

// ---------------------------------------------------------------------------------------------
// Steps: what the solution and the wrong fixes do to a fresh broken environment

export const stepSchema = z.discriminatedUnion("action", [
  /**
   * Server-side apply of every object in `file` (what the editor's Apply button does). A step's
   * file may use `{{namespace}}` and `{{podIP:<pod-name>}}` in its string values, filled in at
   * run time (a wrong fix that pins a pod's current IP needs both).
   */
  z.strictObject({ action: z.literal("apply"), file: levelFile }),
  /**
   * Delete every object in `file` and create it again: the way to change an immutable field
   * such as a Service's clusterIP (the editor's Recreate button).
   */
  z.strictObject({ action: z.literal("recreate"), file: levelFile }),
  /**
   * `kubectl apply -f` of `file` in the learner's terminal: how a learner creates a kind the
   * editor does not offer (a bare debugging Pod, say). Placeholders as for `apply`.
   */
  z.strictObject({ action: z.literal("terminalApply"), file: levelFile }),
  /**
   * kubectl with these arguments in the learner's terminal, as the learner: a wait a learner
   * would type (`wait --for=condition=Ready pod/redis-debug --timeout=60s`), or any command
   * of theirs. Fails when kubectl exits non-zero.
   */
  z.strictObject({ action: z.literal("kubectl"), args: z.array(z.string().min(1).max(500)).min(1).max(30) }),
  /** Delete one object of the level's namespace, e.g. `{kind: StatefulSet, name: redis}`. */
  z.strictObject({
    action: z.literal("delete"),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "kind is a Kubernetes kind such as StatefulSet"),
    name: objectName,
  }),
  /** Wait until every pod of the level's workload is Ready, failing after `timeoutSeconds`. */
  z.strictObject({
    action: z.literal("waitReady"),
    timeoutSeconds: z.number().int().min(1).max(600),
  }),
  /**
   * Wait until the workload's rolling update has finished (what `kubectl rollout status` waits
   * for, partitions included), failing after `timeoutSeconds`. After an apply that changes the
   * pod template, `waitReady` alone could see the old pods still Ready.
   */
  z.strictObject({
    action: z.literal("waitRollout"),
    timeoutSeconds: z.number().int().min(1).max(600),
  }),
  /**
   * Run a command (plain argv, never a shell line) in a pod of the level. An argument may
   * contain `{{podIP:<pod-name>}}`, replaced by the runner with that pod's IP at run time.
   */
  z.strictObject({
    action: z.literal("exec"),
    pod: objectName,
    /** Defaults to the pod's first container. */
    container: objectName.optional(),
    command: z.array(execArgument).min(1, "command needs at least the program to run"),
  }),
]);
export type LevelStep = z.infer<typeof stepSchema>;

// ---------------------------------------------------------------------------------------------
/** Does `/body/flags` compile? */
function compilesAsRegExp(text: string): boolean {
  try {
    evidencePattern(text);
    return true;
  } catch {
    return false;
  }
}

/** A declared evidence as a matcher: `/body/flags` is a regular expression, anything else a substring. */
export function evidencePattern(text: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (m) return new RegExp(m[1]!, m[2]);
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

// Grader checks

/**
 * A grader check. `id` is what results, wrong fixes and chaos rounds refer to; `type` selects the
 * grader's implementation, so one implementation can serve many levels. Which types exist and
 * which `params` each takes is the check library's business (server/grader/checks/): it
 * validates them when the catalog loads and in `npm run levels:check`.
 */
export const checkSpecSchema = z.strictObject({
  /** Stable id, unique within the level, e.g. "per-pod-dns". */
  id: kebabId,
  /** The check type, e.g. "service-dns" (see the check library). */
  type: kebabId,
  /** Short name shown in the grade panel. */
  title: nonEmptyText,
  /** What the check verifies and why it matters, in one or two sentences (Markdown). */
  explanation: nonEmptyText,
  /** Optional: what to look at next when the check fails (Markdown). */
  hint: nonEmptyText.optional(),
  /** The type's parameters, checked against the type's own schema by the check library. */
  params: z.record(z.string(), z.unknown()).optional(),
});
export type CheckSpec = z.infer<typeof checkSpecSchema>;

// ---------------------------------------------------------------------------------------------
// The manifest

const hintSchema = z.strictObject({
  /** Short title shown before the hint is revealed. */
  title: nonEmptyText,
  /** Markdown. Hints are ordered from a nudge to nearly the answer. */
  body: nonEmptyText,
  /** XP the learner gives up by revealing this hint. */
  xpCost: z.number().int().min(0),
});
export type LevelHintSpec = z.infer<typeof hintSchema>;

const editableFileSchema = z.strictObject({
  /** Path of the file inside the level directory, e.g. "broken/service.yaml". */
  file: levelFile,
  /** Name shown in the editor's tab, e.g. "service.yaml". */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a tab name is a plain file name such as service.yaml"),
});

const workloadSchema = z.strictObject({
  /** The kind of the workload the learner repairs. */
  kind: z.enum(["StatefulSet", "Deployment"]),
  /** Its name; a StatefulSet's pods are `<name>-0`, `<name>-1`, … */
  name: objectName,
  /** How many pods it should run once fixed. */
  replicas: z.number().int().min(1).max(10),
  /** The governing Service's name when the workload cannot tell (e.g. it was deleted). */
  defaultServiceName: objectName,
  /**
   * Containers that must have started before the level is handed to the learner, beside the
   * toolbox and the workload's first pod: the broken state the briefing describes (e.g. redis-1
   * waiting in its init container), so the learner's first look shows it.
   */
  readyWhenStarted: z.array(z.strictObject({ pod: objectName, container: objectName })).max(5).default([]),
});

const chaosSchema = z.strictObject({
  /** The pod deleted once the main grade passes, e.g. "redis-1". */
  deletePod: objectName,
  /** Ids of grader checks that must pass again after the pod comes back. */
  checks: z.array(kebabId).min(1),
  /** How long the replacement pod and the checks get in total. */
  timeoutSeconds: z.number().int().min(5).max(600),
  /**
   * What the round proves, one sentence. Shown after the level's objectives and ticked only
   * once the chaos round has passed (never because the main round did).
   */
  objective: nonEmptyText,
});

/**
 * What a failing check must have said: a plain substring of its evidence or reason, or a
 * regular expression written `/…/flags`. Not the level's own hint text, which any failure shows.
 */
const expectedEvidence = z
  .string()
  .min(3)
  .refine((e) => !/^\/.*\/[a-z]*$/s.test(e) || compilesAsRegExp(e), "write a valid regular expression between slashes, or a plain substring");

const brokenStateSchema = z.strictObject({
  /** Id of the first grader check the untouched broken state fails. */
  failsAt: kebabId,
  /** What that check must say about it. */
  evidence: expectedEvidence,
});

const wrongFixSchema = z.strictObject({
  /** Stable id; its files live under `wrong-fixes/<id>/`. */
  id: kebabId,
  /** The tempting but wrong idea, in one sentence. */
  description: nonEmptyText,
  /** Id of the first grader check that must fail once these steps ran on a fresh broken environment. */
  failsAt: kebabId,
  /**
   * What that check must say about this fix: proof the steps did what the fix claims (a fix
   * whose steps did nothing would fail like the broken state, and must not count).
   */
  evidence: expectedEvidence,
  steps: z.array(stepSchema).min(1),
});
export type WrongFix = z.infer<typeof wrongFixSchema>;

/**
 * Extra panels of the level page's live view, beyond the namespace's picture and its DNS
 * answers. `node-rules`: "On the nodes", the NAT rules kube-proxy programmed on each node for the
 * level's Services, read by KubeQuest's collector (learners get no node access).
 */
export const LEVEL_PANELS = ["node-rules"] as const;
export type LevelPanel = (typeof LEVEL_PANELS)[number];

const levelManifestObject = z.strictObject({
  /** Version of this format; bumped when a change would misread older manifests. */
  formatVersion: z.literal(1),
  /** Stable id used in URLs, progress records and the protocol; never change it once published. */
  id: kebabId,
  /** Number shown to learners; unique across all levels. */
  number: z.number().int().min(1).max(999),
  title: nonEmptyText,
  world: z.strictObject({
    number: z.number().int().min(1).max(99),
    title: nonEmptyText,
  }),
  /** XP for passing the main grade. */
  xp: z.number().int().min(0),
  /** Extra XP for passing the chaos round too. */
  chaosBonusXp: z.number().int().min(0),
  difficulty: z.enum(["beginner", "intermediate", "advanced"]),
  /** Kubernetes ideas the level teaches, shown as tags. */
  concepts: z.array(nonEmptyText).min(1),
  estimatedMinutes: z.number().int().min(1).max(240),
  /** What the learner must achieve, one sentence each. */
  objectives: z.array(nonEmptyText).min(1),
  /** Files shown in the editor, in tab order. */
  editableFiles: z.array(editableFileSchema).min(1),
  /**
   * The kinds the editor may apply, as `Kind` (core group) or `<group>/<Kind>`
   * (`apps/StatefulSet`): only what the level is solved with. Anything else is refused with
   * the list; the learner's RBAC is checked behind it.
   */
  editorKinds: z
    .array(z.string().regex(EDITOR_KIND_PATTERN, "write Kind for the core group or group/Kind, e.g. Service or apps/StatefulSet"))
    .min(1),
  /** Ordered from a gentle nudge to nearly the answer. */
  hints: z.array(hintSchema).min(1),
  /** XP given up by revealing the full solution (the whole level's XP by convention). */
  solutionXpCost: z.number().int().min(0),
  /** Manifest files applied, in order, to build the broken starting state. */
  setup: z.array(levelFile).min(1),
  /** The workload the level is about; graders and the live view look at its pods. */
  workload: workloadSchema,
  /** Extra live-view panels the level shows (LEVEL_PANELS); none by default. */
  panels: z.array(z.enum(LEVEL_PANELS)).default([]),
  /** Checks run in order; a failed check skips the rest. */
  grader: z.array(checkSpecSchema).min(1),
  /** Optional round after the main grade passes: delete a pod and grade some checks again. */
  chaos: chaosSchema.optional(),
  /** Steps that turn the broken state into a passing one. */
  solution: z.array(stepSchema).min(1),
  /** How the untouched starting state fails: the check and what it says. */
  brokenState: brokenStateSchema,
  /**
   * Plausible fixes that must NOT pass, each with the check that catches it. Together with the
   * broken state they must make every grader check fail somewhere (a check never seen failing
   * is not known to work).
   */
  wrongFixes: z.array(wrongFixSchema).default([]),
});

/** Rules spanning several fields; each issue points at the field to change. */
export const levelManifestSchema = levelManifestObject.superRefine((m, ctx) => {
  const checkIds = new Set<string>();
  m.grader.forEach((check, i) => {
    if (checkIds.has(check.id)) {
      ctx.addIssue({ code: "custom", path: ["grader", i, "id"], message: `duplicate check id "${check.id}"` });
    }
    checkIds.add(check.id);
  });
  const knownChecks = [...checkIds].join(", ");

  const wrongFixIds = new Set<string>();
  m.wrongFixes.forEach((fix, i) => {
    if (wrongFixIds.has(fix.id)) {
      ctx.addIssue({ code: "custom", path: ["wrongFixes", i, "id"], message: `duplicate wrong-fix id "${fix.id}"` });
    }
    wrongFixIds.add(fix.id);
    if (!checkIds.has(fix.failsAt)) {
      ctx.addIssue({
        code: "custom",
        path: ["wrongFixes", i, "failsAt"],
        message: `"${fix.failsAt}" is not a grader check id (known: ${knownChecks})`,
      });
    }
  });

  if (!checkIds.has(m.brokenState.failsAt)) {
    ctx.addIssue({ code: "custom", path: ["brokenState", "failsAt"], message: `"${m.brokenState.failsAt}" is not a grader check id (known: ${knownChecks})` });
  }
  m.wrongFixes.forEach((fix, i) => {
    if (fix.failsAt === m.brokenState.failsAt && fix.evidence === m.brokenState.evidence) {
      ctx.addIssue({
        code: "custom",
        path: ["wrongFixes", i, "evidence"],
        message: `fails exactly as the broken state does (${fix.failsAt}, "${fix.evidence}"): declare the evidence only this fix produces, or a fix whose steps did nothing would count`,
      });
    }
  });
  const seenFailing = new Set([m.brokenState.failsAt, ...m.wrongFixes.map((f) => f.failsAt)]);
  m.grader.forEach((check, i) => {
    if (!seenFailing.has(check.id)) {
      ctx.addIssue({
        code: "custom",
        path: ["grader", i, "id"],
        message: `check "${check.id}" is never seen failing: neither the broken state nor any wrong fix declares failsAt: ${check.id}. Add a realistic wrong fix that fails there`,
      });
    }
  });

  if (m.chaos) {
    m.chaos.checks.forEach((id, i) => {
      if (!checkIds.has(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["chaos", "checks", i],
          message: `"${id}" is not a grader check id (known: ${knownChecks})`,
        });
      }
    });
    if (!m.chaos.deletePod.startsWith(`${m.workload.name}-`)) {
      ctx.addIssue({
        code: "custom",
        path: ["chaos", "deletePod"],
        message: `the chaos round deletes a pod of the workload, so its name starts with "${m.workload.name}-"`,
      });
    }
  }

  m.panels.forEach((panel, i) => {
    if (m.panels.indexOf(panel) !== i) ctx.addIssue({ code: "custom", path: ["panels", i], message: `${panel} is listed twice` });
  });

  m.editorKinds.forEach((kind, i) => {
    const why = NEVER_EDITOR_KINDS[kind];
    if (why) ctx.addIssue({ code: "custom", path: ["editorKinds", i], message: `${kind} can never be applied from the editor: ${why}` });
    if (m.editorKinds.indexOf(kind) !== i) ctx.addIssue({ code: "custom", path: ["editorKinds", i], message: `${kind} is listed twice` });
  });

  const tabNames = new Set<string>();
  const editable = new Set<string>();
  m.editableFiles.forEach((f, i) => {
    if (tabNames.has(f.name)) {
      ctx.addIssue({ code: "custom", path: ["editableFiles", i, "name"], message: `duplicate tab name "${f.name}"` });
    }
    if (editable.has(f.file)) {
      ctx.addIssue({ code: "custom", path: ["editableFiles", i, "file"], message: `"${f.file}" is listed twice` });
    }
    tabNames.add(f.name);
    editable.add(f.file);
  });

  const hintCost = m.hints.reduce((sum, h) => sum + h.xpCost, 0);
  if (hintCost > m.xp) {
    ctx.addIssue({
      code: "custom",
      path: ["hints"],
      message: `the hints cost ${hintCost} XP in total, more than the level's ${m.xp} XP`,
    });
  }
  if (m.solutionXpCost > m.xp) {
    ctx.addIssue({
      code: "custom",
      path: ["solutionXpCost"],
      message: `revealing the solution cannot cost more than the level's ${m.xp} XP`,
    });
  }
});

/** The parsed manifest (after defaults). */
export type LevelManifest = z.infer<typeof levelManifestSchema>;

// ---------------------------------------------------------------------------------------------
// Helpers

/** Every file a manifest refers to (setup, editor tabs, solution and wrong-fix steps), sorted. */
export function referencedFiles(manifest: LevelManifest): string[] {
  const files = new Set<string>([...manifest.setup, ...manifest.editableFiles.map((f) => f.file)]);
  const steps = [...manifest.solution, ...manifest.wrongFixes.flatMap((fix) => fix.steps)];
  for (const step of steps) {
    if (step.action === "apply" || step.action === "recreate" || step.action === "terminalApply") files.add(step.file);
  }
  return [...files].sort();
}

/** Turns a zod issue path into the notation a level author would write: `hints[2].xpCost`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

export type ManifestParseResult =
  | { ok: true; manifest: LevelManifest }
  | { ok: false; problems: string[] };

/** Validates parsed YAML; each problem reads "field: what is wrong". */
export function parseLevelManifest(data: unknown): ManifestParseResult {
  const result = levelManifestSchema.safeParse(data);
  if (result.success) return { ok: true, manifest: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`),
  };
}
