// Versus: small progressive enhancements. Every page works without this file.
// - click or Enter on a passage opens its details panel (an HTMX fragment);
// - j/k (or n/p): next/previous difference; u/U: next/previous unique passage; Escape closes the panel.
// No inline scripts anywhere: a Content-Security-Policy can forbid them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // A link saved before passages were addressed by offset (#p-<version>-<sentence>): take the
  // reader to that passage under its new name, as the server does for old panel links.
  function followOldAnchor() {
    var match = /^#(p-\d+-\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById(match[1])) return;
    var passage = document.querySelector('[data-old-anchor="' + match[1] + '"]');
    if (!passage) return;
    window.history.replaceState(window.history.state, "", "#" + passage.id);
    passage.scrollIntoView();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", followOldAnchor);
  } else {
    followOldAnchor();
  }

  var lastOpened = null;

  function panel() { return document.getElementById("panel"); }

  function openPanel(passage) {
    var link = passage.querySelector("a.panel-link[hx-get]");
    var target = panel();
    if (!link) return;
    if (!target || !window.htmx) { window.location.href = link.href; return; }
    document.querySelectorAll(".passage.is-open").forEach(function (el) { el.classList.remove("is-open"); });
    passage.classList.add("is-open");
    lastOpened = passage;
    // The link's own hx-get, hx-target and hx-push-url: the open panel gets its own address.
    link.click();
  }

  function closePanel() {
    var target = panel();
    if (!target || !target.firstElementChild) return;
    target.innerHTML = "";
    document.querySelectorAll(".passage.is-open").forEach(function (el) { el.classList.remove("is-open"); });
    // The address says the panel is closed (replacing the panel's own entry, so Back stays in step).
    if (/[?&]panel=/.test(window.location.search)) {
      var params = new URLSearchParams(window.location.search);
      params.delete("panel");
      var query = params.toString();
      window.history.replaceState(window.history.state, "", window.location.pathname + (query ? "?" + query : ""));
    }
    if (lastOpened && document.body.contains(lastOpened)) lastOpened.focus();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); return; }
    var close = event.target.closest("[data-close-panel]");
    if (close && panel() && panel().contains(close)) { event.preventDefault(); closePanel(); return; }
    var link = event.target.closest(".passage a.panel-link");
    if (link) {
      var owner = link.closest(".passage");
      document.querySelectorAll(".passage.is-open").forEach(function (el) { el.classList.remove("is-open"); });
      owner.classList.add("is-open");
      lastOpened = owner;
      return; // htmx follows the link
    }
    var passage = event.target.closest(".passage[data-panel]");
    // Links inside a passage (moved from…, details) keep their own behaviour.
    if (!passage || event.target.closest("a, button, input, select, label")) return;
    if (window.getSelection && String(window.getSelection()).length > 0) return; // selecting text to copy
    openPanel(passage);
  });

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName));
  }

  function move(selector, forward) {
    var items = Array.prototype.slice.call(document.querySelectorAll(selector));
    if (!items.length) return;
    var current = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".passage") : null;
    var index = current ? items.indexOf(current) : -1;
    var next;
    if (index >= 0) {
      next = items[index + (forward ? 1 : -1)];
    } else {
      // Nothing focused yet: start from what is on the screen.
      var top = 0;
      var visible = items.filter(function (el) { return el.getBoundingClientRect().top >= top; });
      next = forward ? visible[0] : items[items.indexOf(visible[0]) - 1];
    }
    if (!next) return;
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "center", inline: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "Escape") { closePanel(); return; }
    if (event.key === "Enter" && event.target.matches && event.target.matches(".passage[data-panel]")) {
      event.preventDefault();
      openPanel(event.target);
      return;
    }
    var keys = {
      j: [".passage[data-diff]", true], n: [".passage[data-diff]", true],
      k: [".passage[data-diff]", false], p: [".passage[data-diff]", false],
      u: [".passage[data-unique]", true], U: [".passage[data-unique]", false]
    };
    var action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    move(action[0], action[1]);
  });

  // Files chosen for upload are listed by name (with their size) before anything is sent, so a
  // teacher can check the set; browsers only say "5 files".
  function showChosenFiles(input) {
    var list = document.getElementById(input.id + "-chosen");
    if (!list) return;
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      var size = file.size < 1000000 ? Math.max(1, Math.round(file.size / 1000)) + " KB" : (file.size / 1000000).toFixed(1) + " MB";
      item.textContent = file.name + " (" + size + ")";
      list.appendChild(item);
    });
    var count = (input.files || []).length;
    list.setAttribute("aria-label", count + " file" + (count === 1 ? "" : "s") + " chosen");
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file]")) showChosenFiles(event.target);
  });

  // Adding a story or versions: a big paste is read for many seconds before the next page comes,
  // so the button says at once that it is working (and cannot be pressed twice), and a screen
  // reader hears it. Without this file the form simply submits. "More paste boxes" (a named
  // submit button) is quick and only gives the form back: it is left alone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = form.querySelector && form.querySelector("button[data-busy]");
    if (!button || event.defaultPrevented || (event.submitter && event.submitter.name)) return;
    if (!button.hasAttribute("data-ready")) button.setAttribute("data-ready", button.textContent);
    button.textContent = button.getAttribute("data-busy");
    button.disabled = true; // a nameless button: the data sent are the same
    // On the button, not the form: a busy form may silence the status below, inside it.
    button.setAttribute("aria-busy", "true");
    var status = form.querySelector("[data-busy-status]");
    if (status) status.textContent = button.getAttribute("data-busy") + " Big stories take a moment.";
  });

  // Back to a sent form, from the browser's back-forward cache, or the page reloaded (Firefox
  // keeps a scripted "disabled" across both): it is ready to send again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[data-busy]").forEach(function (button) {
      if (button.hasAttribute("data-ready")) button.textContent = button.getAttribute("data-ready");
      button.removeAttribute("data-ready");
      button.disabled = false;
      button.removeAttribute("aria-busy");
      var status = button.form && button.form.querySelector("[data-busy-status]");
      if (status) status.textContent = "";
    });
  });

  // A freshly loaded panel takes the focus, so keyboard and screen-reader users land in it.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "panel") {
      var body = document.getElementById("panel-body");
      if (body) body.focus({ preventScroll: true });
    }
  });
})();
