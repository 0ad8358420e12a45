// Målark's engine in a Web Worker: Pyodide (Python in the browser) with malark's own
// validation. The page and the task pane talk to it through engine-client.js. Running in a
// worker keeps the tab responsive, and a file that takes too long can be stopped by ending
// the worker. Everything is loaded from this folder; nothing is sent anywhere.
import { loadPyodide } from "../pyodide/pyodide.mjs";

const here = (path) => new URL(path, import.meta.url).href;
let pyodide = null;
let engine = null;

const post = (message) => self.postMessage(message);
const progress = (text, done, total) => post({ type: "progress", text, done, total });

async function start() {
  const bundle = await (await fetch(here("bundle.json"))).json();
  const total = 3;
  progress("Startar Python i webbläsaren …", 0, total);
  pyodide = await loadPyodide({ indexURL: here("../pyodide/"), stdout: () => {}, stderr: () => {} });
  progress(`Laddar malark och ${bundle.wheels.length - 1} paket …`, 1, total);
  await pyodide.loadPackage(bundle.wheels.map((wheel) => here(`../wheels/${wheel}`)),
    { messageCallback: () => {}, errorCallback: () => {} });
  const done = 2;
  progress("Startar malarks kontroller …", done, total);
  engine = pyodide.pyimport("malark.web.engine");
  for (const folder of ["/picked", "/model", "/open", "/annotated"]) pyodide.FS.mkdirTree(folder);
  return { malark_version: engine.version(), max_file_bytes: bundle.max_file_bytes };
}

function unmount(folder) {
  try { pyodide.FS.unmount(folder); } catch (error) { /* nothing was mounted */ }
}

// The picked files are mounted, not copied: Python reads what it needs (at most the size
// limit plus one byte), so a huge file never fills the tab's memory.
function setFiles({ files, model }) {
  const { FS } = pyodide;
  unmount("/picked");
  unmount("/model");
  FS.mount(FS.filesystems.WORKERFS, { files }, "/picked");
  if (model) FS.mount(FS.filesystems.WORKERFS, { files: [model] }, "/model");
  pyodide.runPython("import os; os.chdir('/picked')");
  return JSON.parse(engine.load_model(model ? `/model/${model.name}` : undefined));
}

function annotate({ name }) {
  const { FS } = pyodide;
  for (const old of FS.readdir("/annotated")) if (old !== "." && old !== "..") FS.unlink(`/annotated/${old}`);
  const result = JSON.parse(engine.annotated_copy(name, "/annotated"));
  if (result.error) return result;
  const bytes = FS.readFile(result.path);
  FS.unlink(result.path);
  return { bytes };
}

function openWorkbook({ name, bytes }) {
  const { FS } = pyodide;
  for (const old of FS.readdir("/open")) if (old !== "." && old !== "..") FS.unlink(`/open/${old}`);
  FS.writeFile(`/open/${name}`, bytes);
  pyodide.runPython("import os; os.chdir('/open')");
  return JSON.parse(engine.validate_open_workbook(name));
}

const operations = {
  start,
  setFiles,
  validateFile: ({ name }) => JSON.parse(engine.validate_file(name)),
  duplicates: () => JSON.parse(engine.duplicates()),
  refused: ({ name, reason }) => JSON.parse(engine.refused_report(name, reason)),
  errorDocument: ({ message }) => JSON.parse(engine.error_document(message)),
  annotate,
  openWorkbook,
  summary: ({ errors, warnings, unmarked }) => engine.summary(errors, warnings, unmarked),
};

self.onmessage = async (event) => {
  const { id, op, args } = event.data;
  try {
    const value = await operations[op](args || {});
    const transfer = value && value.bytes ? [value.bytes.buffer] : [];
    self.postMessage({ type: "reply", id, value }, transfer);
  } catch (error) {
    post({ type: "reply", id, error: String(error && error.message ? error.message : error) });
  }
};
