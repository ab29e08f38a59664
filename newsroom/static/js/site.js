// Progressive enhancement. Every feature works without this file: forms post and pages render.
"use strict";

(function () {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  const TIMEOUT_MS = 15000;

  // POST with the CSRF header; resolves to {status, data} or throws "offline" (the browser
  // says it has no connection) or "network" (online, but no answer: refused, reset, timeout).
  async function postJSON(url, body) {
    if (!navigator.onLine) throw new Error("offline");
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: body || null,
        signal: controller.signal,
      });
    } catch (_) {
      throw new Error(navigator.onLine ? "network" : "offline");
    } finally {
      clearTimeout(timer);
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
    visible?.querySelectorAll("[data-gift-url]").forEach(showStart);
    // Focus goes into the new state (its heading, else its first control), so keyboard and
    // screen-reader users learn what changed.
    const focusTarget = visible?.querySelector("[data-gift-heading], button, a, input, textarea");
    if (focusTarget && dialog.open) focusTarget.focus();
  }

  // A long link shows its beginning (the site and article), not the tail of the token.
  function showStart(input) {
    try { input.setSelectionRange(0, 0); } catch (_) { /* not a text field */ }
    input.scrollLeft = 0;
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

  function fillLink(section, data) {
    const input = section.querySelector("[data-gift-url]");
    if (input) { input.value = data.url; showStart(input); }
    const copied = section.querySelector("[data-gift-copied]");
    if (copied) copied.hidden = true;
    const links = data.share || [];
    const email = section.querySelector("[data-gift-share-email]");
    const social = section.querySelector("[data-gift-share-social]");
    if (email) email.replaceChildren(shareList(links.filter((l) => l.channel === "email")));
    if (social) social.replaceChildren(shareList(links.filter((l) => l.channel !== "email")));
    const expires = section.querySelector("[data-gift-expires]");
    if (expires) expires.textContent = data.expires_text || "";
    const note = section.querySelector("[data-gift-sent-note]");
    if (note) {
      note.hidden = !data.note;
      const text = note.querySelector("[data-gift-sent-note-text]");
      if (text) text.textContent = data.note || "";  // text, never markup
    }
  }

  function showEmailProblem(form, message) {
    const field = form.querySelector("[data-gift-email]");
    const problem = form.querySelector("[data-gift-email-error]");
    if (!field || !problem) return false;
    problem.textContent = message || "";
    problem.hidden = false;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", `${field.id}-hint ${problem.id}`);
    field.focus();
    return true;
  }

  function clearEmailProblem(form) {
    const field = form.querySelector("[data-gift-email]");
    const problem = form.querySelector("[data-gift-email-error]");
    if (problem) problem.hidden = true;
    if (field) {
      field.removeAttribute("aria-invalid");
      field.setAttribute("aria-describedby", `${field.id}-hint`);
    }
  }

  // Post `form` with `holder` marked busy (a second press meanwhile does nothing). No answer
  // at all shows the offline state (only when the browser says so) or the technical error;
  // nothing was charged either way, and the caller gets null.
  async function postWhileBusy(dialog, holder, form) {
    if (holder.getAttribute("aria-busy") === "true") return null;
    holder.setAttribute("aria-busy", "true");
    try {
      return await postJSON(form.action, new FormData(form));
    } catch (error) {
      showState(dialog, error.message === "offline" ? "offline" : "technical_error");
      return null;
    } finally {
      holder.removeAttribute("aria-busy");
    }
  }

  // "Sent to ..." at the top of the given state, where the reader is looking (and where the
  // focus goes, since the send form it came from folds away); another address is a click on
  // the fold's summary. Without a mail the line is empty and the form stays open.
  function showMailed(dialog, text) {
    const section = dialog.querySelector('[data-state="given"]');
    const sent = section?.querySelector("[data-gift-mailed]");
    if (sent) sent.textContent = text || "";
    const fold = section?.querySelector("[data-gift-mail]");
    if (!fold) return;
    fold.open = !text;
    const toggle = fold.querySelector("[data-gift-mail-toggle]");
    if (text && toggle) toggle.textContent = toggle.dataset.labelAgain;
    if (text && sent) sent.focus();
  }

  // Mail this month's link from the given state: nothing more is counted.
  async function mailGift(dialog, form) {
    const result = await postWhileBusy(dialog, form, form);
    if (!result) return;
    const { status, data } = result;
    if ((status === 200 || status === 201) && data && data.mailed_text) {
      clearEmailProblem(form);
      form.querySelector("[data-gift-email]").value = "";
      showMailed(dialog, data.mailed_text);
      return;
    }
    if (data && data.message && showEmailProblem(form, data.message)) return;
    showState(dialog, "technical_error");
  }

  async function giveGift(dialog, form) {
    const result = await postWhileBusy(dialog, dialog, form);
    if (!result) return;
    const { status, data } = result;
    if ((status === 200 || status === 201) && data && data.url) {
      clearEmailProblem(form);
      const mailedTo = form.querySelector("[data-gift-email]");
      if (mailedTo) mailedTo.value = "";
      sendLabel(form);
      const problem = dialog.querySelector("[data-gift-note-error]");
      if (problem) problem.hidden = true;
      dialog.querySelector("[data-gift-note]")?.removeAttribute("aria-invalid");
      const state = data.free ? "free" : "given";
      if (!data.free) fillAllowance(dialog, data);
      fillLink(dialog.querySelector(`[data-state="${state}"]`), data);
      dialog.dataset.initialState = state;  // opening the dialog again shows the link
      showState(dialog, state);
      if (!data.free) showMailed(dialog, data.mailed_text);
      return;
    }
    const code = data && data.error;
    const mailing = Boolean(form.querySelector("[data-gift-email]")?.value);
    if (["invalid_email", "email_not_verified"].includes(code) || (mailing && code === "rate_limited")) {
      showEmailProblem(form, data.message);
      return;
    }
    if (code === "invalid_note") {
      const note = dialog.querySelector("[data-gift-note]");
      const problem = dialog.querySelector("[data-gift-note-error]");
      if (problem) { problem.textContent = data.message || ""; problem.hidden = false; }
      if (note) {
        note.setAttribute("aria-invalid", "true");
        note.setAttribute("aria-describedby", "gift-note-hint gift-note-error");
        note.focus();
      }
      return;
    }
    if (code === "allowance_used") {
      const message = dialog.querySelector('[data-state="allowance_used"] [data-gift-message]');
      if (message) message.textContent = data.renewal_text || data.message || "";
      dialog.dataset.initialState = "allowance_used";
      showState(dialog, "allowance_used");
    } else if (code && dialog.querySelector(`[data-state="${code}"]`)) {
      if (data.message) {
        const message = dialog.querySelector(`[data-state="${code}"] [data-gift-message]`);
        if (message) message.textContent = data.message;
      }
      showState(dialog, code);
    } else {
      showState(dialog, "technical_error");  // 5xx, 429, or an answer we do not understand
    }
  }

  // The create button says "Send" while an address is typed: pressing it mails the link.
  function sendLabel(form) {
    const button = form.querySelector("[data-gift-create]");
    const address = form.querySelector("[data-gift-email]");
    if (!button || !address || !button.dataset.labelSend) return;
    button.textContent = address.value.trim() ? button.dataset.labelSend : button.dataset.labelCreate;
  }

  // The note's live count. A note past the limit is refused with a message (here at once,
  // and by the server), never cut: the field has no maxlength.
  function countNote(form) {
    const note = form.querySelector("[data-gift-note]");
    const count = form.querySelector("[data-gift-note-count]");
    const problem = form.querySelector("[data-gift-note-error]");
    if (!note || !count) return;
    const max = Number(note.dataset.noteMax);
    const used = [...note.value.replace(/\r\n/g, "\n").trim()].length;  // characters, as the server counts
    count.textContent = count.dataset.template.replace("{used}", used);
    const over = used > max;
    count.classList.toggle("gift-note__count--over", over);
    const tooLong = note.dataset.tooLong;
    if (over && problem) {
      problem.textContent = tooLong;
      problem.hidden = false;
      note.setAttribute("aria-invalid", "true");
      note.setAttribute("aria-describedby", "gift-note-hint gift-note-count gift-note-error");
    } else if (problem && problem.textContent === tooLong) {
      problem.hidden = true;
      note.removeAttribute("aria-invalid");
      note.setAttribute("aria-describedby", "gift-note-hint gift-note-count");
    }
  }

  function setUpGift(root) {
    const form = root.querySelector("[data-gift-form]");
    const dialog = root.querySelector("[data-gift-dialog]");
    if (!form || !dialog || typeof dialog.showModal !== "function") return;
    const opener = root.querySelector("[data-gift-open]");
    const createForm = dialog.querySelector("[data-gift-create-form]");
    if (createForm) {
      createForm.querySelector("[data-gift-email]")?.addEventListener("input", () => sendLabel(createForm));
      createForm.querySelector("[data-gift-note]")?.addEventListener("input", () => countNote(createForm));
    }

    const starting = () => dialog.dataset.initialState;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      dialog.showModal();
      if (starting() === "intro" && !navigator.onLine) showState(dialog, "offline");
      else showState(dialog, starting());
    });
    createForm?.addEventListener("submit", (event) => {
      event.preventDefault();
      giveGift(dialog, createForm);
    });
    const mailForm = dialog.querySelector("[data-gift-mail-form]");
    mailForm?.addEventListener("submit", (event) => {
      event.preventDefault();
      mailGift(dialog, mailForm);
    });
    dialog.querySelectorAll("[data-gift-retry]").forEach((button) => {
      button.addEventListener("click", () => {
        if (!navigator.onLine) { showState(dialog, "offline"); return; }
        if (createForm) giveGift(dialog, createForm);
      });
    });
    dialog.querySelector("[data-gift-close]")?.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => opener?.focus());
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    window.addEventListener("offline", () => {
      if (dialog.open && ["intro", "technical_error"].includes(dialog.dataset.state)) {
        showState(dialog, "offline");
      }
    });
    // Back online: leave the offline state by itself, to where the reader was.
    window.addEventListener("online", () => {
      if (dialog.open && dialog.dataset.state === "offline") showState(dialog, starting());
    });
  }

  document.querySelectorAll("[data-gift]").forEach(setUpGift);

  // Copy buttons beside a gift link, in the dialog and on the gift page. Copying needs the
  // Clipboard API (secure contexts); without it the button stays hidden and the link is
  // plain selectable text.
  document.querySelectorAll("[data-gift-copy]").forEach((button) => {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const box = button.closest(".gift-link");
      const input = box.querySelector("[data-gift-url]");
      const done = box.querySelector("[data-gift-copied]");
      try {
        await navigator.clipboard.writeText(input.value);
        if (done) done.hidden = false;
      } catch (_) {
        input.select();  // let the reader copy by hand
      }
    });
  });
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

// ---- Copy buttons on "My gifts" ----------------------------------------------------------
(function () {
  if (!navigator.clipboard) return;  // without the Clipboard API the link can be selected
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const cell = button.closest("td") || button.parentElement;
    const source = cell.querySelector("[data-copy-source]");
    const done = cell.querySelector("[data-copied]");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
        if (done) done.hidden = false;
      } catch (_) {
        source.select();
      }
    });
  });
})();

// ---- After Checkout: wait for the webhook ------------------------------------------------
// The page says Digital+ is on its way; this asks the server every few seconds until the
// webhook has granted it, then shows the "active" part. The refresh link does it by hand.
(function () {
  const waiting = document.querySelector("[data-billing-wait]");
  if (!waiting) return;
  const url = waiting.dataset.statusUrl;
  const ready = document.querySelector("[data-billing-ready]");
  let tries = 0;
  async function check() {
    tries += 1;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const data = await response.json();
      if (data && data.digital_plus) {
        waiting.hidden = true;
        ready.hidden = false;
        ready.querySelector("h1, h2")?.focus();
        return;
      }
    } catch (_) {
      // offline for a moment: try again on the next tick
    }
    if (tries < 60) setTimeout(check, tries < 10 ? 1000 : 3000);
  }
  setTimeout(check, 1000);
})();

// The browser skips autofocus now and then (a window without focus, a page answered to a
// form post): with JavaScript the field that asks for the focus gets it for sure.
(function () {
  const wanted = document.querySelector("[autofocus]");
  if (wanted && (!document.activeElement || document.activeElement === document.body)) {
    wanted.focus();
  }
})();

// A desk form with changes not yet saved: leaving the page (a link, closing the tab) asks
// first, so an editor's text is not lost to a stray click. Saving it leaves without asking.
// A form that comes back with what was typed (errors, a conflict) is unsaved from the start.
(function () {
  const forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) return;
  let changed = false;
  forms.forEach((form) => {
    if (form.dataset.unsavedWarning === "unsaved") changed = true;
    form.addEventListener("input", () => { changed = true; });
    form.addEventListener("submit", () => { changed = false; });
  });
  window.addEventListener("beforeunload", (event) => {
    if (!changed) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers ask only when this is set
  });
})();
