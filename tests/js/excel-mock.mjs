// A workbook in Excel, as far as Målark's Office.js layer sees it, built on
// office-addin-mock (load/sync semantics: a property read before load + sync is an error
// value). Every object carries the Office.js type it stands for (TYPE), and
// `declaredMembers` lists each type's members so office-types.mjs can check that each one
// exists in @types/office-js.
import mock from "office-addin-mock";

const { OfficeMockObject } = mock;
const TYPE = "__type";
const A1 = /^([A-Z]+)(\d+)$/;

function rangeData(address, state) {
  return {
    [TYPE]: "Excel.Range",
    address,
    values: [[""]],
    numberFormat: [[""]],
    rowCount: 1,
    columnHidden: false,
    format: {
      [TYPE]: "Excel.RangeFormat",
      wrapText: false,
      verticalAlignment: "Bottom",
      columnWidth: 64,
      fill: {
        [TYPE]: "Excel.RangeFill",
        color: state.fill || "#FFFFFF",
        clear: function () { this.color = "#FFFFFF"; },
      },
      font: { [TYPE]: "Excel.RangeFont", bold: false, color: "#000000" },
    },
    select: function () { state.selected = address; },
  };
}

const BLOCK = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/;

/** The values of block `key` (such as H2:K5) read from a block written earlier that holds
 * it (such as H1:K5): what Excel would give for a range inside one written before. */
function valuesWithin(ranges, key) {
  const wanted = BLOCK.exec(key);
  if (!wanted) return [[""]];
  for (const [other, range] of Object.entries(ranges)) {
    const held = BLOCK.exec(other);
    if (!held || held[1] !== wanted[1] || held[3] !== wanted[3] || !Array.isArray(range.values)) continue;
    const [from, to] = [Number(wanted[2]) - Number(held[2]), Number(wanted[4]) - Number(held[2])];
    if (from >= 0 && to < range.values.length) return range.values.slice(from, to + 1);
  }
  return [[""]];
}

function noteData(cell, text) {
  return {
    [TYPE]: "Excel.Note",
    content: text ?? "",
    isNullObject: text === undefined,
    delete: function () { this.deleted = true; },
  };
}

function sheetData(name, spec, log) {
  const cells = spec.cells || {};
  return {
    [TYPE]: "Excel.Worksheet",
    name,
    position: 0,
    protection: {
      [TYPE]: "Excel.WorksheetProtection",
      protected: Boolean(spec.protected),
      options: { allowFormatCells: false, allowInsertRows: true, selectionMode: "Normal" },
      unprotect: function () {
        if (spec.password) throw new Error("The password is incorrect.");
        log.push(["unprotect", name]);
        this.setValue("protected", false);
      },
      protect: function (options) {
        log.push(["protect", name, options]);
        this.setValue("protected", true);
      },
    },
    notes: {
      [TYPE]: "Excel.NoteCollection",
      byCell: Object.fromEntries(Object.entries(cells).filter(([, c]) => c.note !== undefined)
        .map(([cell, c]) => [cell, noteData(cell, c.note)])),
      getItemOrNullObject: function (cell) {
        if (!this.byCell[cell]) { this.byCell.addMock(cell); this.byCell[cell].populate(noteData(cell)); }
        return this.byCell[cell];
      },
      add: function (cell, content) {
        log.push(["note", name, cell, content]);
        const note = this.getItemOrNullObject(cell);
        note.content = content;
        note.isNullObject = false;
        return note;
      },
    },
    ranges: Object.fromEntries(Object.entries(cells).map(([cell, c]) => [cell, rangeData(cell, c)])),
    getRange: function (address) {
      const key = address.replace(/\$/g, "");
      if (!this.ranges[key]) {
        this.ranges.addMock(key);
        this.ranges[key].populate({ ...rangeData(key, {}), values: valuesWithin(this.ranges, key) });
      }
      return this.ranges[key];
    },
    getUsedRange: function () {
      const rows = Object.keys(this.ranges).map((a) => {
        const m = A1.exec(a.split(":").pop());
        const start = A1.exec(a.split(":")[0]);
        return m ? Number(m[2]) : start ? Number(start[2]) : 1;
      });
      const used = this.getRange("__used");
      used.setValue("rowCount", Math.max(1, ...rows));
      return used;
    },
    delete: function () { log.push(["delete", name]); spec.deleted = true; },
    activate: function () { log.push(["activate", name]); },
    freezePanes: { [TYPE]: "Excel.WorksheetFreezePanes", freezeRows: function (n) { log.push(["freeze", name, n]); } },
  };
}

/**
 * A mock `Excel.RequestContext` over `sheets` = {name: {protected, password, cells: {A1: {fill, note}}}}.
 * Returns {context, log, sheetsOrder}.
 */
export function excelContext(sheets) {
  const log = [];
  const order = Object.keys(sheets);
  const specs = { ...sheets };
  const data = {
    [TYPE]: "Excel.RequestContext",
    workbook: {
      [TYPE]: "Excel.Workbook",
      worksheets: {
        [TYPE]: "Excel.WorksheetCollection",
        items: [],
        byName: Object.fromEntries(order.map((n) => [n, sheetData(n, specs[n], log)])),
        load: function () {
          const alive = order.filter((n) => !specs[n].deleted);
          for (const n of alive) this.byName[n].load("name");
          this.items = alive.map((n) => this.byName[n]);
        },
        getItem: function (name) {
          if (!this.byName[name] || specs[name].deleted) throw new Error(`ItemNotFound: ${name}`);
          return this.byName[name];
        },
        add: function (name) {
          specs[name] = { cells: {} };
          if (this.byName[name] !== undefined) { // a sheet of that name was deleted earlier
            this.byName._properties.delete(name);
            delete this.byName[name];
          }
          this.byName.addMock(name);
          this.byName[name].populate(sheetData(name, specs[name], log));
          if (!order.includes(name)) order.push(name);
          log.push(["add", name]);
          return this.byName[name];
        },
      },
    },
  };
  const context = new OfficeMockObject(data);
  return { context, log, order, specs };
}

/** Every (type, member) the mock data declares (helpers that are not Office.js excluded). */
export function declaredMembers() {
  const helpers = new Set([TYPE, "byCell", "byName", "ranges", "deleted", "setValue", "populate", "addMock"]);
  const found = new Set();
  const visit = (object) => {
    const type = object[TYPE];
    for (const [key, value] of Object.entries(object)) {
      if (helpers.has(key)) { if (value && typeof value === "object" && !Array.isArray(value)) for (const v of Object.values(value)) if (v && typeof v === "object") visit(v); continue; }
      if (type) found.add(`${type}.${key}`);
      if (value && typeof value === "object" && !Array.isArray(value) && value[TYPE]) visit(value);
    }
  };
  const log = [];
  visit(sheetData("x", { cells: { A1: { note: "n" } } }, log));
  visit(rangeData("A1", {}));
  visit(noteData("A1", "n"));
  visit({ [TYPE]: "Excel.RequestContext", workbook: { [TYPE]: "Excel.Workbook", worksheets: {
    [TYPE]: "Excel.WorksheetCollection", items: [], load() {}, getItem() {}, add() {} } } });
  return [...found].sort();
}

/** A mock `Office` whose document is `bytes` (read in slices of `sliceSize`). */
export function officeMock(bytes, { url = "C:\\Nämnd\\Sjöberga_2027_Plan_BUN.xlsx", sets = {}, sliceSize = 1000 } = {}) {
  const ok = "succeeded";
  const calls = [];
  return {
    calls,
    AsyncResultStatus: { Succeeded: ok, Failed: "failed" },
    FileType: { Compressed: "compressed" },
    context: {
      requirements: { isSetSupported: (name, version) => Boolean(sets[`${name} ${version}`]) },
      document: {
        url,
        getFileAsync: (type, options, callback) => {
          calls.push(["getFileAsync", type, options]);
          const sliceCount = Math.ceil(bytes.length / sliceSize);
          callback({ status: ok, value: {
            size: bytes.length,
            sliceCount,
            getSliceAsync: (index, cb) => cb({ status: ok, value: { index, size: sliceSize,
              data: Array.from(bytes.slice(index * sliceSize, (index + 1) * sliceSize)) } }),
            closeAsync: (cb) => { calls.push(["closeAsync"]); cb({ status: ok }); },
          } });
        },
      },
    },
  };
}

/** The Office members officeMock declares, for the type check. */
export const OFFICE_MEMBERS = [
  "Office.Context.requirements", "Office.Context.document", "Office.RequirementSetSupport.isSetSupported",
  "Office.Document.url", "Office.Document.getFileAsync", "Office.File.size", "Office.File.sliceCount",
  "Office.File.getSliceAsync", "Office.File.closeAsync", "Office.Slice.index", "Office.Slice.size",
  "Office.Slice.data", "Office.AsyncResult.status", "Office.AsyncResult.value",
];
