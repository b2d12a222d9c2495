#!/usr/bin/env node
// Packages extension/ into zips: node scripts/package_extension.mjs --out dist/
//   chrome.zip      Chrome Web Store / Edge Add-ons upload (no `key`, no Firefox-only keys)
//   chrome-it.zip   for IT: keeps the manifest `key` (stable id); IT signs the CRX with its own key
//   firefox.zip     AMO upload / signing (background.scripts only, gecko id); rename to .xpi once signed
// No dependencies: a small ZIP writer (deflate from node:zlib, CRC-32 computed here).
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXT = path.join(ROOT, 'extension');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** entries: [{name, data: Buffer}] -> Buffer (deterministic: fixed timestamps, sorted names) */
function zip(entries) {
  const local = [];
  const central = [];
  let offset = 0;
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = (2024 - 1980) << 9 | 1 << 5 | 1; // 2024-01-01
  for (const { name, data } of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const nameBuf = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const useDeflate = deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(useDeflate ? 8 : 0, 8);
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(body.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBuf.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, nameBuf, body);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(useDeflate ? 8 : 0, 10);
    dir.writeUInt16LE(DOS_TIME, 12);
    dir.writeUInt16LE(DOS_DATE, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(nameBuf.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, nameBuf);
    offset += header.length + nameBuf.length + body.length;
  }
  const centralBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, centralBuf, end]);
}

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (f.startsWith('.') || f.endsWith('.pem')) return []; // never ship dotfiles or keys
    return statSync(p).isDirectory() ? files(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

// What each browser package leaves out of manifest.json: the one definition, shared with the IT kit
// (backend/conduct_guard/deploy/browser_targets.json).
const TARGETS = JSON.parse(readFileSync(path.join(ROOT, 'backend', 'conduct_guard', 'deploy', 'browser_targets.json'), 'utf8'));

function manifestFor(target, manifest) {
  const m = structuredClone(manifest);
  for (const dotted of TARGETS[target]) {
    const parts = dotted.split('.');
    const last = parts.pop();
    let node = m;
    for (const part of parts) node = node && typeof node === 'object' ? node[part] : undefined;
    if (node && typeof node === 'object') delete node[last];
  }
  return m;
}

function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = path.resolve(ROOT, outIndex >= 0 ? args[outIndex + 1] : 'dist');
  mkdirSync(out, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(EXT, 'manifest.json'), 'utf8'));
  const list = files(EXT).filter((f) => f !== 'manifest.json');
  for (const [target, name] of [['chrome', 'chrome.zip'], ['chrome-it', 'chrome-it.zip'], ['firefox', 'firefox.zip']]) {
    const entries = list.map((f) => ({ name: f, data: readFileSync(path.join(EXT, f)) }));
    entries.push({ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifestFor(target, manifest), null, 2)}\n`) });
    const buf = zip(entries);
    writeFileSync(path.join(out, name), buf);
    console.log(`${path.relative(ROOT, path.join(out, name))}  ${entries.length} files, ${(buf.length / 1024).toFixed(1)} KiB  (v${manifest.version})`);
  }
}

main();
