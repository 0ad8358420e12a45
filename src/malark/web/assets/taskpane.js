// The Office add-in's task pane: opened by the button Validera on the tab Målark. It
// validates the open workbook at once, and again each time "Validera igen" is pressed
// (each run first clears the marks of the previous one).
import { Engine, EngineStopped } from "./engine-client.js";
import { validateOpenWorkbook } from "./office-layer.js";

const $ = (id) => document.getElementById(id);
const SEVERITY_SV = { error: "Fel", warning: "Varning", info: "Info" };
const SHOWN = 200;

function showProgress(text, done, total) {
  $("status-text").textContent = text;
  $("progress-bar").style.width = total ? `${Math.round((100 * done) / total)}%` : "100%";
}

const engine = new Engine(showProgress);
const started = engine.start();

function officeReady() {
  return new Promise((resolve, reject) => {
    if (!window.Office) {
      reject(new Error("Den här sidan är rutan i Excel-tillägget och fungerar bara i Excel. "
        + "Öppna index.html för att kontrollera filer i webbläsaren."));
      return;
    }
    window.Office.onReady((info) => (info.host === window.Office.HostType.Excel ? resolve(info)
      : reject(new Error("Målark fungerar bara i Excel."))));
  });
}

function goTo(sheet, cell) {
  window.Excel.run(async (context) => {
    context.workbook.worksheets.getItem(sheet).getRange(cell).select();
    await context.sync();
  }).catch(() => {});
}

function showFindings(report) {
  const items = report.findings.slice(0, SHOWN).map((finding) => {
    const item = document.createElement("li");
    item.className = finding.severity;
    const head = document.createElement("div");
    head.append(`${SEVERITY_SV[finding.severity]} ${finding.code} `);
    if (finding.sheet && finding.cell) {
      const link = document.createElement("button");
      link.type = "button";
      link.className = "where";
      link.textContent = `${finding.sheet}!${finding.cell}`;
      link.addEventListener("click", () => goTo(finding.sheet, finding.cell));
      head.append(link);
    } else if (finding.sheet) head.append(finding.sheet);
    const message = document.createElement("div");
    message.textContent = finding.message;
    item.append(head, message);
    return item;
  });
  if (report.findings.length > SHOWN) {
    const more = document.createElement("li");
    more.textContent = `… och ${report.findings.length - SHOWN} till, se bladet Valideringsresultat.`;
    items.push(more);
  }
  $("findings").replaceChildren(...items);
}

async function press() {
  const button = $("validate");
  button.disabled = true;
  document.body.dataset.state = "working";
  $("status").classList.remove("idle");
  try {
    await started;
    const result = await validateOpenWorkbook({
      office: window.Office, run: (batch) => window.Excel.run(batch), engine,
      progress: (text) => showProgress(text, 1, 2),
    });
    $("summary").textContent = result.summary;
    $("summary").className = `summary ${result.errors ? "bad" : "good"}`;
    $("summary").hidden = false;
    showFindings(result.report);
    showProgress("Klart.", 1, 1);
    $("status").classList.add("idle");
    window.malarkPaneResult = result;
    document.body.dataset.state = "done";
  } catch (error) {
    if (error instanceof EngineStopped) engine.restart().catch(() => {});
    const reason = error instanceof EngineStopped ? `Kontrollen avbröts: ${error.reason}.`
      : `Något gick fel: ${error.message}`;
    showProgress(`${reason} Inga värden i arbetsboken har ändrats.`, 0, 0);
    document.body.dataset.state = "failed";
  } finally {
    button.disabled = false;
  }
}

$("validate").addEventListener("click", press);
officeReady().then(press, (error) => {
  showProgress(error.message, 0, 0);
  document.body.dataset.state = "failed";
});
