import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { binaryPdf, HELVETICA_RESOURCES } from './pdf-fixtures.js';

/**
 * PDFs encrypted with the PDF standard security handler, the way portals that restrict
 * printing make them: revision 3 with RC4-128 or revision 4 with AES-128 (AESV2), an owner
 * password, and an empty user password unless one is given (ISO 32000-1, 7.6.3, algorithms
 * 1, 2, 3 and 5). One page whose Flate content stream shows `lines`; an Info Title too.
 */
export function encryptedPdf(
  lines: string[],
  options: { cipher: 'rc4' | 'aes'; userPassword?: string; ownerPassword?: string; title?: string },
): Buffer {
  const id = randomBytes(16);
  const permissions = -3904; // everything but printing (bits 3 and 12 clear)
  const owner = ownerValue(options.ownerPassword ?? 'owner', options.userPassword ?? '');
  const key = fileKey(options.userPassword ?? '', owner, permissions, id);
  const user = userValue(key, id);
  const encrypt = (objectNumber: number, data: Buffer) => encryptObjectData(options.cipher, key, objectNumber, data);

  const text = lines.map((line, i) => `BT /F1 12 Tf 50 ${740 - i * 20} Td (${line.replace(/[()\\]/g, '\\$&')}) Tj ET`).join('\n');
  const content = encrypt(4, deflateSync(Buffer.from(text, 'latin1')));
  const title = encrypt(5, Buffer.from(options.title ?? 'Vehicle report', 'latin1'));
  const filter =
    options.cipher === 'rc4'
      ? '/V 2 /R 3 /Length 128'
      : '/V 4 /R 4 /Length 128 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV2 /Length 16 >> >> /StmF /StdCF /StrF /StdCF';
  return binaryPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${HELVETICA_RESOURCES} /Contents 4 0 R >>`,
      { dict: '<< /Filter /FlateDecode >>', stream: content },
      `<< /Title <${title.toString('hex')}> >>`,
      `<< /Filter /Standard ${filter} /O <${owner.toString('hex')}> /U <${user.toString('hex')}> /P ${permissions} >>`,
    ],
    { trailerExtra: `/Info 5 0 R /Encrypt 6 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>]` },
  );
}

const PADDING = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const KEY_BYTES = 16;

const md5 = (...parts: Buffer[]) => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

function padded(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, 'latin1'), PADDING]).subarray(0, 32);
}

/** Algorithm 3 (revision 3 and 4): the /O value. */
function ownerValue(ownerPassword: string, userPassword: string): Buffer {
  let digest = md5(padded(ownerPassword));
  for (let i = 0; i < 50; i++) digest = md5(digest.subarray(0, KEY_BYTES));
  const key = digest.subarray(0, KEY_BYTES);
  let out = rc4(key, padded(userPassword));
  for (let i = 1; i <= 19; i++) out = rc4(xorKey(key, i), out);
  return out;
}

/** Algorithm 2: the file encryption key. */
function fileKey(userPassword: string, owner: Buffer, permissions: number, id: Buffer): Buffer {
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  let digest = md5(padded(userPassword), owner, p, id);
  for (let i = 0; i < 50; i++) digest = md5(digest.subarray(0, KEY_BYTES));
  return digest.subarray(0, KEY_BYTES);
}

/** Algorithm 5 (revision 3 and 4): the /U value. */
function userValue(key: Buffer, id: Buffer): Buffer {
  let out = rc4(key, md5(PADDING, id));
  for (let i = 1; i <= 19; i++) out = rc4(xorKey(key, i), out);
  return Buffer.concat([out, Buffer.alloc(16)]);
}

/** Algorithm 1: a string or stream of object `objectNumber` (generation 0), RC4 or AES-128-CBC with its IV first. */
function encryptObjectData(cipher: 'rc4' | 'aes', key: Buffer, objectNumber: number, data: Buffer): Buffer {
  const ref = Buffer.from([objectNumber & 0xff, (objectNumber >> 8) & 0xff, (objectNumber >> 16) & 0xff, 0, 0]);
  const salt = cipher === 'aes' ? Buffer.from('sAlT', 'latin1') : Buffer.alloc(0);
  const objectKey = md5(key, ref, salt).subarray(0, Math.min(KEY_BYTES + 5, 16));
  if (cipher === 'rc4') return rc4(objectKey, data);
  const iv = randomBytes(16);
  const aes = createCipheriv('aes-128-cbc', objectKey, iv);
  return Buffer.concat([iv, aes.update(data), aes.final()]);
}

function xorKey(key: Buffer, i: number): Buffer {
  return Buffer.from(key.map((b) => b ^ i));
}

/** RC4 (OpenSSL 3 no longer offers it by default), a few lines. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}
