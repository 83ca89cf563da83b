/*
 * Haven "calm" theme: site search.
 *
 * Loaded (deferred) only on the search page. Fetches the index named by the page's
 * `data-index` attribute, reads `?q=`, and lists the pages that contain every word of the
 * query, best first: a match in the title counts most, then headings, topics, the
 * description and the body text. A query with a crisis word (`data-crisis-words`, `|`
 * separated; `word*` matches any ending) always shows the Get Help page first, with a
 * prominent box of crisis lines above the results.
 *
 * No framework, no inline code, no eval: the page's Content-Security-Policy stays strict.
 */
(function () {
  "use strict";

  var root = document.getElementById("search");
  if (!root || !window.fetch) {
    return;
  }
  var form = root.querySelector("form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var crisisBox = document.getElementById("search-crisis");
  var noJs = document.getElementById("search-nojs");
  var helpUrl = root.getAttribute("data-help-url") || "";
  var crisisWords = (root.getAttribute("data-crisis-words") || "")
    .split("|")
    .map(function (w) { return tokens(w).join(" ") + (/\*\s*$/.test(w) ? "*" : ""); })
    .filter(function (w) { return w.replace("*", "") !== ""; });

  var WEIGHTS = { title: 10, headings: 6, topics: 4, description: 3, body: 1 };
  var MAX_RESULTS = 50;
  var index = null;
  var pending = null;

  if (noJs) {
    noJs.hidden = true;
  }

  /* Lower case, accents removed, split into words. */
  function tokens(text) {
    return String(text || "")
      .toLowerCase()
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u2018\u2019']/g, "")
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
  }

  /* One index entry, tokenised once. */
  function prepare(entry) {
    return {
      entry: entry,
      fields: {
        title: tokens(entry.title),
        headings: tokens((entry.headings || []).join(" ")),
        topics: tokens((entry.topics || []).join(" ")),
        description: tokens(entry.description),
        body: tokens(entry.body)
      }
    };
  }

  /* Score of one query word in one field: whole word 2, word prefix 1, else 0. */
  function fieldMatch(words, q) {
    var best = 0;
    for (var i = 0; i < words.length; i++) {
      if (words[i] === q) {
        return 2;
      }
      if (best === 0 && words[i].indexOf(q) === 0) {
        best = 1;
      }
    }
    return best;
  }

  /* Total score of a page, or 0 when a query word is missing from every field. */
  function score(item, query) {
    var total = 0;
    for (var i = 0; i < query.length; i++) {
      var wordScore = 0;
      for (var field in WEIGHTS) {
        var m = fieldMatch(item.fields[field], query[i]);
        if (m > 0) {
          wordScore = Math.max(wordScore, WEIGHTS[field] * (m === 2 ? 1.5 : 1));
        }
      }
      if (wordScore === 0) {
        return 0;
      }
      total += wordScore;
    }
    return total;
  }

  /* Whether the query contains a crisis word or phrase (`suicid*` matches "suicidal"). */
  function isCrisis(query) {
    var text = " " + query.join(" ") + " ";
    return crisisWords.some(function (w) {
      if (w.charAt(w.length - 1) === "*") {
        return text.indexOf(" " + w.slice(0, -1)) !== -1;
      }
      return text.indexOf(" " + w + " ") !== -1;
    });
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  function resultItem(entry, isHelp) {
    var li = element("li", isHelp ? "search-result search-result-help" : "search-result");
    var heading = element("h2", "search-result-title");
    var link = element("a", null, entry.title);
    link.href = entry.url;
    heading.appendChild(link);
    li.appendChild(heading);
    if (entry.description) {
      li.appendChild(element("p", "search-result-description", entry.description));
    }
    if (entry.topics && entry.topics.length) {
      var cw = element("p", "search-result-topics");
      cw.appendChild(element("span", "label", "Content warning: "));
      cw.appendChild(document.createTextNode(entry.topics.join(", ")));
      li.appendChild(cw);
    }
    return li;
  }

  function show(raw) {
    var query = tokens(raw);
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    if (query.length === 0) {
      crisisBox.hidden = true;
      list.hidden = true;
      status.textContent = "";
      return;
    }
    var crisis = isCrisis(query);
    var help = null;
    var results = [];
    index.forEach(function (item, order) {
      if (item.entry.url === helpUrl) {
        help = item.entry;
        if (crisis) {
          return;
        }
      }
      var s = score(item, query);
      if (s > 0) {
        results.push({ entry: item.entry, score: s, order: order });
      }
    });
    results.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    results = results.slice(0, MAX_RESULTS).map(function (r) { return r.entry; });
    if (crisis && help) {
      results.unshift(help);
    }
    crisisBox.hidden = !crisis;
    results.forEach(function (entry) {
      list.appendChild(resultItem(entry, crisis && entry === help));
    });
    list.hidden = results.length === 0;
    var shown = "\u201c" + raw.trim() + "\u201d";
    var message;
    if (results.length === 0) {
      message = "No results for " + shown + ". Try fewer or different words, or browse below.";
    } else {
      message = results.length + (results.length === 1 ? " result" : " results") + " for " + shown + ".";
    }
    if (crisis) {
      message = "Support is available now: the Get Help page is listed first. " + message;
    }
    status.textContent = message;
  }

  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    return params.get("q") || "";
  }

  function run(raw, updateUrl) {
    if (updateUrl && window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      if (raw.trim()) {
        url.searchParams.set("q", raw);
      } else {
        url.searchParams.delete("q");
      }
      window.history.replaceState(null, "", url.toString());
    }
    if (index) {
      show(raw);
    } else {
      pending = raw;
    }
  }

  var initial = fromUrl();
  input.value = initial;
  if (initial.trim()) {
    status.textContent = "Searching\u2026";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(input.value, true);
  });

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { run(input.value, true); }, 200);
  });

  fetch(root.getAttribute("data-index"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (entries) {
      index = entries.map(prepare);
      root.setAttribute("data-ready", "true");
      show(pending !== null ? pending : initial);
    })
    .catch(function () {
      status.textContent = "Search could not load. You can browse the sections and topics below, or go to the Get Help page.";
      if (noJs) {
        noJs.hidden = true;
      }
      // A reader searching for a crisis word still sees the crisis lines.
      if (isCrisis(tokens(input.value))) {
        crisisBox.hidden = false;
      }
    });
})();
