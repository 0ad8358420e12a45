// An in-browser stand-in for Excel and office.js, injected by tests/test_web_browser.py
// before the task pane loads (office.js itself is blocked: no network). Just enough for the
// task pane to run end to end on a real workbook's bytes in real Chromium; the members the
// Office layer uses are type-checked and mock-tested in tests/js/office-layer.test.mjs.
(() => {
  const bytes = Uint8Array.from(atob(window.__malarkWorkbookBase64 || ""), (c) => c.charCodeAt(0));
  const sheets = new Map();
  const log = [];
  function range(sheet, address) {
    const key = `${sheet.name}!${address}`;
    if (!sheet.ranges.has(key)) {
      sheet.ranges.set(key, {
        address, values: [[""]], numberFormat: [[""]], rowCount: 1, hyperlink: null, columnHidden: false,
        format: { fill: { color: "#FFFFFF", load() {}, clear() { this.color = "#FFFFFF"; } }, font: {},
                  wrapText: false, verticalAlignment: "Bottom", columnWidth: 64 },
        load() {}, select() { log.push(["select", key]); },
      });
    }
    return sheet.ranges.get(key);
  }
  function worksheet(name, isProtected) {
    const sheet = {
      name, position: sheets.size, ranges: new Map(), notesByCell: new Map(),
      protection: { protected: isProtected, options: { allowInsertRows: true }, load() {},
        unprotect() { this.protected = false; log.push(["unprotect", name]); },
        protect(options) { this.protected = true; log.push(["protect", name, options]); } },
      notes: {
        getItemOrNullObject: (cell) => sheet.notesByCell.get(cell) || { isNullObject: true, load() {} },
        add: (cell, content) => { sheet.notesByCell.set(cell, { content, isNullObject: false, load() {}, delete() { sheet.notesByCell.delete(cell); } }); },
      },
      getRange: (address) => range(sheet, address),
      getUsedRange: () => ({ rowCount: Math.max(1, ...[...sheet.ranges.values()].map((r) => Number((/(\d+)$/.exec(r.address) || [0, 1])[1]))), load() {} }),
      delete() { sheets.delete(name); },
      activate() { log.push(["activate", name]); },
      freezePanes: { freezeRows() {} },
    };
    return sheet;
  }
  for (const name of ["Instruktioner", "Kontroll", "KF-mål", "Nämndmål", "Indikatorer", "Aktiviteter"]) {
    sheets.set(name, worksheet(name, true));
  }
  const context = {
    workbook: {
      worksheets: {
        items: [],
        load() { this.items = [...sheets.values()]; },
        getItem(name) { const s = sheets.get(name); if (!s) throw new Error(`ItemNotFound ${name}`); return s; },
        add(name) { const s = worksheet(name, false); sheets.set(name, s); return s; },
      },
    },
    sync: async () => {},
  };
  window.__malarkFakeExcel = { sheets, log };
  window.Excel = { run: async (batch) => batch(context) };
  window.Office = {
    HostType: { Excel: "Excel" },
    FileType: { Compressed: "compressed" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    onReady(callback) { setTimeout(() => callback({ host: "Excel", platform: "OfficeOnline" }), 0); },
    context: {
      requirements: { isSetSupported: () => true },
      document: {
        url: window.__malarkWorkbookName || "arbetsbok.xlsx",
        getFileAsync(type, options, callback) {
          const size = options.sliceSize;
          callback({ status: "succeeded", value: {
            size: bytes.length, sliceCount: Math.max(1, Math.ceil(bytes.length / size)),
            getSliceAsync: (i, cb) => cb({ status: "succeeded", value: { data: bytes.slice(i * size, (i + 1) * size) } }),
            closeAsync: (cb) => cb({ status: "succeeded" }),
          } });
        },
      },
    },
  };
})();
