// Which members each Office.js type has, read from @types/office-js with the TypeScript
// compiler's parser (inherited members included), so the tests can check that everything
// the mock (and so the code under test) uses exists in Office.js.
import fs from "node:fs";
import { createRequire } from "node:module";
import ts from "typescript";

const require = createRequire(import.meta.url);

export function officeTypes() {
  const file = require.resolve("@types/office-js/index.d.ts");
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const members = new Map();
  const bases = new Map();
  const visit = (node, namespace) => {
    if (ts.isModuleDeclaration(node) && node.body) {
      const name = namespace ? `${namespace}.${node.name.text}` : node.name.text;
      ts.forEachChild(node.body, (child) => visit(child, name));
      return;
    }
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name) {
      const name = `${namespace}.${node.name.text}`;
      const own = members.get(name) || new Set();
      for (const member of node.members) if (member.name && member.name.text) own.add(member.name.text);
      members.set(name, own);
      for (const clause of node.heritageClauses || []) {
        for (const type of clause.types) {
          const base = type.expression.getText(source);
          bases.set(name, [...(bases.get(name) || []), base.includes(".") ? base : `${namespace}.${base}`]);
        }
      }
      return;
    }
    ts.forEachChild(node, (child) => visit(child, namespace));
  };
  visit(source, "");
  const all = (name, seen = new Set()) => {
    if (seen.has(name)) return new Set();
    seen.add(name);
    const result = new Set(members.get(name) || []);
    for (const base of bases.get(name) || []) for (const m of all(base, seen)) result.add(m);
    return result;
  };
  return { has: (type, member) => all(type).has(member), known: (type) => members.has(type) };
}
