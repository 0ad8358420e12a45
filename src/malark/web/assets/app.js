// The validator page: pick or drop workbooks (and optionally the model), validate them in
// the browser with malark's own engine, show the findings per file (grouped, sortable) and
// offer each annotated copy. window.malarkReport is the document `malark validate
// --format json` prints for the same files; document.body.dataset.state is "done" then.
import { Engine, FILE_TIME_LIMIT_MS, validateAll } from "./engine-client.js";

const SEVERITY_SV = { error: "Fel", warning: "Varning", info: "Info" };
const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };
const COLUMNS = [
  ["severity", "Allvarlighet"], ["code", "Kod"], ["sheet", "Blad"], ["cell", "Cell"],
  ["ref", "Gäller"], ["message", "Meddelande"],
];
const $ = (id) => document.getElementById(id);
// ?tidsgrans=SECONDS sets the time one file may take (for IT's own trials of slow machines).
const fileTimeLimitMs = 1000 * Number(new URLSearchParams(location.search).get("tidsgrans")) || FILE_TIME_LIMIT_MS;
const state = { report: null, sort: { key: null, ascending: true }, running: false, queued: null, lastFiles: null };

function setState(value) { document.body.dataset.state = value; }

function showProgress(text, done, total) {
  $("status-text").textContent = text;
  $("progress-bar").style.width = total ? `${Math.round((100 * done) / total)}%` : "100%";
}

const engine = new Engine(showProgress);
const ready = engine.start().then((info) => {
  $("version").textContent = info.malark_version;
  showProgress("Klar. Välj eller släpp arbetsböcker.", 1, 1);
  document.getElementById("status").classList.add("idle");
  if (document.body.dataset.state === "starting") setState("ready");
  return info;
}).catch((error) => {
  setState("failed");
  showProgress(`Kontrollen kunde inte startas i den här webbläsaren (${error.message}). Använd en aktuell Edge, Chrome, Firefox eller Safari.`, 0, 0);
  throw error;
});

function uniqueByName(files) {
  const byName = new Map();
  for (const file of files) byName.set(file.name, file); // the later file with a name wins
  return [...byName.values()];
}

async function run(files) {
  if (!files.length) return;
  if (state.running) { state.queued = files; return; }
  state.running = true;
  setState("working");
  try {
    await ready;
    const picked = uniqueByName(files);
    const model = $("model").files[0] || null;
    const report = await validateAll(engine, picked, model, (name, index) =>
      showProgress(`Kontrollerar ${name} (${index + 1} av ${picked.length}) …`, index, picked.length),
      fileTimeLimitMs);
    state.report = report;
    window.malarkReport = report;
    render();
    showProgress(report.error ? "Kontrollen kunde inte köras." : "Klart.", 1, 1);
    window.malarkRuns = (window.malarkRuns || 0) + 1;
    setState("done");
  } catch (error) {
    showProgress(`Något gick fel i kontrollen (${error.message}). Ladda om sidan och försök igen.`, 0, 0);
    setState("failed");
  } finally {
    state.running = false;
    if (state.queued) { const next = state.queued; state.queued = null; run(next); }
  }
}

function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

function summaryText(report) {
  if (report.error) return report.error;
  const errors = report.files.reduce((s, f) => s + f.errors, 0);
  const warnings = report.files.reduce((s, f) => s + f.warnings, 0);
  const failed = report.files.filter((f) => f.errors > 0).length;
  const head = `${plural(report.files.length, "fil kontrollerad", "filer kontrollerade")}: ${errors} fel, ${plural(warnings, "varning", "varningar")}.`;
  return failed ? `${head} ${plural(failed, "fil har", "filer har")} fel och måste rättas.` : `${head} Inga fel.`;
}

function groupKey(finding, by) {
  if (by === "sheet") return finding.sheet || "Hela filen";
  if (by === "severity") return SEVERITY_SV[finding.severity];
  if (by === "code") return finding.code;
  return "";
}

function sorted(findings) {
  const { key, ascending } = state.sort;
  if (!key) return findings;
  const value = (f) => (key === "severity" ? SEVERITY_RANK[f.severity] : key === "cell" ? cellOrder(f.cell) : (f[key] || ""));
  const copy = [...findings].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
  });
  return copy;
}

function cellOrder(cell) {
  const match = /^([A-Z]+)(\d+)$/.exec(cell || "");
  if (!match) return -1;
  const column = [...match[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return Number(match[2]) * 20000 + column;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value; else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function findingsTable(findings) {
  const head = element("tr");
  for (const [key, title] of COLUMNS) {
    const marker = state.sort.key === key ? (state.sort.ascending ? " ▲" : " ▼") : "";
    const button = element("button", { type: "button", class: "sort", "data-key": key }, title + marker);
    button.addEventListener("click", () => {
      state.sort = { key, ascending: state.sort.key === key ? !state.sort.ascending : true };
      render();
    });
    head.append(element("th", { scope: "col" }, button));
  }
  const body = element("tbody");
  const by = $("group").value;
  let current = null;
  for (const finding of sorted(findings)) {
    const group = groupKey(finding, by);
    if (by !== "none" && group !== current) {
      current = group;
      body.append(element("tr", { class: "group" }, element("th", { colspan: "6", scope: "rowgroup" }, group)));
    }
    body.append(element("tr", { class: finding.severity },
      element("td", {}, element("span", { class: `badge ${finding.severity}` }, SEVERITY_SV[finding.severity])),
      element("td", { class: "code" }, finding.code),
      element("td", {}, finding.sheet || ""),
      element("td", { class: "cell" }, finding.cell || ""),
      element("td", {}, finding.ref || ""),
      element("td", { class: "message" }, finding.message)));
  }
  return element("table", { class: "findings" }, element("thead", {}, head), body);
}

function groupedFindings(findings) {
  const by = $("group").value;
  if (by === "none" || state.sort.key) return findings;
  const order = (f) => (by === "severity" ? SEVERITY_RANK[f.severity] : by === "code" ? f.code : 0);
  return [...findings].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

async function download(name, button) {
  button.disabled = true;
  button.textContent = "Skapar kopian …";
  try {
    const result = await engine.annotate(name);
    if (result.error) throw new Error(result.error);
    const blob = new Blob([result.bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
    const link = element("a", { href: URL.createObjectURL(blob), download: name.replace(/(\.xls[xm])$/i, "_markerad$1") });
    document.body.append(link);
    link.click();
    link.remove();
    button.textContent = "Ladda ned markerad kopia";
  } catch (error) {
    button.textContent = "Kopian kunde inte skapas";
    button.title = error.message;
  } finally {
    button.disabled = false;
  }
}

function fileSection(file) {
  const counts = file.errors ? `${plural(file.errors, "fel", "fel")}, ${plural(file.warnings, "varning", "varningar")}`
    : file.warnings ? `inga fel, ${plural(file.warnings, "varning", "varningar")}` : "inga fel";
  const meta = [file.namnd && `nämnd ${file.namnd}`, file.period && `period ${file.period}`].filter(Boolean).join(" · ");
  const title = element("summary", {},
    element("span", { class: `state ${file.errors ? "bad" : "good"}` }, file.errors ? "Måste rättas" : "Kan skickas in"),
    element("strong", {}, file.file), element("span", { class: "meta" }, [meta, counts].filter(Boolean).join(" · ")));
  const section = element("details", { class: "file", open: "" }, title);
  const readable = !file.findings.some((f) => f.code === "S001" || f.code === "S009");
  if (readable) {
    const button = element("button", { type: "button", class: "download" }, "Ladda ned markerad kopia");
    button.addEventListener("click", () => download(file.file, button));
    section.append(element("p", { class: "actions" }, button,
      element("span", { class: "hint" }, " Kopian har bladet Valideringsresultat och färgade celler. Din egen fil ändras inte.")));
  }
  section.append(file.findings.length ? findingsTable(groupedFindings(file.findings)) : element("p", { class: "none" }, "Inga fynd."));
  return section;
}

function render() {
  const report = state.report;
  if (!report) return;
  $("results").hidden = false;
  $("summary").textContent = summaryText(report);
  $("summary").className = `summary ${report.error || report.files.some((f) => f.errors) ? "bad" : "good"}`;
  const list = $("file-list");
  list.replaceChildren(...report.files.map(fileSection));
}

$("files").addEventListener("change", (event) => {
  state.lastFiles = [...event.target.files];
  event.target.value = ""; // picking the same files again validates them again
  run(state.lastFiles);
});
$("model").addEventListener("change", () => { if (state.lastFiles) run(state.lastFiles); });
$("group").addEventListener("change", () => { state.sort.key = null; render(); });
$("model-clear").addEventListener("click", () => { $("model").value = ""; });
const drop = $("drop");
for (const name of ["dragenter", "dragover"]) drop.addEventListener(name, (e) => { e.preventDefault(); drop.classList.add("over"); });
for (const name of ["dragleave", "drop"]) drop.addEventListener(name, () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  state.lastFiles = [...event.dataTransfer.files];
  run(state.lastFiles);
});
