// The one PostgreSQL schema of Axilla (drizzle pg-core). Runs unchanged on embedded PGlite and on a
// PostgreSQL server. After editing: `npx drizzle-kit generate --name <what>` writes a migration into
// drizzle/, applied automatically at the next start. Never store identifying patient data here:
// cases carry a pseudonymous code only; image headers are de-identified summaries.
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const id = () => uuid("id").primaryKey().defaultRandom();
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum("role", ["surgeon", "board", "admin"]);
export const ROLES = roleEnum.enumValues;
export type Role = (typeof ROLES)[number];

export const users = pgTable("users", {
  id: id(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: roleEnum("role").notNull(),
  passwordHash: text("password_hash").notNull(), // bcrypt
  createdAt: createdAt(),
});

export const cases = pgTable(
  "cases",
  {
    id: id(),
    caseCode: text("case_code").notNull(), // pseudonymous, e.g. "AX-0001" — never a name or MRN
    ownerId: uuid("owner_id").notNull().references(() => users.id),
    notes: text("notes"), // free text without identifiers
    sharedWith: uuid("shared_with").array().notNull().default(sql`'{}'::uuid[]`), // user ids
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("cases_owner_code_uq").on(t.ownerId, t.caseCode)],
);

export const viewEnum = pgEnum("mammo_view", ["CC", "MLO"]);
export const lateralityEnum = pgEnum("laterality", ["L", "R"]);

export const images = pgTable(
  "images",
  {
    id: id(),
    caseId: uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
    view: viewEnum("view"),
    laterality: lateralityEnum("laterality"),
    headerSummary: jsonb("header_summary").notNull().default({}), // de-identified (PS3.15 basic profile)
    filePath: text("file_path").notNull(), // relative to DATA_DIR (server/storage)
    sha256: text("sha256").notNull(),
    spacingRowMm: doublePrecision("spacing_row_mm"),
    spacingColMm: doublePrecision("spacing_col_mm"),
    spacingSource: text("spacing_source"), // e.g. "PixelSpacing" | "ImagerPixelSpacing" | "assumed" | "user"
    modality: text("modality"),
    rows: integer("rows").notNull(),
    cols: integer("cols").notNull(),
    pixelsPath: text("pixels_path"), // display/ROI pixel cache (chest wall left), relative to DATA_DIR
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("images_case_idx").on(t.caseId)],
);

export const roiMethodEnum = pgEnum("roi_method", ["threshold", "freehand", "brush", "import"]);

export const rois = pgTable(
  "rois",
  {
    id: id(),
    imageId: uuid("image_id").notNull().references(() => images.id, { onDelete: "cascade" }),
    // Mask in the normalised (chest wall on the left) frame; encoding "rle" | "png-base64".
    maskEncoding: text("mask_encoding").notNull(),
    maskData: text("mask_data").notNull(),
    maskRows: integer("mask_rows").notNull(),
    maskCols: integer("mask_cols").notNull(),
    flipped: boolean("flipped").notNull().default(false), // was the image flipped horizontally to normalise
    method: roiMethodEnum("method").notNull(),
    thresholdParams: jsonb("threshold_params"),
    areaMm2: doublePrecision("area_mm2"),
    createdBy: uuid("created_by").references(() => users.id),
    updatedBy: uuid("updated_by").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rois_image_idx").on(t.imageId)],
);

export const featureVectors = pgTable(
  "feature_vectors",
  {
    id: id(),
    imageId: uuid("image_id").notNull().references(() => images.id, { onDelete: "cascade" }),
    roiId: uuid("roi_id").references(() => rois.id, { onDelete: "cascade" }),
    setName: text("set_name").notNull(),
    settings: jsonb("settings").notNull(),
    features: jsonb("features").notNull(), // { [featureName]: number }
    softwareVersion: text("software_version").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("feature_vectors_roi_idx").on(t.roiId)],
);

// Rad-scores computed for a case with a model version (feature vectors per view in feature_vectors).
export const radscores = pgTable(
  "radscores",
  {
    id: id(),
    caseId: uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
    modelVersionId: uuid("model_version_id").notNull().references(() => modelVersions.id),
    value: doublePrecision("value").notNull(),
    detail: jsonb("detail").notNull().default({}), // views used, combination, out-of-range features, terms
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("radscores_case_idx").on(t.caseId)],
);

export const runStatusEnum = pgEnum("run_status", ["queued", "running", "succeeded", "failed", "cancelled"]);

export const cohorts = pgTable("cohorts", {
  id: id(),
  name: text("name").notNull(),
  meta: jsonb("meta").notNull().default({}), // source, counts, column map — no identifiers
  filePath: text("file_path"), // relative to DATA_DIR
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: createdAt(),
});

export const trainingRuns = pgTable("training_runs", {
  id: id(),
  cohortId: uuid("cohort_id").references(() => cohorts.id),
  settings: jsonb("settings").notNull(),
  status: runStatusEnum("status").notNull().default("queued"),
  report: jsonb("report"),
  jobId: uuid("job_id"),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: createdAt(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

export const modelStatusEnum = pgEnum("model_status", ["draft", "published", "retired"]);

export const modelVersions = pgTable(
  "model_versions",
  {
    id: id(),
    label: text("label").notNull().unique(),
    status: modelStatusEnum("status").notNull().default("draft"),
    active: boolean("active").notNull().default(false),
    artefact: jsonb("artefact").notNull(),
    contentHash: text("content_hash").notNull(),
    comment: text("comment"),
    trainingRunId: uuid("training_run_id").references(() => trainingRuns.id),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    publishedBy: uuid("published_by").references(() => users.id),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    retiredBy: uuid("retired_by").references(() => users.id),
    retiredAt: timestamp("retired_at", { withTimezone: true }),
  },
  (t) => [
    // At most one active model version; it must be published.
    uniqueIndex("model_versions_one_active").on(t.active).where(sql`${t.active}`),
    check("model_versions_active_published", sql`NOT ${t.active} OR ${t.status} = 'published'`),
  ],
);

export const predictions = pgTable(
  "predictions",
  {
    id: id(),
    caseId: uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
    modelVersionId: uuid("model_version_id").notNull().references(() => modelVersions.id),
    inputs: jsonb("inputs").notNull(),
    outputs: jsonb("outputs").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("predictions_case_idx").on(t.caseId)],
);

export const jobStatusEnum = pgEnum("job_status", ["queued", "running", "succeeded", "failed", "cancelled"]);

export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    kind: text("kind").notNull(),
    status: jobStatusEnum("status").notNull().default("queued"),
    progress: integer("progress").notNull().default(0),
    stage: text("stage"),
    payload: jsonb("payload").notNull().default({}),
    result: jsonb("result"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    createdBy: uuid("created_by").references(() => users.id),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("jobs_status_idx").on(t.status),
    check("jobs_progress_range", sql`${t.progress} BETWEEN 0 AND 100`),
  ],
);

export const auditOutcomeEnum = pgEnum("audit_outcome", ["success", "denied", "failure"]);

// Append-only: the app has no update/delete path, and a trigger (migration 0001) raises on UPDATE/DELETE.
export const auditLog = pgTable(
  "audit_log",
  {
    id: serial("id").primaryKey(),
    actorId: uuid("actor_id"), // null for anonymous; no FK so audit rows outlive users
    actorRole: text("actor_role"),
    action: text("action").notNull(), // e.g. "auth.signin", "trpc:cases.create"
    objectType: text("object_type"),
    objectId: text("object_id"),
    outcome: auditOutcomeEnum("outcome").notNull(),
    detail: jsonb("detail").notNull().default({}), // never identifying data
    ipHash: text("ip_hash"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_at_idx").on(t.at), index("audit_actor_idx").on(t.actorId)],
);

export const meetings = pgTable("meetings", {
  id: id(),
  date: timestamp("date", { withTimezone: true }).notNull(),
  title: text("title").notNull(),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: createdAt(),
});

export const meetingCases = pgTable(
  "meeting_cases",
  {
    meetingId: uuid("meeting_id").notNull().references(() => meetings.id, { onDelete: "cascade" }),
    caseId: uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.caseId] })],
);

// The board members of a meeting (chosen by the surgeon who created it): a board user sees a meeting, and the
// cases on it, only while a member.
export const meetingMembers = pgTable(
  "meeting_members",
  {
    meetingId: uuid("meeting_id").notNull().references(() => meetings.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] }), index("meeting_members_user_idx").on(t.userId)],
);

export const baselines = pgTable("baselines", {
  id: id(),
  name: text("name").notNull(), // comparator
  metric: text("metric").notNull(),
  value: text("value").notNull(), // as stated, e.g. "0.895" or "84.0%"
  citation: text("citation").notNull(),
  position: integer("position").notNull().default(0),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
