/**
 * A side file no format detected: refused with the most useful one-line error. A format or a
 * bundle may know the file as one of its own that bundlescope cannot read as it is (a binary sa
 * file, an encrypted bundle) and say what to run on it (Format.refuses, BundleFormat.refuses: the
 * formats first, in registry order); otherwise binary data or text of no known format.
 */
import { InputError } from '../errors.js';
import { FORMATS } from '../formats/registry.js';
import { BUNDLES, DEFAULT_BUNDLE } from '../bundle/registry.js';

export function refuseUnknown(path: string, headBuf: Buffer): InputError {
  for (const r of [...FORMATS, ...BUNDLES]) {
    const e = r.refuses?.(headBuf, path);
    if (e) return e;
  }
  const bin = /[\x00-\x08\x0e-\x1a]/.test(headBuf.toString('utf8').slice(0, 4096));
  return new InputError('unknown-format',
    bin ? `binary data of no known format (a ${DEFAULT_BUNDLE.kind} must be a tar archive; --as KIND forces a format)`
      : 'not a format bundlescope knows (--as KIND forces one; README lists the kinds)', path);
}
