#!/usr/bin/env node
// Writes build/icons/icon.png: the 512x512 app icon (a rounded square with a
// blue-to-teal gradient and a white wave), with only node:zlib, so the icon
// can be regenerated anywhere: `node build/icons/make-icon.mjs`.
import { deflateSync } from "node:zlib";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SIZE = 512;
const RADIUS = 104; // corner radius of the rounded square
const BLUE = [29, 78, 216];
const TEAL = [20, 184, 166];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const clamp01 = (x) => Math.min(1, Math.max(0, x));

/** Coverage (0..1) of the pixel centred at (x, y) by the rounded square: 1 inside, antialiased edge. */
function squareCoverage(x, y) {
  const dx = Math.max(RADIUS - x, x - (SIZE - RADIUS), 0);
  const dy = Math.max(RADIUS - y, y - (SIZE - RADIUS), 0);
  return clamp01(RADIUS + 0.5 - Math.hypot(dx, dy));
}

const WAVE_FROM = 88;
const WAVE_TO = SIZE - 88;
const AMPLITUDE = 34;
const HALF_WIDTH = 22;
const K = (3 * Math.PI) / (WAVE_TO - WAVE_FROM); // one and a half periods along the stroke
const STEP = 0.25;

/** The wave's centre line, sampled every STEP px (round caps come for free from the end samples). */
const waveY = Float64Array.from({ length: Math.round((WAVE_TO - WAVE_FROM) / STEP) + 1 }, (_, i) => SIZE / 2 - AMPLITUDE * Math.sin(K * i * STEP));

/** Coverage (0..1) of the white wave stroke at (x, y), by distance to the nearest centre-line sample. */
function waveCoverage(x, y) {
  const first = Math.max(0, Math.ceil((x - HALF_WIDTH - 1 - WAVE_FROM) / STEP));
  const last = Math.min(waveY.length - 1, Math.floor((x + HALF_WIDTH + 1 - WAVE_FROM) / STEP));
  let nearest = Infinity;
  for (let i = first; i <= last; i++) {
    const d = Math.hypot(x - (WAVE_FROM + i * STEP), y - waveY[i]);
    if (d < nearest) nearest = d;
  }
  return clamp01(HALF_WIDTH + 0.5 - nearest);
}

const raw = Buffer.alloc(SIZE * (1 + SIZE * 4));
for (let y = 0; y < SIZE; y++) {
  const row = y * (1 + SIZE * 4);
  raw[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const cx = x + 0.5;
    const cy = y + 0.5;
    const t = clamp01((cx + cy) / (2 * SIZE)); // diagonal gradient, top-left blue to bottom-right teal
    const w = waveCoverage(cx, cy);
    const px = row + 1 + x * 4;
    for (let i = 0; i < 3; i++) {
      const base = BLUE[i] + (TEAL[i] - BLUE[i]) * t;
      raw[px + i] = Math.round(base + (255 - base) * w);
    }
    raw[px + 3] = Math.round(255 * squareCoverage(cx, cy));
  }
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
header[10] = 0; // compression
header[11] = 0; // filter
header[12] = 0; // no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(raw, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);

const out = fileURLToPath(new URL("./icon.png", import.meta.url));
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
