/**
 * Terminal recordings: what a learner's terminal showed, frame by frame with its timing, kept so
 * that their instructor can replay it. Only learners in a cohort are recorded (only instructors
 * watch), each recording is capped in size (see `terminal-recorder.ts`) and deleted after the
 * retention period (`purgeOlderThan`, run at start and hourly by the server).
 *
 * Frames are written in batches by the recorder, never one row per keystroke.
 *
 * Node only.
 */
import type { Kysely } from "kysely";
import type { RecordingFrame, RecordingSummary, TerminalRecording } from "../../lib/protocol/instructor-api";
import type { Database, TerminalRecordingsTable } from "./schema";

/** A frame as stored: its place in the recording, then what the replay needs. */
export interface StoredFrame extends RecordingFrame {
  seq: number;
}

export interface NewRecording {
  id: string;
  learnerId: string;
  levelId: string;
  startedAt: Date;
  cols: number;
  rows: number;
}

/** The recording's running totals, written with each batch of frames. */
export interface RecordingTotals {
  /** Time of the last kept frame. */
  updatedAt: Date;
  bytes: number;
  truncated: boolean;
}

/**
 * Rows per INSERT: 5 parameters each keeps a statement far below SQLite's (32766) and
 * PostgreSQL's (65535) parameter limits however many frames a batch holds.
 */
const FRAMES_PER_INSERT = 500;

/** The learner detail lists the newest recordings only (each can be replayed; older ones expire). */
export const RECORDING_LIST_LIMIT = 50;

function summaryOf(row: TerminalRecordingsTable): RecordingSummary {
  return {
    id: row.id,
    levelId: row.level_id,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    durationMs: Math.max(0, Date.parse(row.updated_at) - Date.parse(row.started_at)),
    bytes: Number(row.bytes),
    truncated: Number(row.truncated) === 1,
  };
}

export class RecordingStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Whether `learnerId`'s terminal is recorded: they are a member of at least one cohort. */
  async isRecorded(learnerId: string): Promise<boolean> {
    const row = await this.db.selectFrom("cohort_members").select("cohort_id").where("learner_id", "=", learnerId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Creates an empty recording (its frames follow with `append`). */
  async create(rec: NewRecording): Promise<void> {
    const at = rec.startedAt.toISOString();
    await this.db
      .insertInto("terminal_recordings")
      .values({ id: rec.id, learner_id: rec.learnerId, level_id: rec.levelId, started_at: at, updated_at: at, cols: rec.cols, rows: rec.rows, bytes: 0, truncated: 0 })
      .execute();
  }

  /** Adds a batch of frames and the recording's new totals, in one transaction. */
  async append(recordingId: string, frames: readonly StoredFrame[], totals: RecordingTotals): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < frames.length; i += FRAMES_PER_INSERT) {
        await trx
          .insertInto("terminal_recording_frames")
          .values(frames.slice(i, i + FRAMES_PER_INSERT).map((f) => ({ recording_id: recordingId, seq: f.seq, t_ms: f.t, kind: f.kind, data: f.data })))
          .execute();
      }
      await trx
        .updateTable("terminal_recordings")
        .set({ updated_at: totals.updatedAt.toISOString(), bytes: totals.bytes, truncated: totals.truncated ? 1 : 0 })
        .where("id", "=", recordingId)
        .execute();
    });
  }

  /**
   * The learner's recordings, newest first (without their frames), at most `limit` (default
   * RECORDING_LIST_LIMIT). `since`: only those started at or after it — an instructor sees
   * what the learner typed while in their cohort, not before they joined it.
   */
  async list(learnerId: string, opts: { since?: string; limit?: number } = {}): Promise<RecordingSummary[]> {
    let q = this.db.selectFrom("terminal_recordings").selectAll().where("learner_id", "=", learnerId);
    if (opts.since !== undefined) q = q.where("started_at", ">=", opts.since);
    const rows = await q
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(opts.limit ?? RECORDING_LIST_LIMIT)
      .execute();
    return rows.map(summaryOf);
  }

  /**
   * One recording with its frames in order; null when there is none of that id for that
   * learner (or, with `since`, none started at or after it).
   */
  async recording(learnerId: string, recordingId: string, opts: { since?: string } = {}): Promise<TerminalRecording | null> {
    let q = this.db.selectFrom("terminal_recordings").selectAll().where("id", "=", recordingId).where("learner_id", "=", learnerId);
    if (opts.since !== undefined) q = q.where("started_at", ">=", opts.since);
    const row = await q.executeTakeFirst();
    if (!row) return null;
    const frames = await this.db
      .selectFrom("terminal_recording_frames")
      .select(["t_ms", "kind", "data"])
      .where("recording_id", "=", recordingId)
      .orderBy("seq", "asc")
      .execute();
    return {
      ...summaryOf(row),
      cols: Number(row.cols),
      rows: Number(row.rows),
      frames: frames.map((f) => ({ t: Number(f.t_ms), kind: f.kind, data: f.data })),
    };
  }

  /**
   * Deletes recordings whose last frame is older than `cutoff` (their frames go with them:
   * ON DELETE CASCADE). Returns how many went.
   */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result = await this.db.deleteFrom("terminal_recordings").where("updated_at", "<", cutoff.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
