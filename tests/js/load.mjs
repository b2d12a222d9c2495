// Loads the extension's classic scripts into this Node process, in manifest order, the same way
// the browser does (they share globalThis.CG). Only pure modules are loaded by the unit tests.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import vm from 'node:vm';

export const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../extension');

export function loadScripts(...files) {
  for (const file of files) {
    vm.runInThisContext(readFileSync(path.join(EXT, file), 'utf8'), { filename: file });
  }
  return globalThis.CG;
}

export function loadPure() {
  return loadScripts(
    'src/shared/namespace.js', 'src/shared/protocol.js', 'src/shared/i18n.js', 'src/shared/settings.js',
    'src/shared/text_map.js', 'src/content/scheduler.js',
    'src/content/adapters/base.js', 'src/content/adapters/textarea.js', 'src/content/adapters/draftjs.js',
    'src/content/adapters/lexical.js', 'src/content/adapters/quill.js', 'src/content/adapters/prosemirror.js',
    'src/content/adapters/contenteditable.js',
  );
}

/** Every file under `dir`, depth first. */
export function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every script of the extension (src/: content, shared, worker; popup/; options/) as {file, src}. */
export function extensionScripts() {
  return ['src', 'popup', 'options'].flatMap((d) => walk(path.join(EXT, d)))
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: path.relative(EXT, f).split(path.sep).join('/'), src: readFileSync(f, 'utf8') }));
}
