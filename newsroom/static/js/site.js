// Progressive enhancement. Every feature works without this file: forms post and pages render.
"use strict";

(function () {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  // POST with the CSRF header; resolves to {status, data} or throws "offline"/"network".
  async function postJSON(url) {
    if (!navigator.onLine) throw new Error("offline");
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
    } catch (_) {
      throw new Error(navigator.onLine ? "network" : "offline");
    }
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    return { status: response.status, data };
  }
  window.Newsroom = { postJSON };

  // ---- Gift dialog -------------------------------------------------------------------------
  function showState(dialog, state) {
    dialog.dataset.state = state;
    dialog.querySelectorAll("[data-state]").forEach((section) => {
      section.hidden = section.dataset.state !== state;
    });
    const visible = dialog.querySelector(`[data-state="${state}"]`);
    const focusTarget = visible?.querySelector("button, a, input");
    if (focusTarget && dialog.open) focusTarget.focus();
  }

  function fillAllowance(dialog, data) {
    dialog.querySelectorAll("[data-gift-used]").forEach((el) => { el.textContent = data.used; });
    dialog.querySelectorAll("[data-gift-limit]").forEach((el) => { el.textContent = data.limit; });
  }

  function shareList(links) {
    const list = document.createElement("ul");
    list.className = "share-links";
    for (const link of links || []) {
      const item = document.createElement("li");
      const a = document.createElement("a");
      a.className = `share-link share-link--${link.channel}`;
      a.href = link.href;
      a.textContent = link.label;
      if (link.channel !== "email") { a.target = "_blank"; a.rel = "noopener noreferrer"; }
      item.append(a);
      list.append(item);
    }
    return list;
  }

  function fillLink(section, url, links) {
    const input = section.querySelector("[data-gift-url]");
    if (input) input.value = url;
    const copied = section.querySelector("[data-gift-copied]");
    if (copied) copied.hidden = true;
    const share = section.querySelector("[data-gift-share]");
    if (share && links) share.replaceChildren(shareList(links));
  }

  async function createGift(dialog, form) {
    dialog.setAttribute("aria-busy", "true");
    let result;
    try {
      result = await postJSON(form.action);
    } catch (_) {
      // No answer at all (offline, or the request never reached us): nothing was charged.
      showState(dialog, "offline");
      return;
    } finally {
      dialog.removeAttribute("aria-busy");
    }
    const { status, data } = result;
    if ((status === 200 || status === 201) && data && data.url) {
      const state = data.free ? "free" : "given";
      if (!data.free) fillAllowance(dialog, data);
      fillLink(dialog.querySelector(`[data-state="${state}"]`), data.url, data.share);
      showState(dialog, state);
      return;
    }
    const code = data && data.error;
    if (code === "allowance_used") {
      const message = dialog.querySelector('[data-state="allowance_used"] [data-gift-message]');
      if (message && data.message) message.textContent = data.message;
      showState(dialog, "allowance_used");
    } else if (code === "login_required" || code === "digital_plus_required") {
      showState(dialog, code);
    } else {
      showState(dialog, "technical_error");  // 5xx, 429, or an answer we do not understand
    }
  }

  function setUpGift(root) {
    const form = root.querySelector("[data-gift-form]");
    const dialog = root.querySelector("[data-gift-dialog]");
    if (!form || !dialog || typeof dialog.showModal !== "function") return;
    const opener = root.querySelector("[data-gift-open]");
    // Copying needs the Clipboard API (secure contexts); without it the link can be selected.
    dialog.querySelectorAll("[data-gift-copy]").forEach((b) => { b.hidden = !navigator.clipboard; });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const initial = dialog.dataset.initialState;
      dialog.showModal();
      if (initial === "intro" && !navigator.onLine) showState(dialog, "offline");
      else showState(dialog, initial);
    });
    dialog.querySelectorAll("[data-gift-create]").forEach((button) => {
      button.addEventListener("click", () => createGift(dialog, form));
    });
    dialog.querySelector("[data-gift-close]")?.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => opener?.focus());
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    dialog.querySelectorAll("[data-gift-copy]").forEach((button) => {
      button.addEventListener("click", async () => {
        const section = button.closest("[data-state]");
        const input = section.querySelector("[data-gift-url]");
        const done = section.querySelector("[data-gift-copied]");
        try {
          await navigator.clipboard.writeText(input.value);
          if (done) done.hidden = false;
        } catch (_) {
          input.select();  // let the reader copy by hand
        }
      });
    });
    window.addEventListener("offline", () => {
      if (dialog.open && dialog.dataset.state === "intro") showState(dialog, "offline");
    });
  }

  document.querySelectorAll("[data-gift]").forEach(setUpGift);
})();

// ---- Reading list toggles ----------------------------------------------------------------
// The forms post without this block; with it the button flips in place.
(function () {
  const postJSON = window.Newsroom && window.Newsroom.postJSON;
  if (!postJSON) return;

  function showSaved(form, saved) {
    form.dataset.saved = saved ? "true" : "false";
    form.action = saved ? form.dataset.removeUrl : form.dataset.addUrl;
    const button = form.querySelector("[data-reading-list-button]");
    const label = form.querySelector("[data-reading-list-label]");
    const mark = form.querySelector(".button--save__mark");
    if (button) button.setAttribute("aria-pressed", saved ? "true" : "false");
    if (label) label.textContent = saved ? form.dataset.labelSaved : form.dataset.labelUnsaved;
    if (mark) mark.textContent = saved ? "★" : "☆";
    form.closest("[data-reading-list-item]")?.classList.toggle("is-removed", !saved);
  }

  // The Digital+ offer next to the button, read out by the status region.
  function showUpsell(form, message) {
    const status = form.querySelector("[data-reading-list-status]");
    if (!status) return;
    const parts = [document.createTextNode(message + " ")];
    for (const kind of ["upsell", "login"]) {
      const href = form.dataset[`${kind}Href`];
      if (!href) continue;
      const link = document.createElement("a");
      link.href = href;
      link.textContent = form.dataset[`${kind}Label`];
      parts.push(link, document.createTextNode(" "));
    }
    status.replaceChildren(...parts);
  }

  async function toggle(form) {
    const status = form.querySelector("[data-reading-list-status]");
    const button = form.querySelector("[data-reading-list-button]");
    const say = (text) => { if (status) status.textContent = text || ""; };
    say("");
    form.setAttribute("aria-busy", "true");
    // aria-disabled, not disabled: a disabled button drops the keyboard focus to <body>.
    if (button) button.setAttribute("aria-disabled", "true");
    let result;
    try {
      result = await postJSON(form.action);
    } catch (error) {
      say(error.message === "offline" ? form.dataset.offlineMessage : form.dataset.errorMessage);
      return;
    } finally {
      form.removeAttribute("aria-busy");
      if (button) button.removeAttribute("aria-disabled");
    }
    const { status: code, data } = result;
    if ((code === 200 || code === 201) && data && typeof data.saved === "boolean") {
      showSaved(form, data.saved);
    } else if (code === 401 || code === 403) {
      showUpsell(form, (data && data.message) || "");  // in place; focus stays on the button
    } else {
      say((data && data.message) || form.dataset.errorMessage);
    }
  }

  document.querySelectorAll("[data-reading-list]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (form.getAttribute("aria-busy") !== "true") toggle(form);
    });
  });
})();
