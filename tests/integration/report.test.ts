// The PDF report: non-empty PDF naming the case code and model version, the probability and CI equal to the
// saved prediction (= lib predict), the demo label and the disclaimer; the export is audited; a report keeps the
// model version its prediction used.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";
import { auditLog, cases, modelVersions, radscores, users } from "../../server/db/schema.ts";
import type { SessionUser } from "../../server/auth/roles.ts";
import { parseArtefact } from "../../lib/model/artefact.ts";
import { hashArtefact } from "../../lib/model/hash.ts";
import { predict } from "../../lib/model/predict.ts";
import { pdfText } from "./report-pdftext.ts";

const MODEL = parseArtefact(JSON.parse(readFileSync(new URL("../fixtures/predictions/model-full.json", import.meta.url), "utf8")));
const F = { age: 61, t_stage: "T3", location: "LOQ", er: "positive", pr: "positive", us_aln: "positive" } as const;
const pct = (p: number) => `${(100 * p).toFixed(1)}%`;

describe("report PDF", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  let caseId = "";
  const as = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    const [v] = await t.db.insert(modelVersions).values({ label: "report-v1", status: "published", active: true, artefact: MODEL, contentHash: hashArtefact(MODEL) }).returning();
    const [c] = await t.db.insert(cases).values({ caseCode: "AX-R-0042", ownerId: who.surgeon.id }).returning();
    caseId = c.id;
    await t.db.insert(radscores).values({ caseId, modelVersionId: v.id, value: 1.234, detail: {} });
  });
  after(async () => t.close());

  test("no saved prediction -> a clear NOT_FOUND", async () => {
    await assert.rejects(as(who.surgeon).reports.pdf({ caseId }), /no saved prediction/);
  });

  test("the PDF names case, version, estimate with CI, baselines, disclaimer; export audited", async () => {
    const saved = await as(who.surgeon).predictions.save({ caseId, factors: F, threshold: 0.5 });
    const r = await as(who.surgeon).reports.pdf({ caseId });
    const bytes = Buffer.from(r.base64, "base64");
    assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
    assert.ok(bytes.length > 2000);
    assert.equal(r.filename, "axilla-report-AX-R-0042.pdf");
    const text = pdfText(bytes);
    const e = predict(MODEL, { ...F, radscore: 1.234 });
    for (const s of ["AX-R-0042", "report-v1", "Demo model", pct(e.probability), `95% CI ${pct(e.ci95[0])} to ${pct(e.ci95[1])}`, "SLNB", "Ultrasound alone", "Decision support only", "Probability of", "Total points"])
      assert.ok(text.includes(s), `PDF text contains "${s}"`);
    const [a] = await t.db.select().from(auditLog).where(eq(auditLog.action, "reports.export"));
    assert.equal(a.objectId, saved.id);
    assert.equal(a.actorId, who.surgeon.id);
  });

  test("a report keeps its prediction's model version after another version becomes active", async () => {
    const other = structuredClone(MODEL) as typeof MODEL & { hash?: string };
    delete other.hash;
    await t.db.update(modelVersions).set({ active: false });
    await t.db.insert(modelVersions).values({ label: "report-v2", status: "published", active: true, artefact: other, contentHash: hashArtefact(other) });
    const d = await as(who.surgeon).reports.data({ caseId });
    assert.equal(d.prediction.modelVersionLabel, "report-v1");
    assert.equal(d.model.versionLabel, "report-v1");
    assert.ok(pdfText(Buffer.from((await as(who.surgeon).reports.pdf({ caseId })).base64, "base64")).includes("report-v1"));
  });
});
