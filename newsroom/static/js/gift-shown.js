// A gift page tells the site it was shown: once the page is visible to its reader (not a
// prerender, not a tab in the background), and again once the end of the article has been
// on screen. Only this counts an open; fetching the link counts nothing.
(() => {
  "use strict";
  const end = document.querySelector("[data-gift-mark]");
  if (!end) return;
  const url = end.dataset.giftShownUrl;
  const mark = end.dataset.giftMark;

  function send(read) {
    const body = new URLSearchParams({ mark });
    if (read) body.set("read", "1");
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
    fetch(url, { method: "POST", body, credentials: "same-origin", keepalive: true }).catch(() => {});
  }

  // The marker (an empty block after the article's last words) is on screen: the reader
  // reached the end. A zero-size target still intersects while it is within the viewport.
  function watchTheEnd() {
    if (!("IntersectionObserver" in window)) return;  // no script's word, no claim
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && document.visibilityState === "visible") {
        observer.disconnect();
        send(true);
      }
    });
    observer.observe(end);
  }

  let shown = false;
  function show() {
    if (shown || document.visibilityState !== "visible") return;
    shown = true;
    document.removeEventListener("visibilitychange", show);
    send(false);
    watchTheEnd();
  }

  if (document.visibilityState === "visible") show();
  else document.addEventListener("visibilitychange", show);
})();
