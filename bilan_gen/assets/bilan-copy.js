/*
 * bilan-copy.js: « Télécharger mon dossier », a copy to keep, made in this browser.
 *
 * Once bilan-site.js has decrypted a dossier (event `bilan:rendered`), this script offers a
 * button that saves ONE self-contained HTML file: every page of the payload, the synthèse's
 * print view, the annexes as data: URIs (images shown, other files downloadable), and the
 * site's stylesheets inlined (Material, the site's and the print one), so that it looks like
 * the site and prints like the print view. The copy holds no script, no access code and no
 * key; its Content-Security-Policy forbids every request, so opening it from disk, offline,
 * in any browser, can never reach a network. Nothing is sent anywhere: the file is made
 * here from the decrypted payload, and handed to the browser's downloads as a blob.
 * The payload is per audience: a third party's copy holds only what they may read.
 * Plain ES2017, no eval, CSP-friendly; listens to `bilan:rendered` and `bilan:logout` only.
 */
(function () {
  'use strict';

  var PRINT_ROUTE = 'impression';
  var HOME_ROUTE = 'accueil';
  var SECTION_PREFIX = 'bilan-';
  var POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; " +
    "base-uri 'none'; form-action 'none'";
  var REMOVED = 'script, iframe, frame, object, embed, applet, link, meta, base, noscript, template';
  var ID_REFS = ['for', 'headers', 'list', 'aria-labelledby', 'aria-describedby', 'aria-controls',
    'aria-owns', 'aria-details', 'aria-errormessage', 'aria-flowto', 'aria-activedescendant'];
  var LOADING = ['src', 'srcset', 'poster', 'data', 'background', 'lowsrc', 'ping', 'action',
    'formaction', 'imagesrcset', 'xlink:href'];
  var TEXT = {
    mine: 'T\u00e9l\u00e9charger mon dossier',
    theirs: 'T\u00e9l\u00e9charger une copie',
    help: 'Un seul fichier, \u00e0 ouvrir sans connexion dans n\u2019importe quel navigateur\u00a0: ' +
      'toutes les pages, la version \u00e0 imprimer et les annexes. Il n\u2019est pas chiffr\u00e9\u00a0: ' +
      'gardez-le en lieu s\u00fbr.',
    busy: 'Pr\u00e9paration de la copie\u2026',
    ready: function (name, size) {
      return 'Copie pr\u00eate\u00a0: \u00ab\u00a0' + name + '\u00a0\u00bb (' + size + '), ' +
        'dans les t\u00e9l\u00e9chargements de votre navigateur.';
    },
    failed: 'La copie n\u2019a pas pu \u00eatre pr\u00e9par\u00e9e. Rechargez la page puis r\u00e9essayez\u00a0; ' +
      'sinon, imprimez le dossier.',
    printTitle: 'Document de synth\u00e8se, version \u00e0 imprimer',
    contents: 'Sommaire',
    kicker: 'Copie \u00e0 conserver',
    savedMine: function (day) {
      return 'Copie de votre dossier enregistr\u00e9e le ' + day + ' depuis votre espace priv\u00e9. ' +
        'Elle vous appartient, se lit sans connexion dans n\u2019importe quel navigateur et reste ' +
        'lisible une fois le dossier retir\u00e9 du site.';
    },
    savedTheirs: function (day) {
      return 'Copie enregistr\u00e9e le ' + day + ' des documents que le b\u00e9n\u00e9ficiaire a accept\u00e9 ' +
        'de vous transmettre (article L6313-4 du Code du travail). Elle se lit sans connexion, ' +
        'dans n\u2019importe quel navigateur.';
    },
    careTitle: 'Gardez ce fichier en lieu s\u00fbr',
    careMine: 'Ce fichier n\u2019est pas chiffr\u00e9\u00a0: quiconque l\u2019ouvre peut le lire. Ne le ' +
      'transmettez qu\u2019aux personnes de votre choix, et \u00e9vitez de le laisser sur un ordinateur partag\u00e9.',
    careTheirs: 'Ce fichier n\u2019est pas chiffr\u00e9 et contient des donn\u00e9es personnelles confi\u00e9es ' +
      'avec l\u2019accord du b\u00e9n\u00e9ficiaire\u00a0: ne le transmettez \u00e0 personne d\u2019autre.'
  };
  /* The copy's own layout, on top of the site's stylesheets. */
  var COPY_CSS = [
    '.bilan-copie-entete { margin: 0 0 2rem; }',
    '.md-typeset .bilan-copie-kicker { margin: 0; font-weight: 700; letter-spacing: .04em;',
    '  text-transform: uppercase; font-size: .7rem; color: var(--md-default-fg-color--light, #555); }',
    '.bilan-copie-page { margin-top: 2.5rem; padding-top: 1rem;',
    '  border-top: 2px solid var(--md-default-fg-color--lightest, #ddd); }',
    '.bilan-copie-page.bilan-copie-impression { border-top: none; }',
    '.bilan-copie-sommaire ol { margin-top: .2rem; }',
    '/* No sticky header here: a page the contents lead to comes to the top of the window. */',
    'html { scroll-padding-top: 0; }',
    '.bilan-copie-page:target { scroll-margin-top: .5rem; }',
    '/* WCAG 1.4.1: a link in running text is not told by its colour alone. */',
    '.md-typeset .bilan-copie-page a:not(.headerlink) { text-decoration: underline; }',
    '@media screen and (max-width: 40em) { .bilan-print { padding: 1rem; } }',
    '@media print {',
    '  .bilan-copie-page { break-before: page; page-break-before: always; border-top: none;',
    '    margin-top: 0; padding-top: 0; }',
    '  .headerlink { display: none !important; }',
    '  .bilan-copie-page:not(.bilan-copie-impression) h1 { color: #111; }',
    '}'
  ].join('\n');

  // The site root, from this script's own address (assets/bilan/bilan-copy.js).
  var ROOT = new URL('../../', document.currentScript ? document.currentScript.src : location.href);
  var dossier = null; // the decrypted payload, while the dossier is open
  var pendingUrls = [];

  // ---- The button, on the site ---------------------------------------------------------

  function isBeneficiary(payload) {
    return payload.pages.some(function (p) { return p.route === HOME_ROUTE; });
  }

  function onRendered(event) {
    var detail = event.detail || {};
    if (!detail.dossier || !detail.page || !detail.content) { return; }
    dossier = detail.dossier;
    var actions = detail.content.querySelector('.bilan-print-actions');
    var first = dossier.pages[0] && detail.page.route === dossier.pages[0].route;
    if (actions) {
      addButton(actions, false); // beside « Imprimer », on the synthèse and its print view
    } else if (first) {
      // bilan-print.css hides .bilan-print-actions in print: the box never prints.
      var box = document.createElement('div');
      box.className = 'bilan-print-actions bilan-copie-actions';
      var until = detail.content.querySelector('[data-bilan-online-until]');
      detail.content.insertBefore(box, until ? until.nextSibling : detail.content.firstChild);
      addButton(box, true);
    }
  }

  function addButton(box, explained) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'md-button' + (explained ? ' md-button--primary' : '');
    button.textContent = isBeneficiary(dossier) ? TEXT.mine : TEXT.theirs;
    button.setAttribute('data-bilan-copy', '');
    box.appendChild(button);
    if (explained) {
      var help = document.createElement('p');
      help.id = 'bilan-copie-aide';
      help.className = 'bilan-aide';
      help.textContent = TEXT.help;
      button.setAttribute('aria-describedby', help.id);
      box.appendChild(help);
    }
    var status = document.createElement('p');
    status.className = 'bilan-statut';
    status.setAttribute('role', 'status');
    status.setAttribute('data-bilan-copy-status', '');
    box.appendChild(status);
    button.addEventListener('click', function () { saveCopy(button, status); });
  }

  function onLogout() {
    dossier = null;
    pendingUrls.forEach(function (url) { URL.revokeObjectURL(url); });
    pendingUrls = [];
  }

  async function saveCopy(button, status) {
    if (!dossier || button.getAttribute('aria-disabled') === 'true') { return; }
    button.setAttribute('aria-disabled', 'true');
    status.textContent = TEXT.busy;
    try {
      var now = new Date();
      var html = await buildCopy(dossier, now);
      var name = 'dossier-bilan-' + isoDay(now) + '.html';
      var blob = new Blob([html], { type: 'text/html;charset=utf-8' });
      offer(blob, name);
      status.textContent = TEXT.ready(name, formatSize(blob.size));
    } catch (e) {
      status.textContent = TEXT.failed;
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }

  function offer(blob, name) {
    var url = URL.createObjectURL(blob);
    pendingUrls.push(url);
    var link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    // Some browsers read the blob after click() returns: revoke it later, or at logout.
    setTimeout(function () {
      URL.revokeObjectURL(url);
      pendingUrls = pendingUrls.filter(function (u) { return u !== url; });
    }, 60000);
  }

  function isoDay(date) {
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return date.getFullYear() + '-' + two(date.getMonth() + 1) + '-' + two(date.getDate());
  }

  function frDay(date) {
    try {
      return date.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric' });
    } catch (e) {
      return isoDay(date).split('-').reverse().join('/');
    }
  }

  function formatSize(bytes) {
    var mb = bytes / (1024 * 1024);
    if (mb >= 0.1) { return mb.toFixed(1).replace('.', ',') + '\u00a0Mo'; }
    return Math.max(1, Math.round(bytes / 1024)) + '\u00a0ko';
  }

  // ---- The stylesheets, inlined -----------------------------------------------------------

  async function collectStyles() {
    var nodes = document.querySelectorAll('link[rel~="stylesheet"][href], style');
    var found = [];
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var css = node.tagName === 'STYLE' ? node.textContent : await sheetText(node);
      if (css) { found.push({ css: css, media: node.getAttribute('media') || '' }); }
    }
    return found;
  }

  async function sheetText(link) {
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin) { return ''; } // the site's CSP loads none anyway
    try {
      var response = await fetch(url.href, { cache: 'force-cache', credentials: 'same-origin' });
      if (response.ok) { return await response.text(); }
    } catch (e) { /* offline, file://: the rules the page holds */ }
    return rulesText(link.sheet);
  }

  function rulesText(sheet) {
    try {
      return Array.prototype.map.call(sheet.cssRules, function (r) { return r.cssText; }).join('\n');
    } catch (e) { return ''; }
  }

  function safeCss(css) {
    // Nothing may load from the copy: drop @import, and any url() that is not data:.
    return css
      .replace(/@import[^;]*;/gi, '')
      .replace(/url\(\s*(['"]?)(?!data:)[^)'"]*\1\s*\)/gi, 'none')
      .replace(/<\/style/gi, '<\\/style');
  }

  // ---- The copy ------------------------------------------------------------------------

  async function buildCopy(payload, now) {
    var styles = await collectStyles();
    var doc = document.implementation.createHTMLDocument('');
    doc.documentElement.setAttribute('lang', 'fr');
    doc.documentElement.setAttribute('dir', 'ltr');
    fillHead(doc, payload, now, styles);
    fillBody(doc, payload, now);
    return '<!DOCTYPE html>\n' + doc.documentElement.outerHTML + '\n';
  }

  function fillHead(doc, payload, now, styles) {
    var head = doc.head;
    head.textContent = '';
    var charset = doc.createElement('meta');
    charset.setAttribute('charset', 'utf-8');
    head.appendChild(charset);
    head.appendChild(meta(doc, 'http-equiv', 'Content-Security-Policy', POLICY));
    head.appendChild(meta(doc, 'name', 'viewport', 'width=device-width,initial-scale=1'));
    head.appendChild(meta(doc, 'name', 'referrer', 'no-referrer'));
    head.appendChild(meta(doc, 'name', 'robots', 'noindex, nofollow'));
    var title = doc.createElement('title');
    title.textContent = payload.titre + ' \u2013 copie du ' + frDay(now);
    head.appendChild(title);
    styles.concat([{ css: COPY_CSS, media: '' }]).forEach(function (style) {
      var node = doc.createElement('style');
      if (style.media) { node.setAttribute('media', style.media); }
      node.textContent = safeCss(style.css);
      head.appendChild(node);
    });
  }

  function meta(doc, attribute, value, content) {
    var node = doc.createElement('meta');
    node.setAttribute(attribute, value);
    node.setAttribute('content', content);
    return node;
  }

  function copiedPages(payload) {
    var pages = payload.pages.slice();
    if (payload.impression) {
      pages.push({ route: PRINT_ROUTE, titre: TEXT.printTitle, html: payload.impression.html });
    }
    return pages;
  }

  function fillBody(doc, payload, now) {
    var body = doc.body;
    ['dir', 'data-md-color-scheme', 'data-md-color-primary', 'data-md-color-accent'].forEach(
      function (name) {
        var value = document.body.getAttribute(name);
        if (value) { body.setAttribute(name, value); }
      });
    var pages = copiedPages(payload);
    var routes = pages.map(function (p) { return p.route; });
    var tableNames = {};
    var inner = element(doc, body, 'div', 'md-container');
    inner = element(doc, inner, 'main', 'md-main');
    inner = element(doc, inner, 'div', 'md-main__inner md-grid');
    inner = element(doc, inner, 'div', 'md-content');
    inner = element(doc, inner, 'div', 'md-content__inner md-typeset');
    inner.appendChild(header(doc, payload, pages, now));
    pages.forEach(function (page) {
      var section = pageSection(doc, page, payload.annexes || {}, routes);
      boxTables(doc, section, tableNames);
      inner.appendChild(section);
    });
  }

  function element(doc, parent, tag, className) {
    var node = doc.createElement(tag);
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }

  function header(doc, payload, pages, now) {
    var mine = isBeneficiary(payload);
    var box = doc.createElement('header');
    box.className = 'bilan-copie-entete';
    box.setAttribute('data-bilan-copie-entete', '');
    element(doc, box, 'p', 'bilan-copie-kicker').textContent = TEXT.kicker;
    element(doc, box, 'p').textContent = (mine ? TEXT.savedMine : TEXT.savedTheirs)(frDay(now));
    var care = element(doc, box, 'div', 'admonition warning');
    element(doc, care, 'p', 'admonition-title').textContent = TEXT.careTitle;
    element(doc, care, 'p').textContent = mine ? TEXT.careMine : TEXT.careTheirs;
    var nav = element(doc, box, 'nav', 'bilan-copie-sommaire');
    nav.setAttribute('aria-labelledby', 'bilan-copie-sommaire');
    var label = element(doc, nav, 'p');
    label.id = 'bilan-copie-sommaire';
    element(doc, label, 'strong').textContent = TEXT.contents;
    var list = element(doc, nav, 'ol');
    pages.forEach(function (page) {
      var link = element(doc, element(doc, list, 'li'), 'a');
      link.href = '#' + SECTION_PREFIX + page.route;
      link.textContent = page.titre;
    });
    return box;
  }

  function pageSection(doc, page, annexes, routes) {
    var section = doc.createElement('section');
    section.id = SECTION_PREFIX + page.route;
    section.className = 'bilan-copie-page bilan-content' +
      (page.route === PRINT_ROUTE ? ' bilan-copie-impression' : '');
    section.setAttribute('data-bilan-copie-page', page.route);
    var holder = doc.createElement('div');
    holder.innerHTML = page.html; // an inert document: nothing loads, nothing runs
    cleanContent(holder, page.route + '--', annexes, routes);
    var heading = holder.querySelector('h1');
    if (!heading) {
      heading = doc.createElement('h1');
      heading.textContent = page.titre;
      holder.insertBefore(heading, holder.firstChild);
    }
    if (!heading.id) { heading.id = page.route + '--titre'; }
    section.setAttribute('aria-labelledby', heading.id);
    // WCAG 2.4.3: « Sommaire » moves focus to the page it names (no script in the copy: a
    // fragment link focuses its target when the target can take focus).
    section.setAttribute('tabindex', '-1');
    while (holder.firstChild) { section.appendChild(holder.firstChild); }
    return section;
  }

  // WCAG 1.4.10, 2.1.1: as on the site (bilan-site.js), a table scrolls in its own box, never
  // the page, and the keyboard reaches that box. With no script to tell which tables overflow,
  // every box can take focus; landmarks need distinct names, hence the count.
  function boxTables(doc, section, names) {
    section.querySelectorAll('table').forEach(function (table) {
      var box = doc.createElement('div');
      box.className = 'bilan-table-scroll';
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      var name = tableName(box);
      names[name] = (names[name] || 0) + 1;
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', names[name] > 1 ? name + ' (' + names[name] + ')' : name);
    });
  }

  function tableName(box) {
    var caption = box.querySelector('caption');
    if (caption) { return caption.textContent.trim(); }
    for (var node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) { return 'Tableau\u00a0: ' + node.textContent.trim(); }
    }
    return 'Tableau';
  }

  // Each page keeps its ids under its own prefix; nothing in it may run or load.
  function cleanContent(root, prefix, annexes, routes) {
    root.querySelectorAll(REMOVED).forEach(function (node) { node.remove(); });
    root.querySelectorAll('style').forEach(function (node) {
      node.textContent = safeCss(node.textContent);
    });
    root.querySelectorAll('*').forEach(function (node) {
      cleanAttributes(node);
      renameIds(node, prefix);
      rewriteLoads(node, annexes);
      if (!node.hasAttribute('href')) { return; }
      if (node.localName === 'a' || node.localName === 'area') {
        rewriteHref(node, prefix, annexes, routes);
      } else {
        rewriteInlineHref(node, prefix, annexes); // SVG <image>, <use>: they load
      }
    });
  }

  function cleanAttributes(node) {
    Array.prototype.slice.call(node.attributes).forEach(function (attr) {
      if (/^on/i.test(attr.name)) { node.removeAttribute(attr.name); }
    });
    if (node.hasAttribute('style')) { node.setAttribute('style', safeCss(node.getAttribute('style'))); }
  }

  function renameIds(node, prefix) {
    if (node.id) { node.id = prefix + node.id; }
    if (node.localName === 'a' && node.hasAttribute('name')) {
      node.setAttribute('name', prefix + node.getAttribute('name'));
    }
    ID_REFS.forEach(function (name) {
      if (node.hasAttribute(name)) {
        var ids = node.getAttribute(name).split(/\s+/).filter(Boolean);
        node.setAttribute(name, ids.map(function (id) { return prefix + id; }).join(' '));
      }
    });
  }

  function dataUri(item) {
    return 'data:' + (item.type || 'application/octet-stream') + ';base64,' + item.b64;
  }

  // What would load by itself: an annex becomes a data: URI, anything else is dropped.
  function rewriteLoads(node, annexes) {
    LOADING.forEach(function (name) {
      if (!node.hasAttribute(name)) { return; }
      var value = node.getAttribute(name).trim();
      if (name === 'src' && annexes[value]) {
        node.setAttribute('src', dataUri(annexes[value]));
      } else if (!(name === 'src' && /^data:/i.test(value))) {
        node.removeAttribute(name);
      }
    });
  }

  function rewriteInlineHref(node, prefix, annexes) {
    var value = node.getAttribute('href').trim();
    if (annexes[value]) {
      node.setAttribute('href', dataUri(annexes[value]));
    } else if (value.charAt(0) === '#') {
      node.setAttribute('href', '#' + prefix + value.slice(1));
    } else if (!/^data:/i.test(value)) {
      node.removeAttribute('href');
    }
  }

  function rewriteHref(node, prefix, annexes, routes) {
    var value = node.getAttribute('href').trim();
    if (value.indexOf('#/') === 0) {
      var route = decodeURIComponent(value.slice(2));
      if (routes.indexOf(route) >= 0) { node.setAttribute('href', '#' + SECTION_PREFIX + route); }
      else { node.removeAttribute('href'); }
    } else if (value.charAt(0) === '#') {
      if (value.length > 1) { node.setAttribute('href', '#' + prefix + value.slice(1)); }
    } else if (annexes[value]) {
      node.setAttribute('href', dataUri(annexes[value]));
      node.setAttribute('download', value.split('/').pop());
    } else if (/^(https?|mailto|tel):/i.test(value)) {
      node.setAttribute('rel', 'noopener noreferrer');
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.indexOf('annexes/') === 0) {
      node.removeAttribute('href'); // javascript:, file:, or an annex the payload lacks
    } else {
      // A page of the site, from its root: never the dossier page's own address.
      node.setAttribute('href', new URL(value, ROOT).href);
    }
  }

  document.addEventListener('bilan:rendered', onRendered);
  document.addEventListener('bilan:logout', onLogout);
})();
