// The page's and the task pane's handle on the engine worker (worker.mjs).
//
// Each call is a message with an id; a call that takes longer than its time limit ends the
// worker (a hostile file never hangs the tab) and is rejected with EngineStopped, and so
// is every call when the worker dies (out of memory). `restart()` brings up a fresh one.

export const FILE_TIME_LIMIT_MS = 60000;
export const START_TIME_LIMIT_MS = 180000;

export class EngineStopped extends Error {
  /** @param {string} reason Swedish, for the S009 finding */
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

export class Engine {
  /** @param {(text: string, done: number, total: number) => void} onProgress */
  constructor(onProgress = () => {}) {
    this.onProgress = onProgress;
    this.worker = null;
    this.pending = new Map();
    this.nextId = 1;
    this.info = null;
  }

  async start() {
    this.worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.stop(this.info ? "webbläsarens minne räckte inte till för filen"
        : `kontrollen kunde inte laddas (${event.message || "okänt fel"})`);
    };
    this.info = await this.call("start", {}, START_TIME_LIMIT_MS);
    return this.info;
  }

  receive(message) {
    if (message.type === "progress") {
      this.onProgress(message.text, message.done, message.total);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.error !== undefined) waiting.reject(new Error(message.error));
    else waiting.resolve(message.value);
  }

  stop(reason) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new EngineStopped(reason));
    }
    this.pending.clear();
  }

  async restart() {
    this.stop("motorn startades om");
    return this.start();
  }

  call(op, args = {}, limitMs = FILE_TIME_LIMIT_MS, transfer = []) {
    if (!this.worker) return Promise.reject(new EngineStopped("motorn är inte startad"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.stop(
        `kontrollen tog mer än ${Math.round(limitMs / 1000)} sekunder och avbröts`), limitMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, op, args }, transfer);
    });
  }

  setFiles(files, model) { return this.call("setFiles", { files, model }); }
  validateFile(name, limitMs = FILE_TIME_LIMIT_MS) { return this.call("validateFile", { name }, limitMs); }
  refused(name, reason) { return this.call("refused", { name, reason }); }
  duplicates() { return this.call("duplicates"); }
  errorDocument(message) { return this.call("errorDocument", { message }); }
  annotate(name) { return this.call("annotate", { name }); }
  validateOpenWorkbook(name, bytes) { return this.call("openWorkbook", { name, bytes }, FILE_TIME_LIMIT_MS, [bytes.buffer]); }
  summary(errors, warnings, unmarked) { return this.call("summary", { errors, warnings, unmarked }); }
}

/**
 * Validate `files` (File objects, names unique) and optionally against `model`; returns the
 * document `malark validate --format json` prints for the same files. A file the engine
 * has to give up on gets one S009 finding saying why, and the engine is restarted.
 * @param {Engine} engine
 * @param {File[]} files
 * @param {File | null} model
 * @param {(name: string, index: number) => void} onFile
 * @param {number} limitMs  the time one file may take
 */
export async function validateAll(engine, files, model, onFile = () => {}, limitMs = FILE_TIME_LIMIT_MS) {
  const loaded = await engine.setFiles(files, model);
  if (!loaded.ok) return loaded.document;
  const reports = [];
  for (const [index, file] of files.entries()) {
    onFile(file.name, index);
    try {
      reports.push(await engine.validateFile(file.name, limitMs));
    } catch (error) {
      // Stopped (too slow, out of memory) or Python itself failed: a fresh engine goes on.
      const reason = error instanceof EngineStopped ? error.reason
        : /MemoryError|out of memory/i.test(String(error.message)) ? "webbläsarens minne räckte inte till för filen"
          : "kontrollen i webbläsaren avbröts av ett fel";
      await engine.restart();
      await engine.setFiles(files, model);
      reports.push(await engine.refused(file.name, reason));
    }
  }
  // Two files of one committee and period: S011 on each, as `malark validate` says it.
  const changed = await engine.duplicates();
  const merged = reports.map((report) => changed[report.file] ?? report);
  return { malark_version: engine.info.malark_version, files: merged };
}
