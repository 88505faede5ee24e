/*
 * bilan-site.js: the access form and the encrypted dossier pages.
 *
 * The home page's form turns an access code into the dossier's address (d/<slug>.html) and
 * opens it; the dossier page derives the key from the code (typed, kept in sessionStorage
 * for this tab, or given as #code=... which never reaches a server), decrypts its payload
 * and shows it with the site's look. Nothing is sent anywhere: all of it runs here.
 * Needs BilanCrypto (bilan-crypto.js). Plain ES2017, no eval, CSP-friendly.
 */
(function () {
  'use strict';

  var C = window.BilanCrypto;
  var STORE_PREFIX = 'bilan-gen:';
  var MESSAGES = {
    format: 'Ce code n\u2019a pas le bon format\u00a0: il compte 20 caract\u00e8res, chiffres et lettres (tirets et espaces facultatifs).',
    unknown: 'Code incorrect\u00a0: aucun dossier ne correspond. V\u00e9rifiez chaque caract\u00e8re.',
    other: 'Ce code n\u2019ouvre pas ce dossier.',
    tampered: 'Le contenu de ce dossier a \u00e9t\u00e9 alt\u00e9r\u00e9 ou est incomplet\u00a0: il ne peut pas \u00eatre affich\u00e9. Contactez votre consultant.',
    unsupported: 'Votre navigateur ne permet pas de d\u00e9chiffrer ce dossier (page non s\u00e9curis\u00e9e ou navigateur trop ancien).',
    loggedOut: 'Vous \u00eates d\u00e9connect\u00e9\u00a0: la cl\u00e9 de ce dossier a \u00e9t\u00e9 oubli\u00e9e par cet onglet.',
    opening: 'Ouverture du dossier\u2026'
  };

  // The site root, from this script's own address (assets/bilan/bilan-site.js).
  var scriptUrl = document.currentScript ? document.currentScript.src : location.href;
  var ROOT = new URL('../../', scriptUrl);

  function dossierUrl(slug) { return new URL('d/' + slug + '.html', ROOT); }

  function pageSlug() {
    // Hosts with "pretty URLs" serve d/<slug>.html as d/<slug>: both are the dossier page.
    var match = /\/d\/([0-9a-f]{32})(?:\.html)?$/.exec(location.pathname);
    return match ? match[1] : null;
  }

  function bytesToBase64(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text);
  }

  function remember(slug, keyBytes) {
    try { sessionStorage.setItem(STORE_PREFIX + slug, bytesToBase64(keyBytes)); } catch (e) { /* private mode */ }
  }

  function recall(slug) {
    try {
      var value = sessionStorage.getItem(STORE_PREFIX + slug);
      return value ? C.base64ToBytes(value) : null;
    } catch (e) { return null; }
  }

  function forgetAll() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(STORE_PREFIX) === 0) { sessionStorage.removeItem(key); }
      }
    } catch (e) { /* nothing stored */ }
  }

  // The error box is role=alert and the field's aria-describedby names it (RGAA 11.10).
  function showError(form, message) {
    var box = form.querySelector('[data-bilan-error]');
    var input = form.querySelector('input');
    box.textContent = message;
    box.hidden = !message;
    if (!input) { return; }
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (message && document.activeElement !== input) { input.focus(); } // to correct it
  }

  // A polite live region (role=status), kept rendered: one shown with its text is not
  // always announced.
  function setStatus(message) {
    var box = document.querySelector('[data-bilan-status]');
    if (box) { box.textContent = message || ''; }
  }

  async function exists(url) {
    try {
      var response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
      return response.ok;
    } catch (e) {
      return true; // file:// or offline: let the browser try
    }
  }

  async function onSubmit(event) {
    event.preventDefault();
    var form = event.currentTarget;
    var code = C.normalizeCode(form.querySelector('input').value);
    if (!code) { showError(form, MESSAGES.format); return; }
    if (!window.crypto || !window.crypto.subtle) { showError(form, MESSAGES.unsupported); return; }
    showError(form, '');
    var derived = await C.deriveSlugAndRawKey(code);
    if (derived.slug === pageSlug()) {
      remember(derived.slug, derived.keyBytes);
      await unlock(derived.keyBytes, form);
      return;
    }
    var target = dossierUrl(derived.slug);
    if (!(await exists(target))) { showError(form, MESSAGES.unknown); return; }
    remember(derived.slug, derived.keyBytes);
    location.assign(target.href);
  }

  // ---- The dossier page -------------------------------------------------------------

  var dossier = null; // the decrypted payload
  var assetUrls = {};
  var PRINT_ROUTE = 'impression'; // the synthèse's print view (payload.impression), not a tab
  var HOME_ROUTE = 'accueil';
  var shellTitle = document.title; // « Dossier protégé - <site name> »

  // ---- Accessibility of the shown page (RGAA 4.1, WCAG 2.1 AA) ------------------------

  // WCAG 2.4.2: each page its own title, short and without any name (titles stay in the
  // browser's history): « <tab> - Votre dossier - <site name> ».
  function pageTitle(page) {
    var heading = document.querySelector('[data-bilan-locked] h1');
    var locked = heading ? heading.textContent.trim() : '';
    var site = locked && shellTitle.indexOf(locked) === 0 ? shellTitle.slice(locked.length) : '';
    var home = dossier.pages[0];
    var words = [page.titre];
    if (home.route === HOME_ROUTE && page !== home) { words.push(home.titre); }
    return words.join(' - ') + site;
  }

  // WCAG 2.4.3: after a change of page, focus goes to its main heading (else the content),
  // shown to keyboard users by bilan-site.css.
  function focusMain(root) {
    var target = root.querySelector('h1') || root;
    if (target !== root) {
      target.setAttribute('tabindex', '-1');
      target.setAttribute('data-bilan-focus', '');
    }
    target.focus(); // scrolled into view only if it is not (the print view's is lower)
  }

  function tableName(box) {
    var caption = box.querySelector('caption');
    if (caption) { return caption.textContent.trim(); }
    for (var node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) { return 'Tableau\u00a0: ' + node.textContent.trim(); }
    }
    return 'Tableau';
  }

  // WCAG 2.1.1: a table wider than the screen scrolls in its box, which the keyboard reaches.
  function updateScrollBoxes() {
    var names = {};
    document.querySelectorAll('[data-bilan-content] .bilan-table-scroll').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var name = tableName(box);
        names[name] = (names[name] || 0) + 1; // landmarks need distinct names
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', names[name] > 1 ? name + ' (' + names[name] + ')' : name);
      } else {
        ['tabindex', 'role', 'aria-label'].forEach(function (a) { box.removeAttribute(a); });
      }
    });
  }

  // WCAG 1.4.10: tables scroll in their own box, never the page.
  function wrapTables(root) {
    root.querySelectorAll('table').forEach(function (table) {
      var box = document.createElement('div');
      box.className = 'bilan-table-scroll';
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    updateScrollBoxes();
  }

  // RGAA 12.7: Material links to the content from the first heading of its table of
  // contents, and the shell has none; this link goes to the heading of what is shown.
  function addSkipLink(shell) {
    var holder = document.querySelector('[data-md-component="skip"]');
    if (!holder || holder.querySelector('a')) { return; }
    shell.id = shell.id || 'bilan-dossier';
    var link = document.createElement('a');
    link.href = '#' + shell.id;
    link.className = 'md-skip';
    link.textContent = 'Aller au contenu';
    link.addEventListener('click', function (event) {
      event.preventDefault(); // a fragment would replace the page's route (#/...)
      var content = document.querySelector('[data-bilan-content]');
      focusMain(dossier ? content : document.querySelector('[data-bilan-locked]'));
    });
    holder.appendChild(link);
  }

  function payloadText() {
    var node = document.getElementById('bilan-payload');
    return node ? node.textContent.trim() : '';
  }

  function assetUrl(name) {
    if (!(name in assetUrls) && dossier.annexes[name]) {
      var item = dossier.annexes[name];
      var blob = new Blob([C.base64ToBytes(item.b64)], { type: item.type });
      assetUrls[name] = URL.createObjectURL(blob);
    }
    return assetUrls[name];
  }

  function bindAnnexes(root) {
    root.querySelectorAll('[src^="annexes/"], [href^="annexes/"]').forEach(function (el) {
      var attr = el.hasAttribute('src') ? 'src' : 'href';
      var name = el.getAttribute(attr);
      var url = assetUrl(name);
      if (url) {
        el.setAttribute(attr, url);
        if (attr === 'href') { el.setAttribute('download', name.split('/').pop()); }
      }
    });
  }

  function currentRoute() {
    var hash = location.hash;
    if (hash.indexOf('#/') === 0) { return decodeURIComponent(hash.slice(2)); }
    return null;
  }

  // « Imprimer » on the synthèse and on its print view: open the print view, then print it.
  function printActions(page) {
    var box = document.createElement('p');
    box.className = 'bilan-print-actions';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'md-button md-button--primary';
    button.textContent = 'Imprimer';
    button.setAttribute('data-bilan-print', '');
    button.addEventListener('click', openPrintView);
    box.appendChild(button);
    if (page.route === PRINT_ROUTE) {
      var back = document.createElement('a');
      back.href = '#/synthese';
      back.className = 'md-button';
      back.textContent = 'Retour \u00e0 la synth\u00e8se';
      back.setAttribute('data-bilan-back', '');
      box.appendChild(back);
    }
    return box;
  }

  function openPrintView() {
    if (currentRoute() !== PRINT_ROUTE) {
      history.pushState(null, '', '#/' + PRINT_ROUTE);
      render(PRINT_ROUTE, true);
    }
    window.print();
  }

  function render(route, moveFocus) {
    var pages = dossier.pages;
    var page = pages[0];
    for (var i = 0; i < pages.length; i++) {
      if (pages[i].route === route) { page = pages[i]; }
    }
    if (route === PRINT_ROUTE && dossier.impression) { page = dossier.impression; }
    var nav = document.querySelector('[data-bilan-nav]');
    nav.textContent = '';
    pages.forEach(function (p) {
      var link = document.createElement('a');
      link.href = '#/' + p.route;
      link.textContent = p.titre;
      link.className = 'bilan-tab';
      link.setAttribute('data-bilan-route', p.route);
      if (p === page) { link.setAttribute('aria-current', 'page'); }
      nav.appendChild(link);
    });
    var content = document.querySelector('[data-bilan-content]');
    content.innerHTML = page.html;
    content.setAttribute('data-bilan-page', page.route);
    if (dossier.impression && (page.route === 'synthese' || page.route === PRINT_ROUTE)) {
      content.insertBefore(printActions(page), content.firstChild);
    }
    bindAnnexes(content);
    wrapTables(content);
    document.title = pageTitle(page);
    if (moveFocus) {
      window.scrollTo(0, 0);
      focusMain(content);
    }
    // Extensions (observations, copy to keep) add to a page once it is shown.
    document.dispatchEvent(new CustomEvent('bilan:rendered', {
      detail: { dossier: dossier, page: page, content: content }
    }));
  }

  async function unlock(keyBytes, form) {
    var locked = document.querySelector('[data-bilan-locked]');
    var unlocked = document.querySelector('[data-bilan-unlocked]');
    setStatus(MESSAGES.opening);
    try {
      var plain = await C.decryptPayload(keyBytes, C.base64ToBytes(payloadText()));
      dossier = JSON.parse(new TextDecoder().decode(plain));
    } catch (e) {
      setStatus('');
      forgetAll();
      locked.hidden = false;
      unlocked.hidden = true;
      showError(form || locked.querySelector('[data-bilan-form]'), MESSAGES.tampered);
      return;
    }
    setStatus('');
    locked.hidden = true;
    unlocked.hidden = false;
    render(currentRoute(), Boolean(form));
    if (!form) { focusMain(document.querySelector('[data-bilan-content]')); } // just arrived
  }

  function logout() {
    forgetAll();
    Object.keys(assetUrls).forEach(function (k) { URL.revokeObjectURL(assetUrls[k]); });
    assetUrls = {};
    dossier = null;
    document.querySelector('[data-bilan-content]').textContent = '';
    document.querySelector('[data-bilan-nav]').textContent = '';
    document.querySelector('[data-bilan-unlocked]').hidden = true;
    document.querySelector('[data-bilan-locked]').hidden = false;
    document.title = shellTitle;
    document.dispatchEvent(new CustomEvent('bilan:logout'));
    setStatus(MESSAGES.loggedOut);
    var input = document.querySelector('[data-bilan-form] input');
    if (input) { input.value = ''; input.focus(); }
  }

  async function startShell() {
    var slug = pageSlug();
    var form = document.querySelector('[data-bilan-locked] [data-bilan-form]');
    document.querySelector('[data-bilan-logout]').addEventListener('click', logout);
    addSkipLink(document.querySelector('[data-bilan-shell]'));
    window.addEventListener('resize', updateScrollBoxes);
    window.addEventListener('hashchange', function () {
      if (dossier && currentRoute() !== null) { render(currentRoute(), true); }
    });
    if (!slug || !payloadText()) { return; } // the generic page: only the form
    var fragment = /^#code=(.+)$/.exec(location.hash);
    if (fragment) {
      history.replaceState(null, '', location.pathname + location.search); // forget the code
      var code = C.normalizeCode(decodeURIComponent(fragment[1]));
      var derived = code ? await C.deriveSlugAndRawKey(code) : null;
      if (!derived || derived.slug !== slug) { showError(form, code ? MESSAGES.other : MESSAGES.format); return; }
      remember(slug, derived.keyBytes);
    }
    var keyBytes = recall(slug);
    if (keyBytes) { await unlock(keyBytes, null); }
  }

  function start() {
    // mkdocs-material 9.7 gives its search dialog no accessible name (WCAG 4.1.2).
    var search = document.querySelector('.md-search[role="dialog"]');
    if (search && !search.hasAttribute('aria-label')) { search.setAttribute('aria-label', 'Rechercher'); }
    // Material marks the current page of its navigation by a class only (RGAA 12.1, 4.1.2).
    document.querySelectorAll('.md-nav--primary .md-nav__item--active > a.md-nav__link')
      .forEach(function (link) { link.setAttribute('aria-current', 'page'); });
    if (!C) { return; }
    document.querySelectorAll('[data-bilan-form]').forEach(function (form) {
      form.addEventListener('submit', onSubmit);
    });
    if (document.querySelector('[data-bilan-shell]')) { startShell(); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
