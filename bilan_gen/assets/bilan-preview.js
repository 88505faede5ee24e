/*
 * bilan-preview.js: the local preview of one dossier (bilan preview).
 *
 * Shows one page of the dossier at a time (#/route, as on the published site), and reloads
 * the page as soon as the dossier's files change: it asks the preview server for the
 * dossier's version every POLL_MS and reloads when it differs from the page's own.
 * A file, not an inline script: the preview's Content-Security-Policy allows 'self' only.
 */
(function () {
  'use strict';

  var POLL_MS = 150;
  var HOME = 'accueil';
  var meta = document.querySelector('meta[name="bilan-version"]');
  var version = meta ? meta.getAttribute('content') : '';
  var statusArea = document.querySelector('[data-bilan-preview-status]');

  function pages() { return document.querySelectorAll('[data-bilan-page]'); }

  function show(route) {
    var all = pages();
    var found = false;
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute('data-bilan-page') === route) { found = true; }
    }
    if (!found) { route = HOME; }
    for (var j = 0; j < all.length; j++) {
      all[j].hidden = all[j].getAttribute('data-bilan-page') !== route;
    }
    var tabs = document.querySelectorAll('[data-bilan-route]');
    for (var k = 0; k < tabs.length; k++) {
      if (tabs[k].getAttribute('data-bilan-route') === route) {
        tabs[k].setAttribute('aria-current', 'page');
      } else {
        tabs[k].removeAttribute('aria-current');
      }
    }
  }

  function onHash() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf('/') === 0) { show(hash.slice(1)); return; }
    // An anchor inside a page (a heading's permalink): show the page that holds it.
    var target = hash ? document.getElementById(hash) : null;
    var page = target ? target.closest('[data-bilan-page]') : null;
    if (page) {
      show(page.getAttribute('data-bilan-page'));
      target.scrollIntoView();
    } else if (!hash) {
      show(HOME);
    }
  }

  function setStatus(text) {
    if (statusArea && statusArea.textContent !== text) { statusArea.textContent = text; }
  }

  function poll() {
    fetch('/_bilan/version', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (current) {
        setStatus('');
        if (current && current !== version) {
          version = current;
          location.reload();
          return;
        }
        setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        setStatus('serveur d\u2019aper\u00e7u arr\u00eat\u00e9 : relancez \u00ab bilan preview \u00bb');
        setTimeout(poll, 1000);
      });
  }

  window.addEventListener('hashchange', onHash);
  onHash();
  setTimeout(poll, POLL_MS);
})();
