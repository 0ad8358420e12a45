// @ts-check
/**
 * Målark's Office.js layer: everything the Office add-in does to the open workbook.
 *
 * - readDocumentBytes: the workbook as an .xlsx file (getFileAsync, Compressed, in slices);
 * - clearEarlierMarks: takes away the fills and notes an earlier press added (recorded in
 *   hidden columns of Valideringsresultat), keeping a fill the user has chosen since and
 *   notes that are not Målark's;
 * - applyMarks: fills and notes on the cells of the findings, lifting a sheet's protection
 *   (no password) and putting it back with the same options;
 * - writeResults: the sheet Valideringsresultat, one row per finding with a link to the cell.
 *
 * Values a user typed are never written. tsc checks this file against @types/office-js
 * (`make test`), and tests/js runs it against office-addin-mock.
 */

export const RESULTS_SHEET = "Valideringsresultat";
export const HEADERS = ["Allvarlighet", "Kod", "Blad", "Cell", "Gäller", "Meddelande"];
export const REGISTRY_HEADERS = ["Markerat blad", "Markerad cell", "Ursprunglig fyllning", "Anteckning tillagd"];
export const REGISTRY_COLUMN = "H"; // one empty column after the visible table (A–F)
export const MAX_MARKED_CELLS = 300;
export const NOTE_PREFIX = "Målark:";
export const MARK_FILLS = ["#FFC7CE", "#FFEB9C", "#DDEBF7"];
const HEADER_FILL = "#1F4E78";
const SLICE_BYTES = 4 * 1024 * 1024;
const A1 = /^[A-Z]{1,3}[1-9][0-9]{0,6}$/;

/**
 * @typedef {{sheet: string, cell: string, fill: string, note: string, severity: string}} CellMark
 * @typedef {{sheet: string, cell: string, originalFill: string, noteAdded: boolean}} Recorded
 */

/**
 * The open workbook's bytes, read through Office in slices.
 * @param {typeof Office} office
 * @returns {Promise<Uint8Array>}
 */
export function readDocumentBytes(office) {
  return new Promise((resolve, reject) => {
    office.context.document.getFileAsync(office.FileType.Compressed, { sliceSize: SLICE_BYTES }, (result) => {
      if (result.status !== office.AsyncResultStatus.Succeeded) {
        reject(new Error("Excel lämnade inte ut arbetsboken (" + (result.error ? result.error.message : "okänt fel") + ")."));
        return;
      }
      const file = result.value;
      /** @type {Uint8Array[]} */
      const slices = [];
      const finish = (/** @type {Error | null} */ error) => {
        file.closeAsync(() => {});
        if (error) { reject(error); return; }
        const size = slices.reduce((sum, s) => sum + s.length, 0);
        const bytes = new Uint8Array(size);
        let offset = 0;
        for (const slice of slices) { bytes.set(slice, offset); offset += slice.length; }
        resolve(bytes);
      };
      const next = (/** @type {number} */ index) => {
        if (index >= file.sliceCount) { finish(null); return; }
        file.getSliceAsync(index, (sliceResult) => {
          if (sliceResult.status !== office.AsyncResultStatus.Succeeded) {
            finish(new Error("Excel lämnade inte ut hela arbetsboken."));
            return;
          }
          slices.push(Uint8Array.from(sliceResult.value.data));
          next(index + 1);
        });
      };
      next(0);
    });
  });
}

/**
 * The workbook's file name for the findings ("arbetsbok.xlsx" for one never saved).
 * @param {typeof Office} office
 */
export function workbookName(office) {
  const url = office.context.document.url || "";
  const last = decodeURIComponent(url.split(/[\\/]/).pop() || "").split("?")[0];
  return /\.(xlsx|xlsm)$/i.test(last) ? last : "arbetsbok.xlsx";
}

/**
 * @param {Excel.RequestContext} context
 * @returns {Promise<Excel.Worksheet | null>}
 */
async function resultsSheet(context) {
  const sheets = context.workbook.worksheets;
  sheets.load("items/name");
  await context.sync();
  return sheets.items.find((s) => s.name.toLowerCase() === RESULTS_SHEET.toLowerCase()) || null;
}

/**
 * The marks an earlier press recorded (hidden columns H–K of Valideringsresultat).
 * @param {Excel.RequestContext} context
 * @returns {Promise<Recorded[]>}
 */
export async function readRegistry(context) {
  const sheet = await resultsSheet(context);
  if (!sheet) return [];
  const used = sheet.getUsedRange(true);
  used.load("rowCount");
  await context.sync();
  if (used.rowCount < 2) return [];
  const block = sheet.getRange(`H2:K${used.rowCount}`);
  block.load("values");
  await context.sync();
  return block.values
    .filter((row) => typeof row[0] === "string" && row[0] !== "" && A1.test(String(row[1])))
    .map((row) => ({ sheet: String(row[0]), cell: String(row[1]), originalFill: String(row[2] || ""),
                     noteAdded: row[3] === "ja" }));
}

/**
 * Runs `work` with each sheet's protection lifted (when it has no password) and put back
 * with the same options. Returns the names of the sheets that stayed protected.
 * @param {Excel.RequestContext} context
 * @param {string[]} names
 * @param {(locked: Set<string>) => Promise<void>} work
 * @returns {Promise<Set<string>>}
 */
async function withProtectionLifted(context, names, work) {
  /** @type {Map<string, Excel.WorksheetProtectionOptions>} */
  const lifted = new Map();
  /** @type {Set<string>} */
  const locked = new Set();
  for (const name of names) {
    const protection = context.workbook.worksheets.getItem(name).protection;
    protection.load("protected,options");
    await context.sync();
    if (!protection.protected) continue;
    try {
      protection.unprotect();
      await context.sync();
      lifted.set(name, protection.options);
    } catch (error) {
      locked.add(name); // a password: this sheet's cells stay unmarked
    }
  }
  try {
    await work(locked);
  } finally {
    for (const [name, options] of lifted) {
      context.workbook.worksheets.getItem(name).protection.protect(options);
    }
    await context.sync();
  }
  return locked;
}

/**
 * @param {Excel.RequestContext} context
 * @param {string} sheetName
 * @param {string} cell
 */
function noteOf(context, sheetName, cell) {
  return context.workbook.worksheets.getItem(sheetName).notes.getItemOrNullObject(cell);
}

/**
 * Take away what an earlier press added. Returns the records that could not be cleared
 * (their sheet is protected with a password), to be kept for the next press.
 * @param {Excel.RequestContext} context
 * @param {Recorded[]} records
 * @param {boolean} notesSupported
 * @returns {Promise<Recorded[]>}
 */
export async function clearEarlierMarks(context, records, notesSupported) {
  const sheets = await existingSheets(context);
  const present = records.filter((r) => sheets.has(r.sheet));
  const names = [...new Set(present.map((r) => r.sheet))];
  const locked = await withProtectionLifted(context, names, async (lockedNow) => {
    const clearable = present.filter((r) => !lockedNow.has(r.sheet));
    const fills = clearable.map((r) => {
      const fill = context.workbook.worksheets.getItem(r.sheet).getRange(r.cell).format.fill;
      fill.load("color");
      return fill;
    });
    const notes = clearable.map((r) => (notesSupported && r.noteAdded ? noteOf(context, r.sheet, r.cell) : null));
    for (const note of notes) if (note) note.load("content");
    await context.sync();
    clearable.forEach((record, i) => {
      if (MARK_FILLS.includes(String(fills[i].color).toUpperCase())) {
        if (record.originalFill) fills[i].color = record.originalFill; else fills[i].clear();
      }
      const note = notes[i];
      if (note && !note.isNullObject && String(note.content).startsWith(NOTE_PREFIX)) note.delete();
    });
    await context.sync();
  });
  return present.filter((r) => locked.has(r.sheet));
}

/**
 * @param {Excel.RequestContext} context
 * @returns {Promise<Set<string>>}
 */
async function existingSheets(context) {
  const sheets = context.workbook.worksheets;
  sheets.load("items/name");
  await context.sync();
  return new Set(sheets.items.map((s) => s.name));
}

/**
 * Fill and note the cells of the findings (at most MAX_MARKED_CELLS).
 * @param {Excel.RequestContext} context
 * @param {CellMark[]} marks
 * @param {boolean} notesSupported
 * @returns {Promise<{recorded: Recorded[], unmarked: number}>}
 */
export async function applyMarks(context, marks, notesSupported) {
  const sheets = await existingSheets(context);
  const wanted = marks.filter((m) => sheets.has(m.sheet) && A1.test(m.cell) && m.sheet !== RESULTS_SHEET);
  const chosen = wanted.slice(0, MAX_MARKED_CELLS);
  let unmarked = marks.length - chosen.length;
  /** @type {Recorded[]} */
  const recorded = [];
  const names = [...new Set(chosen.map((m) => m.sheet))];
  await withProtectionLifted(context, names, async (stillLocked) => {
    const open = chosen.filter((m) => !stillLocked.has(m.sheet));
    unmarked += chosen.length - open.length;
    const fills = open.map((m) => {
      const fill = context.workbook.worksheets.getItem(m.sheet).getRange(m.cell).format.fill;
      fill.load("color");
      return fill;
    });
    const notes = open.map((m) => (notesSupported ? noteOf(context, m.sheet, m.cell) : null));
    for (const note of notes) if (note) note.load("content");
    await context.sync();
    open.forEach((mark, i) => {
      const before = String(fills[i].color || "").toUpperCase();
      const original = before === "#FFFFFF" || MARK_FILLS.includes(before) ? "" : before;
      fills[i].color = mark.fill;
      const note = notes[i];
      const addNote = notesSupported && note !== null && note.isNullObject;
      if (addNote) context.workbook.worksheets.getItem(mark.sheet).notes.add(mark.cell, mark.note);
      recorded.push({ sheet: mark.sheet, cell: mark.cell, originalFill: original, noteAdded: addNote });
    });
    await context.sync();
  });
  return { recorded, unmarked };
}

/**
 * Text that must stay text in a cell: a leading "=", "+", "-" or "@" would make Excel read
 * it as a formula, so such cells get the text number format first.
 * @param {string[][]} rows
 */
function asText(rows) {
  return rows.map((row) => row.map(() => "@"));
}

/**
 * Replace Valideringsresultat: one row per finding, the Cell column a link to the cell,
 * and the record of marks in hidden columns H–K. The sheet goes first and is activated.
 * @param {Excel.RequestContext} context
 * @param {string[][]} rows  the rows malark computed (result_rows)
 * @param {Recorded[]} recorded
 * @param {boolean} hyperlinksSupported
 */
export async function writeResults(context, rows, recorded, hyperlinksSupported) {
  const earlier = await resultsSheet(context);
  if (earlier) earlier.delete();
  const sheet = context.workbook.worksheets.add(RESULTS_SHEET);
  sheet.position = 0;
  const header = sheet.getRange("A1:F1");
  header.values = [HEADERS];
  header.format.font.bold = true;
  header.format.font.color = "#FFFFFF";
  header.format.fill.color = HEADER_FILL;
  if (rows.length) {
    const body = sheet.getRange(`A2:F${rows.length + 1}`);
    body.numberFormat = asText(rows);
    body.values = rows;
    body.format.wrapText = true;
    body.format.verticalAlignment = "Top";
    rows.forEach((row, i) => {
      const [severity, , target, cell] = row;
      sheet.getRange(`A${i + 2}`).format.fill.color =
        severity === "Fel" ? MARK_FILLS[0] : severity === "Varning" ? MARK_FILLS[1] : MARK_FILLS[2];
      if (target && A1.test(cell) && hyperlinksSupported) {
        const quoted = target.replace(/'/g, "''");
        sheet.getRange(`D${i + 2}`).hyperlink = { documentReference: `'${quoted}'!${cell}`, textToDisplay: cell };
      }
    });
  }
  const registry = [REGISTRY_HEADERS, ...recorded.map((r) => [r.sheet, r.cell, r.originalFill, r.noteAdded ? "ja" : "nej"])];
  const block = sheet.getRange(`H1:K${registry.length}`);
  block.numberFormat = asText(registry);
  block.values = registry;
  sheet.getRange("H:K").columnHidden = true;
  sheet.getRange("A:A").format.columnWidth = 70;
  sheet.getRange("B:E").format.columnWidth = 80;
  sheet.getRange("F:F").format.columnWidth = 520;
  if (hyperlinksSupported) sheet.freezePanes.freezeRows(1); // both ExcelApi 1.7
  sheet.activate();
  await context.sync();
}

/**
 * One press of Validera: read the workbook, validate it with `engine`, clear the earlier
 * marks, mark the cells, write Valideringsresultat. Returns what to tell the user.
 * @param {{office: typeof Office, run: (batch: (context: Excel.RequestContext) => Promise<any>) => Promise<any>,
 *          engine: {validateOpenWorkbook: (name: string, bytes: Uint8Array) => Promise<any>,
 *                   summary: (errors: number, warnings: number, unmarked: number) => Promise<string>},
 *          progress?: (text: string) => void}} deps
 */
export async function validateOpenWorkbook({ office, run, engine, progress = () => {} }) {
  const notesSupported = office.context.requirements.isSetSupported("ExcelApi", "1.18");
  const hyperlinksSupported = office.context.requirements.isSetSupported("ExcelApi", "1.7");
  progress("Läser arbetsboken ...");
  const bytes = await readDocumentBytes(office);
  const name = workbookName(office);
  progress("Kontrollerar ...");
  const result = await engine.validateOpenWorkbook(name, bytes);
  progress("Markerar cellerna ...");
  return run(async (context) => {
    const earlier = await readRegistry(context);
    const kept = await clearEarlierMarks(context, earlier, notesSupported);
    const { recorded, unmarked } = await applyMarks(context, result.marks, notesSupported);
    await writeResults(context, result.rows, [...kept, ...recorded], hyperlinksSupported);
    const summary = await engine.summary(result.errors, result.warnings, unmarked);
    return { ...result, unmarked, summary };
  });
}
