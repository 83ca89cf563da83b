// Haven live reload. `haven serve` adds this script to every page it serves; a build never
// contains it. It listens on /__haven/events (server-sent events):
//   reload  -> reload the page
//   css     -> data is a JSON array of site paths; matching stylesheets are swapped in place
//   error   -> data is {"diagnostics":[{file,line,column,message,code,...}]}; an overlay lists them
// After losing the connection (the server stopped or restarted) the page reloads once the
// server answers again. Server text only ever reaches the page through textContent.
(function () {
  'use strict';
  if (window.__havenLiveReload || typeof EventSource === 'undefined') {
    return;
  }
  window.__havenLiveReload = true;

  var EVENTS_URL = '/__haven/events';
  var OVERLAY_ID = 'haven-error-overlay';
  var source = null;
  var lost = false;

  function connect() {
    source = new EventSource(EVENTS_URL);
    source.addEventListener('open', function () {
      if (lost) {
        location.reload();
      }
    });
    source.addEventListener('reload', function () {
      location.reload();
    });
    source.addEventListener('css', function (event) {
      swapStylesheets(parse(event.data));
    });
    // Both the server's `error` events and the EventSource's own connection errors arrive
    // here: only the server's carry data.
    source.addEventListener('error', function (event) {
      if (typeof event.data === 'string') {
        showErrors(parse(event.data));
        return;
      }
      lost = true;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (the server answered with an error): keep trying ourselves.
        source.close();
        setTimeout(connect, 1000);
      }
    });
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  function sitePath(path) {
    return String(path).replace(/^\/+/, '');
  }

  function swapStylesheets(paths) {
    if (!Array.isArray(paths)) {
      location.reload();
      return;
    }
    var wanted = paths.map(sitePath);
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    var swapped = 0;
    Array.prototype.forEach.call(links, function (link) {
      var url;
      var path;
      try {
        url = new URL(link.href, location.href);
        path = sitePath(decodeURIComponent(url.pathname));
      } catch (e) {
        return;
      }
      if (url.origin !== location.origin || wanted.indexOf(path) === -1) {
        return;
      }
      url.searchParams.set('haven-reload', Date.now().toString(36));
      var fresh = link.cloneNode(false);
      fresh.removeAttribute('integrity');
      fresh.href = url.href;
      // Keep the old sheet until the new one is in, so the page never flashes unstyled.
      fresh.addEventListener('load', function () { link.remove(); });
      fresh.addEventListener('error', function () { link.remove(); });
      link.after(fresh);
      swapped += 1;
    });
    if (swapped === 0) {
      location.reload();
    }
  }

  function element(tag, text, style) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (style) {
      Object.assign(node.style, style);
    }
    return node;
  }

  function removeOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) {
      old.remove();
    }
  }

  function where(d) {
    var place = d.file ? String(d.file) : '';
    if (place && d.line > 0) {
      place += ':' + d.line;
      if (d.column > 0) {
        place += ':' + d.column;
      }
    }
    return place;
  }

  function showErrors(payload) {
    var list = payload && Array.isArray(payload.diagnostics) ? payload.diagnostics : [];
    removeOverlay();

    var panel = element('div', null, {
      position: 'fixed',
      top: '0',
      right: '0',
      bottom: '0',
      left: '0',
      zIndex: '2147483647',
      overflow: 'auto',
      boxSizing: 'border-box',
      padding: '2rem',
      background: 'rgba(24, 24, 27, 0.97)',
      color: '#f4f4f5',
      font: '16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif',
      textAlign: 'left'
    });
    panel.id = OVERLAY_ID;
    panel.setAttribute('role', 'alertdialog');
    panel.setAttribute('aria-live', 'assertive');
    panel.setAttribute('aria-modal', 'true');
    panel.setAttribute('aria-labelledby', OVERLAY_ID + '-title');
    panel.setAttribute('aria-describedby', OVERLAY_ID + '-intro');
    panel.tabIndex = -1;

    var title = element('h2', list.length === 1
      ? 'The site could not be rebuilt: 1 problem'
      : 'The site could not be rebuilt: ' + list.length + ' problems', {
      margin: '0 0 0.5rem', fontSize: '1.5rem', color: '#fca5a5'
    });
    title.id = OVERLAY_ID + '-title';
    panel.appendChild(title);

    var intro = element('p',
      'You are looking at the last version that built. Fix the problems below and save: ' +
      'this page reloads by itself.', { margin: '0 0 1.5rem' });
    intro.id = OVERLAY_ID + '-intro';
    panel.appendChild(intro);

    var items = element('ol', null, { margin: '0 0 1.5rem', padding: '0 0 0 1.5rem' });
    list.forEach(function (d) {
      d = d || {};
      var item = element('li', null, { margin: '0 0 1rem' });
      var head = element('div', null, { fontFamily: 'ui-monospace, Menlo, Consolas, monospace' });
      var place = where(d);
      if (place) {
        head.appendChild(element('span', place + ' ', { color: '#93c5fd' }));
      }
      var severity = d.severity === 'warning' ? 'warning' : 'error';
      var label = severity + (d.code ? '[' + d.code + ']' : '');
      head.appendChild(element('span', label, {
        color: severity === 'warning' ? '#fcd34d' : '#fca5a5'
      }));
      item.appendChild(head);
      item.appendChild(element('p', d.message, { margin: '0.25rem 0 0', whiteSpace: 'pre-wrap' }));
      if (d.suggestion) {
        item.appendChild(element('p', 'help: ' + d.suggestion, {
          margin: '0.25rem 0 0', color: '#d4d4d8', whiteSpace: 'pre-wrap'
        }));
      }
      items.appendChild(item);
    });
    panel.appendChild(items);

    var dismiss = element('button', 'Dismiss', {
      font: 'inherit', padding: '0.4rem 1rem', cursor: 'pointer',
      color: '#18181b', background: '#f4f4f5', border: '0', borderRadius: '4px'
    });
    dismiss.type = 'button';
    dismiss.addEventListener('click', removeOverlay);
    panel.appendChild(dismiss);
    panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        removeOverlay();
      }
    });

    (document.body || document.documentElement).appendChild(panel);
    panel.focus();
  }

  connect();
})();
