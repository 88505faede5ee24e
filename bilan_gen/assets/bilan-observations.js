/*
 * bilan-observations.js: the « Mes observations » form under the document de synthèse.
 *
 * What the beneficiary writes is sealed here, in the browser, to the provider's public key
 * (ECDH P-256, HKDF-SHA256, AES-256-GCM) and signed with a key derived from the dossier's own
 * key (HMAC-SHA256), then offered as a file to download and as a mailto: link. Nothing is
 * sent anywhere by this script. `bilan observations ID FILE` checks and imports the message.
 * The twin of bilan_gen/observations/envelope.py; tests/data/observations_vectors.json holds
 * the known answers both must give.
 *
 * An extension of bilan-site.js: it listens to `bilan:rendered` (the synthèse page of a
 * beneficiary's payload carries `observations` settings) and `bilan:logout`. Needs
 * BilanCrypto (bilan-crypto.js). Plain ES2017, no eval, CSP-friendly. Exposes
 * window.BilanObservations for tests.
 */
(function () {
  'use strict';

  var C = window.BilanCrypto;
  var encoder = new TextEncoder();
  var VERSION = 1;
  var SALT = encoder.encode('bilan-gen/v1/observations');
  var ENCRYPTION_INFO = encoder.encode('aes-256-gcm key');
  var MAC_INFO = encoder.encode('hmac-sha256 key');
  var BEGIN = '-----BEGIN BILAN OBSERVATIONS-----';
  var END = '-----END BILAN OBSERVATIONS-----';
  var LINE_CHARS = 64;
  var NONCE_BYTES = 12;
  var KID_BYTES = 8;
  var MAX_CHARS = 8000;
  // Mail clients cut long mailto: links (about 2,000 characters on some Windows and Android
  // ones): past this, the link only opens a message and the file is to be attached.
  var MAILTO_MAX = 2000;
  var STORE_PREFIX = 'bilan-gen:'; // where bilan-site.js keeps this tab's dossier key
  var ROUTE = 'synthese';
  var ECDH = { name: 'ECDH', namedCurve: 'P-256' };

  var TEXT = {
    title: 'Mes observations',
    intro: 'Vous pouvez faire part de vos observations sur ce document de synth\u00e8se\u00a0: votre consultant les ajoutera \u00e0 la fin du document. Elles sont chiffr\u00e9es dans votre navigateur et seul votre organisme pourra les lire. Ce site n\u2019envoie rien\u00a0: vous les transmettez vous-m\u00eame, par e-mail ou en fichier.',
    label: 'Vos observations',
    help: MAX_CHARS.toLocaleString('fr-FR') + ' caract\u00e8res au plus.',
    submit: 'Chiffrer mes observations',
    empty: '\u00c9crivez vos observations avant de les chiffrer.',
    tooLong: 'Vos observations d\u00e9passent ' + MAX_CHARS.toLocaleString('fr-FR') + ' caract\u00e8res\u00a0: raccourcissez-les.',
    unsupported: 'Votre navigateur ne permet pas de chiffrer vos observations (page non s\u00e9curis\u00e9e ou navigateur trop ancien).',
    noKey: 'Votre code d\u2019acc\u00e8s n\u2019est plus connu de cet onglet\u00a0: d\u00e9connectez-vous, puis rouvrez le dossier avec votre code.',
    failed: 'Le chiffrement a \u00e9chou\u00e9\u00a0: rechargez la page et r\u00e9essayez.',
    ready: 'Vos observations sont chiffr\u00e9es',
    readyHelp: 'Seul votre organisme peut les lire. Envoyez-les \u00e0 votre consultant\u00a0:',
    // RGAA 6.1: link names that say what they carry, read out of context (a links list).
    download: 'T\u00e9l\u00e9charger mes observations chiffr\u00e9es',
    send: 'Envoyer mes observations par e-mail \u00e0 ',
    armour: 'Afficher le texte chiffr\u00e9 (\u00e0 copier dans un e-mail)',
    armourLabel: 'Texte chiffr\u00e9 de vos observations',
    again: 'Si vous modifiez votre texte, chiffrez-le de nouveau et n\u2019envoyez que la derni\u00e8re version.',
    noContact: 'Aucune adresse e-mail de votre consultant n\u2019est indiqu\u00e9e sur ce site\u00a0: t\u00e9l\u00e9chargez le fichier et remettez-le-lui, en pi\u00e8ce jointe d\u2019un e-mail ou sur une cl\u00e9 USB.',
    subject: 'Mes observations sur mon document de synth\u00e8se',
    bodyIntro: 'Bonjour,\n\nVoici mes observations sur mon document de synth\u00e8se. Elles sont chiffr\u00e9es\u00a0: seul l\u2019organisme peut les lire. Merci de ne pas modifier le bloc ci-dessous.\n\n',
    fileIntro: 'Observations du b\u00e9n\u00e9ficiaire sur son document de synth\u00e8se (bilan de comp\u00e9tences),\nchiffr\u00e9es\u00a0: seul l\u2019organisme peut les lire.\nPour le consultant\u00a0: bilan observations <dossier> <ce fichier>\n\n'
  };

  // ---- Sealing: the twin of bilan_gen/observations/envelope.py ---------------------------

  function concat(parts) {
    var length = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(length);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function b64urlToBytes(text) {
    var b64 = String(text).replace(/-/g, '+').replace(/_/g, '/');
    return C.base64ToBytes(b64 + '===='.slice(b64.length % 4 || 4));
  }

  function bytesToBase64(bytes) {
    var binary = '';
    for (var i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  function toHex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  /** A fresh message id: 16 random bytes in hex. */
  function newMessageId() {
    return toHex(crypto.getRandomValues(new Uint8Array(16)));
  }

  /** `2026-12-11T18:42:05+01:00`: the local time with its offset, as Python's isoformat(). */
  function localIsoTime(date) {
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? '+' : '-';
    offset = Math.abs(offset);
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) +
      'T' + pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) +
      sign + pad(Math.floor(offset / 60)) + ':' + pad(offset % 60);
  }

  /** The message's UTF-8 JSON, keys in the order Python writes them. */
  function messageJson(fields) {
    return encoder.encode(JSON.stringify({
      v: VERSION,
      dossier: fields.dossier,
      audience: 'beneficiaire',
      id: fields.id,
      cree_le: fields.creeLe,
      texte: fields.texte
    }));
  }

  function ecJwk(key, withPrivate) {
    var jwk = { kty: 'EC', crv: 'P-256', x: key.x, y: key.y, ext: true };
    if (withPrivate) { jwk.d = key.d; }
    return jwk;
  }

  async function ephemeralKey(given) {
    if (given) { // known-answer tests only
      var imported = await crypto.subtle.importKey('jwk', ecJwk(given, true), ECDH, false, ['deriveBits']);
      return { key: imported, point: concat([[4], b64urlToBytes(given.x), b64urlToBytes(given.y)]) };
    }
    var pair = await crypto.subtle.generateKey(ECDH, false, ['deriveBits']);
    var point = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    return { key: pair.privateKey, point: point };
  }

  /**
   * Seals `message` (bytes) for the provider key `cle` ({kid, x, y}), signed with the
   * dossier's 32-byte key. Promise of the sealed bytes. `ephemeral` (a JWK with d) and
   * `nonce` are for known-answer tests: production draws them at random.
   */
  async function seal(cle, dossierKey, message, ephemeral, nonce) {
    var point = concat([[4], b64urlToBytes(cle.x), b64urlToBytes(cle.y)]);
    var kid = new Uint8Array(await crypto.subtle.digest('SHA-256', point)).subarray(0, KID_BYTES);
    if (toHex(kid) !== cle.kid) { throw new Error('provider key and key id disagree'); }
    var provider = await crypto.subtle.importKey('jwk', ecJwk(cle, false), ECDH, false, []);
    var own = await ephemeralKey(ephemeral);
    var shared = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: provider }, own.key, 256));
    var keyBytes = await C.hkdf(shared, SALT, concat([ENCRYPTION_INFO, own.point, point]), 32);
    var macBytes = await C.hkdf(dossierKey, SALT, MAC_INFO, 32);
    var aes = await crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt']);
    var hmac = await crypto.subtle.importKey('raw', macBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    [shared, keyBytes, macBytes].forEach(function (b) { b.fill(0); });
    var mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmac, message));
    var header = concat([[VERSION], kid, own.point]);
    var iv = nonce || crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    var sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: iv, additionalData: header, tagLength: 128 }, aes, concat([mac, message])
    );
    return concat([header, iv, new Uint8Array(sealed)]);
  }

  /** The armoured text: base64 in lines of 64 between BEGIN and END, lines ending in \n. */
  function armour(bytes) {
    var text = bytesToBase64(bytes);
    var lines = [BEGIN];
    for (var i = 0; i < text.length; i += LINE_CHARS) { lines.push(text.slice(i, i + LINE_CHARS)); }
    lines.push(END);
    return lines.join('\n') + '\n';
  }

  // ---- The form ----------------------------------------------------------------------------

  var state = { draft: '', sealedText: null, armoured: null, fileUrl: null, busy: false };

  function dossierKey() {
    var match = /\/d\/([0-9a-f]{32})(?:\.html)?$/.exec(location.pathname);
    try {
      var stored = match && sessionStorage.getItem(STORE_PREFIX + match[1]);
      return stored ? C.base64ToBytes(stored) : null;
    } catch (e) { return null; }
  }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function today() { return localIsoTime(new Date()).slice(0, 10); }

  function mailtoHref(email, body) {
    return 'mailto:' + encodeURIComponent(email).replace(/%40/g, '@') +
      '?subject=' + encodeURIComponent(TEXT.subject) +
      '&body=' + encodeURIComponent(body.replace(/\n/g, '\r\n'));
  }

  function contactLinks(settings, fileName) {
    var box = element('div', { class: 'bilan-observations-envoi' });
    var contact = settings.contact;
    if (!contact || !contact.email) {
      box.appendChild(element('p', { 'data-bilan-observations-nocontact': '' }, TEXT.noContact));
      return box;
    }
    var who = contact.nom ? contact.nom + ' (' + contact.email + ')' : contact.email;
    var full = mailtoHref(contact.email, TEXT.bodyIntro + state.armoured);
    var fits = full.length <= MAILTO_MAX;
    var href = fits ? full : mailtoHref(contact.email,
      'Bonjour,\n\nVous trouverez en pi\u00e8ce jointe mes observations chiffr\u00e9es sur mon document de synth\u00e8se (fichier ' + fileName + ').\n');
    var link = element('a', { href: href, class: 'md-button md-button--primary', 'data-bilan-observations-mailto': fits ? 'complet' : 'piece-jointe' },
      TEXT.send + (contact.nom || contact.email));
    box.appendChild(element('p')).appendChild(link);
    box.appendChild(element('p', { class: 'bilan-aide' }, fits
      ? 'Votre messagerie s\u2019ouvre avec le message pr\u00eat \u00e0 partir. Si elle ne s\u2019ouvre pas, t\u00e9l\u00e9chargez le fichier et joignez-le \u00e0 un e-mail \u00e0 ' + who + '.'
      : 'Vos observations sont trop longues pour tenir dans un lien e-mail\u00a0: t\u00e9l\u00e9chargez d\u2019abord le fichier, puis joignez-le au message qui s\u2019ouvre (destinataire\u00a0: ' + who + ').'));
    return box;
  }

  function showResult(section, settings) {
    var result = section.querySelector('[data-bilan-observations-result]');
    result.textContent = '';
    if (!state.armoured) { result.hidden = true; return null; }
    var fileName = 'observations-' + today() + '.txt';
    if (state.fileUrl) { URL.revokeObjectURL(state.fileUrl); }
    state.fileUrl = URL.createObjectURL(new Blob([TEXT.fileIntro + state.armoured], { type: 'text/plain;charset=utf-8' }));
    var heading = element('h3', { tabindex: '-1', 'data-bilan-observations-ready': '' }, TEXT.ready);
    result.appendChild(heading);
    result.appendChild(element('p', {}, TEXT.readyHelp));
    result.appendChild(contactLinks(settings, fileName));
    var download = element('a', { href: state.fileUrl, download: fileName, class: 'md-button', 'data-bilan-observations-download': '' }, TEXT.download);
    result.appendChild(element('p')).appendChild(download);
    var details = element('details');
    details.appendChild(element('summary', { 'data-bilan-observations-show': '' }, TEXT.armour));
    // RGAA 11.1, 11.2: a visible label, not only an aria-label.
    details.appendChild(element('label', { for: 'bilan-observations-armure' }, TEXT.armourLabel));
    var text = element('textarea', { id: 'bilan-observations-armure', readonly: '', rows: '8', 'data-bilan-observations-armour': '', spellcheck: 'false' });
    text.value = state.armoured;
    details.appendChild(text);
    result.appendChild(details);
    result.appendChild(element('p', { class: 'bilan-aide' }, TEXT.again));
    result.hidden = false;
    return heading;
  }

  function showError(section, message) {
    var box = section.querySelector('[data-bilan-observations-error]');
    box.textContent = message;
    box.hidden = !message;
    section.querySelector('textarea').setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  async function onSubmit(event, section, settings) {
    event.preventDefault();
    if (state.busy) { return; }
    var texte = section.querySelector('textarea').value;
    var problem = !texte.trim() ? TEXT.empty : texte.length > MAX_CHARS ? TEXT.tooLong
      : !(window.crypto && crypto.subtle) ? TEXT.unsupported : null;
    var key = problem ? null : dossierKey();
    if (!problem && !key) { problem = TEXT.noKey; }
    if (problem) { showError(section, problem); section.querySelector('textarea').focus(); return; }
    showError(section, '');
    if (state.sealedText !== texte) { // the same text is not sealed twice: one message id
      state.busy = true;
      try {
        var message = messageJson({ dossier: settings.dossier, id: newMessageId(), creeLe: localIsoTime(new Date()), texte: texte });
        state.armoured = armour(await seal(settings.cle, key, message));
        state.sealedText = texte;
      } catch (e) {
        showError(section, TEXT.failed);
        return;
      } finally {
        state.busy = false;
      }
    }
    key.fill(0);
    var heading = showResult(section, settings);
    if (heading) { heading.focus(); }
  }

  function buildForm(settings) {
    var section = element('section', { class: 'bilan-observations', 'data-bilan-observations': '', 'aria-labelledby': 'bilan-observations-titre' });
    section.appendChild(element('h2', { id: 'bilan-observations-titre' }, TEXT.title));
    section.appendChild(element('p', {}, TEXT.intro));
    var form = element('form', { 'data-bilan-observations-form': '', novalidate: '' });
    form.appendChild(element('label', { for: 'bilan-observations-texte' }, TEXT.label));
    form.appendChild(element('p', { id: 'bilan-observations-aide', class: 'bilan-aide' }, TEXT.help));
    // RGAA 11.10: the error (role=alert) describes the field, as the access form's does.
    var area = element('textarea', { id: 'bilan-observations-texte', rows: '8', maxlength: String(MAX_CHARS), 'aria-describedby': 'bilan-observations-aide bilan-observations-compte bilan-observations-erreur', 'data-bilan-observations-text': '' });
    area.value = state.draft;
    form.appendChild(area);
    var count = element('p', { id: 'bilan-observations-compte', class: 'bilan-aide' });
    form.appendChild(count);
    form.appendChild(element('p', { id: 'bilan-observations-erreur', class: 'bilan-erreur', role: 'alert', 'data-bilan-observations-error': '', hidden: '' }));
    form.appendChild(element('button', { type: 'submit', class: 'md-button md-button--primary', 'data-bilan-observations-submit': '' }, TEXT.submit));
    section.appendChild(form);
    section.appendChild(element('div', { class: 'bilan-observations-resultat', 'data-bilan-observations-result': '', hidden: '' }));
    var counted = function () {
      count.textContent = area.value.length.toLocaleString('fr-FR') + ' / ' + MAX_CHARS.toLocaleString('fr-FR') + ' caract\u00e8res';
    };
    area.addEventListener('input', function () {
      state.draft = area.value;
      counted();
      if (state.sealedText !== null && area.value !== state.sealedText) {
        section.querySelector('[data-bilan-observations-result]').hidden = true;
      }
    });
    form.addEventListener('submit', function (event) { onSubmit(event, section, settings); });
    counted();
    if (state.armoured && state.sealedText === state.draft) { showResult(section, settings); }
    return section;
  }

  function forget() {
    if (state.fileUrl) { URL.revokeObjectURL(state.fileUrl); }
    state = { draft: '', sealedText: null, armoured: null, fileUrl: null, busy: false };
    document.querySelectorAll('[data-bilan-observations]').forEach(function (node) { node.remove(); });
  }

  if (C) {
    document.addEventListener('bilan:rendered', function (event) {
      var detail = event.detail || {};
      var settings = detail.dossier && detail.dossier.observations;
      if (settings && settings.v === VERSION && detail.page && detail.page.route === ROUTE) {
        detail.content.appendChild(buildForm(settings));
      }
    });
    document.addEventListener('bilan:logout', forget);
  }

  window.BilanObservations = Object.freeze({
    MAX_CHARS: MAX_CHARS,
    seal: seal,
    armour: armour,
    messageJson: messageJson,
    localIsoTime: localIsoTime
  });
})();
