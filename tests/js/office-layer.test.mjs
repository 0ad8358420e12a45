// The Office add-in's Excel layer (src/malark/web/assets/office-layer.js) against a mock of
// the Excel API (office-addin-mock), with the engine's real output for a workbook with
// errors (written by tests/test_web_office_js.py to $MALARK_PANE_FIXTURE). Run by
// `node --test tests/js/`.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";

import {
  MARK_FILLS, NOTE_PREFIX, RESULTS_SHEET, REGISTRY_HEADERS, applyMarks, clearEarlierMarks,
  readDocumentBytes, readRegistry, validateOpenWorkbook, workbookName, writeResults,
} from "../../src/malark/web/assets/office-layer.js";
import { OFFICE_MEMBERS, declaredMembers, excelContext, officeMock } from "./excel-mock.mjs";
import { officeTypes } from "./office-types.mjs";

const fixture = JSON.parse(fs.readFileSync(process.env.MALARK_PANE_FIXTURE, "utf8"));
const SHEETS = () => ({
  "Instruktioner": { protected: true, cells: {} },
  "KF-mål": { protected: true, cells: { A2: { fill: "#D9E1F2" }, E2: { note: "Min egen anteckning" } } },
  "Nämndmål": { protected: true, cells: {} },
  "Indikatorer": { protected: true, cells: {} },
  "Aktiviteter": { protected: true, cells: {} },
});
const ALL_SETS = { "ExcelApi 1.18": true, "ExcelApi 1.7": true };

function fakeEngine(result) {
  return {
    validateOpenWorkbook: async (name, bytes) => ({ ...result, seen: { name, size: bytes.length } }),
    summary: async (errors, warnings, unmarked) => `${errors} fel, ${warnings} varningar, ${unmarked} omarkerade`,
  };
}

async function press(context, office, result = fixture) {
  return validateOpenWorkbook({ office, run: (batch) => batch(context), engine: fakeEngine(result) });
}

const sheetOf = (context, name) => context.workbook.worksheets.byName[name];

async function colour(context, sheet, cell) {
  const fill = sheetOf(context, sheet).getRange(cell).format.fill;
  fill.load("color");
  await context.sync();
  return fill.color;
}

test("every member the mock offers exists in Office.js's type definitions", () => {
  const types = officeTypes();
  const missing = [...declaredMembers(), ...OFFICE_MEMBERS].filter((m) => {
    const at = m.lastIndexOf(".");
    return !types.has(m.slice(0, at), m.slice(at + 1));
  });
  assert.deepEqual(missing, []);
  assert.equal(types.has("Excel.Range", "noSuchMember"), false); // the check can fail
});

test("the workbook's bytes are read in slices and the file is closed", async () => {
  const bytes = Uint8Array.from({ length: 2500 }, (_, i) => i % 251);
  const office = officeMock(bytes);
  const read = await readDocumentBytes(office);
  assert.deepEqual(read, bytes);
  assert.equal(office.calls[0][1], "compressed");
  assert.deepEqual(office.calls.at(-1), ["closeAsync"]);
  assert.equal(workbookName(office), "Sjöberga_2027_Plan_BUN.xlsx");
  assert.equal(workbookName(officeMock(bytes, { url: "" })), "arbetsbok.xlsx");
});

test("a press marks the cells, lifts and restores protection and writes Valideringsresultat", async () => {
  const { context, log, order } = excelContext(SHEETS());
  const office = officeMock(new Uint8Array(10), { sets: ALL_SETS });
  const result = await press(context, office);
  assert.ok(fixture.marks.length > 0 && fixture.rows.length > 0);
  const first = fixture.marks[0];
  const range = sheetOf(context, first.sheet).ranges[first.cell];
  assert.equal(range.format.fill.color, first.fill);
  const notes = log.filter((e) => e[0] === "note");
  assert.ok(notes.every((e) => e[3].startsWith(NOTE_PREFIX)));
  assert.equal(notes.length, fixture.marks.length - (fixture.marks.some((m) => m.sheet === "KF-mål" && m.cell === "E2") ? 1 : 0));
  const unprotected = log.filter((e) => e[0] === "unprotect").map((e) => e[1]);
  const reprotected = log.filter((e) => e[0] === "protect").map((e) => e[1]);
  assert.deepEqual(reprotected, unprotected);
  assert.ok(log.filter((e) => e[0] === "protect").every((e) => e[2].allowInsertRows === true));
  assert.equal(order.includes(RESULTS_SHEET), true);
  const results = sheetOf(context, RESULTS_SHEET);
  assert.equal(results.position, 0);
  assert.deepEqual(results.ranges[`A2:F${fixture.rows.length + 1}`].values, fixture.rows);
  assert.ok(results.ranges[`A2:F${fixture.rows.length + 1}`].numberFormat.flat().every((f) => f === "@"));
  const linked = fixture.rows.findIndex((row) => row[2] && row[3]);
  assert.deepEqual(results.ranges[`D${linked + 2}`].hyperlink,
    { documentReference: `'${fixture.rows[linked][2]}'!${fixture.rows[linked][3]}`, textToDisplay: fixture.rows[linked][3] });
  assert.equal(result.unmarked, 0);
  assert.equal(result.summary, `${fixture.errors} fel, ${fixture.warnings} varningar, 0 omarkerade`);
});

test("pressing again clears the earlier marks first, keeping the user's own fill and notes", async () => {
  const { context } = excelContext(SHEETS());
  const office = officeMock(new Uint8Array(10), { sets: ALL_SETS });
  await press(context, office);
  const registry = await readRegistry(context);
  assert.equal(registry.length, fixture.marks.length);
  const [kept, restored] = registry;
  sheetOf(context, kept.sheet).ranges[kept.cell].format.fill.color = "#00B050"; // the user recoloured it
  await press(context, office, { ...fixture, marks: [], rows: [], errors: 0, warnings: 0 });
  assert.equal(await colour(context, kept.sheet, kept.cell), "#00B050");
  const back = await colour(context, restored.sheet, restored.cell);
  assert.equal(back, restored.originalFill || "#FFFFFF");
  const ownNote = sheetOf(context, "KF-mål").notes.byCell.E2;
  assert.notEqual(ownNote.deleted, true);
  const added = registry.filter((r) => r.noteAdded);
  assert.ok(added.length > 0);
  assert.ok(added.every((r) => sheetOf(context, r.sheet).notes.byCell[r.cell].deleted === true));
  assert.equal((await readRegistry(context)).length, 0);
});

test("a sheet protected with a password is left unmarked and counted", async () => {
  const sheets = SHEETS();
  sheets["KF-mål"].password = "hemligt";
  const { context, log } = excelContext(sheets);
  const office = officeMock(new Uint8Array(10), { sets: ALL_SETS });
  const result = await press(context, office);
  const onLocked = fixture.marks.filter((m) => m.sheet === "KF-mål").length;
  assert.ok(onLocked > 0);
  assert.equal(result.unmarked, onLocked);
  assert.ok(!log.some((e) => e[0] === "note" && e[1] === "KF-mål"));
  assert.equal(await colour(context, "KF-mål", "A2"), "#D9E1F2");
});

test("without the notes API (ExcelApi 1.18) cells are filled but get no note", async () => {
  const { context, log } = excelContext(SHEETS());
  const office = officeMock(new Uint8Array(10), { sets: {} });
  await press(context, office);
  assert.equal(log.filter((e) => e[0] === "note").length, 0);
  const first = fixture.marks[0];
  assert.ok(MARK_FILLS.includes(sheetOf(context, first.sheet).ranges[first.cell].format.fill.color));
  const results = sheetOf(context, RESULTS_SHEET);
  assert.deepEqual(results.ranges[`H1:K${fixture.marks.length + 1}`].values[0], REGISTRY_HEADERS);
});

test("at most 300 cells are marked; the rest are counted", async () => {
  const many = Array.from({ length: 320 }, (_, i) => ({ sheet: "Aktiviteter", cell: `H${i + 2}`,
    severity: "error", fill: MARK_FILLS[0], note: `${NOTE_PREFIX} fel` }));
  const { context } = excelContext(SHEETS());
  const outcome = await applyMarks(context, many, false);
  assert.equal(outcome.recorded.length, 300);
  assert.equal(outcome.unmarked, 20);
  await writeResults(context, [], outcome.recorded, false);
  assert.equal((await clearEarlierMarks(context, outcome.recorded, false)).length, 0);
});
