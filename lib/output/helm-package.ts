import { createHash } from 'crypto';
import { gzip } from 'pako';
import { Header } from 'tar';
import { recent } from '../tools/recent';

/**
 * A `.tgz` chart archive as `helm package` lays it out (`<chart>/<file>` entries), but reproducible: `helm package`
 * stamps the current time on every entry, so the same chart would give a different archive on every synth. Here
 * every entry has a fixed time, owner and mode, entries are sorted, and the gzip stream comes from pako (plain
 * JavaScript, so the same bytes on every platform; its header carries no time).
 */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');
const BLOCK = 512;

/** The last archives compressed, by the hash of their tar: level-9 gzip costs ~20 ms, and renders repeat charts. */
const compressed = recent<Buffer>(8);

export function packageChart(chartName: string, files: ReadonlyMap<string, string | Buffer>): Buffer {
  const chunks: Buffer[] = [];
  for (const [rel, content] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const path = `${chartName}/${rel}`;
    const header = new Header({
      path,
      mode: 0o644,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      size: data.length,
      mtime: FIXED_MTIME,
      type: 'File',
    });
    const block = Buffer.alloc(BLOCK);
    // encode() reports whether the path needs a pax extension (over 100 bytes): chart paths never do.
    if (header.encode(block, 0)) throw new Error(`chart archive: path too long for a plain tar header: ${path}`);
    chunks.push(block, data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  // End of archive: two zero blocks.
  chunks.push(Buffer.alloc(2 * BLOCK));
  const tar = Buffer.concat(chunks);
  const key = createHash('sha256').update(tar).digest('hex');
  // A copy: the caller may change its buffer.
  return Buffer.from(compressed(key, () => Buffer.from(gzip(tar, { level: 9 }))));
}
