/*
 * bilan-crypto.js: the browser twin of bilan_gen/crypto.py.
 *
 * Turns an access code into the slug of its dossier page and the AES-256-GCM key of its
 * payload, then decrypts the payload. Same algorithms, constants and normalisation as the
 * Python side; tests/data/crypto_vectors.json holds the known answers both must give.
 *
 * Plain ES2017, no modules, no dependencies, no eval (works under a strict CSP); WebCrypto
 * only, which needs a secure context (https:, or http://127.0.0.1 / localhost).
 * Exposes window.BilanCrypto.
 */
(function (global) {
  'use strict';

  var CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  var CODE_LENGTH = 20;
  var NONCE_BYTES = 12;
  var TAG_BYTES = 16;
  var KEY_BYTES = 32;
  var SLUG_BYTES = 16;

  var encoder = new TextEncoder();
  var AAD = encoder.encode('bilan-gen/v1');
  var SITE_SALT = encoder.encode('bilan-gen/v1');
  var SLUG_INFO = encoder.encode('slug');
  var KEY_INFO = encoder.encode('aes-256-gcm key');

  // Pasted codes come from e-mails, PDFs and word processors: besides ASCII spaces, dashes,
  // underscores and dots, accept the (narrow) no-break spaces of French typography and the
  // typographic dashes editors substitute for "-". Keep in sync with SEPARATORS in crypto.py.
  var SEPARATORS = ' \t\r\n\u00a0\u202f-\u2010\u2011\u2012\u2013\u2014\u2212_.';

  // Crockford decoding, ASCII only: any case; I and L read as 1, O as 0. No toUpperCase():
  // it maps the dotless i to I and the long s to S, which Python's decoder refuses.
  var DECODE = Object.create(null);
  (function () {
    for (var i = 0; i < CROCKFORD.length; i++) {
      var c = CROCKFORD.charAt(i);
      DECODE[c] = c;
      DECODE[c.toLowerCase()] = c;
    }
    'IiLl'.split('').forEach(function (a) { DECODE[a] = '1'; });
    'Oo'.split('').forEach(function (a) { DECODE[a] = '0'; });
  })();

  /** A payload could not be decrypted: altered, truncated, or the key is wrong. */
  function payloadError(message) {
    var error = new Error(message);
    error.name = 'PayloadError';
    return error;
  }

  /** A code is malformed. The message never shows the code: it is a credential. */
  function codeError() {
    var error = new Error('code d\'accès invalide : 20 caractères attendus parmi 0-9 et A-Z, sauf U');
    error.name = 'CodeError';
    return error;
  }

  /**
   * Canonical 20-character uppercase code, or null when a character is outside the
   * alphabet (U, punctuation, non-ASCII) or the length is not 20.
   */
  function normalizeCode(text) {
    var out = '';
    // for...of walks code points, as Python walks str: an astral character counts once.
    for (var ch of String(text)) {
      if (SEPARATORS.indexOf(ch) !== -1) continue;
      var decoded = DECODE[ch];
      if (decoded === undefined) return null;
      out += decoded;
    }
    return out.length === CODE_LENGTH ? out : null;
  }

  function requireCode(code) {
    var canonical = normalizeCode(code);
    if (canonical === null) throw codeError();
    return canonical;
  }

  /** "ABCD-EFGH-JKMN-PQRS-TVWX"; throws a CodeError when the code is malformed. */
  function formatCode(code) {
    var canonical = requireCode(code);
    return canonical.match(/.{4}/g).join('-');
  }

  function toBytes(value) {
    if (typeof value === 'string') return encoder.encode(value);
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    throw new TypeError('expected a string, Uint8Array or ArrayBuffer');
  }

  /** HKDF-SHA256 (RFC 5869): Promise of `length` bytes (Uint8Array). */
  async function hkdf(ikm, salt, info, length) {
    var baseKey = await crypto.subtle.importKey('raw', toBytes(ikm), 'HKDF', false, ['deriveBits']);
    var bits = await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: toBytes(salt), info: toBytes(info) },
      baseKey,
      length * 8
    );
    return new Uint8Array(bits);
  }

  function bytesToHex(bytes) {
    var hex = '';
    for (var i = 0; i < bytes.length; i++) {
      hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    }
    return hex;
  }

  /** Promise of {slug, keyBytes}: for tests and tools; pages use deriveSlugAndKey. */
  async function deriveSlugAndRawKey(code) {
    // No slow KDF: the code carries 100 bits of entropy, so trying codes is hopeless anyway.
    var ikm = encoder.encode(requireCode(code));
    var slug = bytesToHex(await hkdf(ikm, SITE_SALT, SLUG_INFO, SLUG_BYTES));
    var keyBytes = await hkdf(ikm, SITE_SALT, KEY_INFO, KEY_BYTES);
    return { slug: slug, keyBytes: keyBytes };
  }

  /** Promise of a non-extractable AES-GCM CryptoKey that can only decrypt. */
  function importKey(keyBytes) {
    if (keyBytes.length !== KEY_BYTES) {
      return Promise.reject(new TypeError('key must be ' + KEY_BYTES + ' bytes'));
    }
    return crypto.subtle.importKey('raw', keyBytes, { name: 'AES-GCM' }, false, ['decrypt']);
  }

  /** Promise of {slug, key}; the raw key bytes are wiped once imported. */
  async function deriveSlugAndKey(code) {
    var derived = await deriveSlugAndRawKey(code);
    var key = await importKey(derived.keyBytes);
    derived.keyBytes.fill(0);
    return { slug: derived.slug, key: key };
  }

  /**
   * Decrypts nonce || ciphertext || tag with a CryptoKey (or 32 raw key bytes).
   * Promise of the plaintext bytes; rejects with a PayloadError when anything was altered.
   */
  async function decryptPayload(key, blob) {
    var bytes = toBytes(blob);
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw payloadError('données chiffrées tronquées');
    var cryptoKey = key instanceof Uint8Array ? await importKey(key) : key;
    var plain;
    try {
      plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, NONCE_BYTES), additionalData: AAD, tagLength: 128 },
        cryptoKey,
        bytes.subarray(NONCE_BYTES)
      );
    } catch (e) {
      throw payloadError('données chiffrées altérées ou clé incorrecte');
    }
    return new Uint8Array(plain);
  }

  /** Standard base64 (whitespace ignored) to a Uint8Array. */
  function base64ToBytes(text) {
    var binary = atob(String(text).replace(/\s+/g, ''));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  global.BilanCrypto = Object.freeze({
    CODE_LENGTH: CODE_LENGTH,
    normalizeCode: normalizeCode,
    formatCode: formatCode,
    hkdf: hkdf,
    deriveSlugAndKey: deriveSlugAndKey,
    deriveSlugAndRawKey: deriveSlugAndRawKey,
    importKey: importKey,
    decryptPayload: decryptPayload,
    base64ToBytes: base64ToBytes
  });
})(window);
