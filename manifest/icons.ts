/**
 * Draws the two Teams app icons and writes them next to this file:
 *   color.png   192×192: a white shield with a house cut out of it, centred on the accent colour.
 *   outline.png  32×32:  the same shield in white on a transparent background (Teams tints it).
 *
 * The PNGs are committed; run this again only to change the design:
 *   npx tsx manifest/icons.ts
 * The accent colour is the manifest's `accentColor` (manifest/manifest.template.json), read from there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const HERE = __dirname;
/** Samples per pixel along each axis: edges get 16 coverage levels, so they look smooth. */
const SUPERSAMPLE = 4;

type Rgb = readonly [number, number, number];

/** Shield with a flat top and sides that curve into a point, in a unit square (x, y from the top left). */
function inShield(x: number, y: number): boolean {
  const top = 0.1;
  const shoulder = 0.5;
  const bottom = 0.93;
  const halfWidth = 0.38;
  if (y < top || y > bottom) return false;
  const dx = Math.abs(x - 0.5);
  if (y <= shoulder) return dx <= halfWidth;
  const t = (y - shoulder) / (bottom - shoulder);
  return dx <= halfWidth * (1 - Math.pow(t, 1.8));
}

/** A house (roof and walls, with a door) centred in the shield: cut out of it. */
function inHouse(x: number, y: number): boolean {
  const cx = 0.5;
  const roofTop = 0.25;
  const eaves = 0.45;
  const roofHalf = 0.22;
  const wallHalf = 0.155;
  const floor = 0.67;
  const dx = Math.abs(x - cx);
  const roof = y >= roofTop && y <= eaves && dx <= (roofHalf * (y - roofTop)) / (eaves - roofTop);
  const walls = y > eaves && y <= floor && dx <= wallHalf;
  const door = y > 0.53 && y <= floor && dx <= 0.045;
  return (roof || walls) && !door;
}

function coverage(size: number, px: number, py: number, inside: (x: number, y: number) => boolean): number {
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
      const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
      if (inside(x, y)) hits++;
    }
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

const mark = (x: number, y: number): boolean => inShield(x, y) && !inHouse(x, y);
/** The mark shrunk about the centre: Teams wants the colour icon's symbol well inside its background. */
const scaled =
  (scale: number) =>
  (x: number, y: number): boolean =>
    mark((x - 0.5) / scale + 0.5, (y - 0.5) / scale + 0.5);

/** 192×192, opaque: accent background, white mark. */
export function drawColorIcon(accent: Rgb): PNG {
  const size = 192;
  const colorMark = scaled(0.7);
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const a = coverage(size, px, py, colorMark);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(accent[c]! * (1 - a) + 255 * a);
      png.data[i + 3] = 255;
    }
  }
  return png;
}

/** 32×32: white mark, transparent everywhere else (edge pixels are white with partial alpha). */
export function drawOutlineIcon(): PNG {
  const size = 32;
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const a = coverage(size, px, py, mark);
      const i = (py * size + px) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(255 * a);
    }
  }
  return png;
}

export function accentFromTemplate(): Rgb {
  const template = JSON.parse(readFileSync(join(HERE, 'manifest.template.json'), 'utf8')) as { accentColor: string };
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(template.accentColor);
  if (!m) throw new Error(`accentColor ${template.accentColor} is not #rrggbb`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

if (require.main === module) {
  writeFileSync(join(HERE, 'color.png'), PNG.sync.write(drawColorIcon(accentFromTemplate())));
  writeFileSync(join(HERE, 'outline.png'), PNG.sync.write(drawOutlineIcon()));
  console.log(`wrote ${join(HERE, 'color.png')} and ${join(HERE, 'outline.png')}`);
}
