// Report images: a real mammogram (mini-MIAS mdb028 wrapped as MG DICOM, fixture) uploaded through part 1's API with
// a circular ROI around the tumour the mini-MIAS annotation gives (x 338, y 314 from the bottom, radius 56 px);
// the report's image shows the ROI outline in red exactly on that circle (downsampled), and the PDF embeds it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PNG } from "pngjs";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-int-report-img-"));
process.env.DATA_DIR = dataDir;

const { createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb } = await import("../../server/db/testing.ts");
const { modelVersions, radscores, users } = await import("../../server/db/schema.ts");
const { encodeMaskRle } = await import("../../server/api/routers/rois.ts");
const { polygonToMask } = await import("../../lib/radiomics/roi.ts");
const { parseArtefact } = await import("../../lib/model/artefact.ts");
const { hashArtefact } = await import("../../lib/model/hash.ts");
type SessionUser = import("../../server/auth/roles.ts").SessionUser;

const MG = join(import.meta.dirname, "..", "fixtures", "dicom", "generated", "mdb028_MG.dcm");
const MODEL = parseArtefact(JSON.parse(readFileSync(new URL("../fixtures/predictions/model-full.json", import.meta.url), "utf8")));
const ROW = 1024 - 314; // mini-MIAS y is from the bottom
const COL = 338;
const R = 56;

describe("report images with the ROI outline", () => {
  let t: Awaited<ReturnType<typeof createTestDb>>;
  let surgeon: ReturnType<typeof createCaller>;
  let caseId = "";
  before(async () => {
    t = await createTestDb({ seed: true });
    const u = (await t.db.select().from(users)).find((x) => x.role === "surgeon")!;
    const who: SessionUser = { id: u.id, email: u.email, name: u.name, role: "surgeon" };
    surgeon = createCaller(createTestContext({ db: t.db, user: who }));
    const [v] = await t.db.insert(modelVersions).values({ label: "img-v1", status: "published", active: true, artefact: MODEL, contentHash: hashArtefact(MODEL) }).returning();
    caseId = (await surgeon.cases.create({ caseCode: "AX-IMG-01" })).id;
    const bytes = new Uint8Array(readFileSync(MG));
    const { uploadId, chunkBytes } = await surgeon.images.uploadBegin({ caseId, size: bytes.byteLength });
    for (let off = 0; off < bytes.byteLength; off += chunkBytes)
      await surgeon.images.uploadChunk({ uploadId, offset: off, data: Buffer.from(bytes.subarray(off, off + chunkBytes)).toString("base64") });
    const r = await surgeon.images.ingest({ uploadId });
    assert.equal(r.status, "stored");
    if (r.status !== "stored") return;
    const poly = Array.from({ length: 128 }, (_, k) => ({ x: COL + 0.5 + R * Math.cos((2 * Math.PI * k) / 128), y: ROW + 0.5 + R * Math.sin((2 * Math.PI * k) / 128) }));
    const mask = polygonToMask(r.image.rows, r.image.cols, poly);
    await surgeon.rois.save({ imageId: r.image.id, method: "freehand", rows: mask.rows, cols: mask.cols, rle: encodeMaskRle(mask) });
    await t.db.insert(radscores).values({ caseId, modelVersionId: v.id, value: 0.5, detail: {} });
    await surgeon.predictions.save({ caseId, factors: { age: 50, t_stage: "T2", location: "UOQ", er: "positive", pr: "positive", us_aln: "negative" } });
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("the outline is drawn on the ROI boundary; the PDF embeds the image", async () => {
    const imgs = await surgeon.reports.images({ caseId });
    assert.equal(imgs.length, 1);
    const png = PNG.sync.read(Buffer.from(imgs[0].dataUrl.split(",")[1], "base64"));
    const f = 1024 / png.width; // downsampling factor (1024 px -> <= 640 px)
    assert.equal(f, 2);
    let red = 0;
    let maxOff = 0;
    for (let r = 0; r < png.height; r++)
      for (let c = 0; c < png.width; c++) {
        const o = (r * png.width + c) * 4;
        if (png.data[o] === 230 && png.data[o + 1] === 40 && png.data[o + 2] === 40) {
          red++;
          const d = Math.hypot((r + 0.5) * f - (ROW + 0.5), (c + 0.5) * f - (COL + 0.5));
          maxOff = Math.max(maxOff, Math.abs(d - R));
        }
      }
    assert.ok(red > 2 * Math.PI * (R / f), `outline pixels: ${red}`);
    assert.ok(maxOff <= 2.5 * f, `outline pixels lie on the ROI circle (max offset ${maxOff.toFixed(2)} px)`);
    const pdf = Buffer.from((await surgeon.reports.pdf({ caseId })).base64, "base64").toString("latin1");
    assert.match(pdf, /\/Subtype \/Image/);
  });
});
