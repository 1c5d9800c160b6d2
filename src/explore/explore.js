// sendcast explore: read the controls, ask the server for a run, draw its answer. Everything
// drawn (charts, sentences, tables) comes from the server already written; this only places it.
"use strict";
(function () {
  const root = document.getElementById("explore");
  const form = document.getElementById("controls");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  const session = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  // Change-to-redraw times in ms, for the reader and for tests.
  window.sendcastTimings = [];
  window.sendcastAnswers = 0;
  let seq = 0;
  let controller = null;
  let overlay = null;
  let fileName = "scenario-explore.toml";

  const inputs = () => Array.from(form.querySelectorAll("[data-id]"));

  function settings() {
    const out = {};
    for (const el of inputs()) {
      const id = el.dataset.id;
      if (id === "runs") continue;
      const kind = el.dataset.kind;
      if (kind === "switch") out[id] = el.checked;
      else if (kind === "month") out[id] = el.value;
      else out[id] = el.value.trim() === "" || isNaN(Number(el.value)) ? el.value : Number(el.value);
    }
    return out;
  }

  function runs() {
    const v = form.querySelector('[data-id="runs"]').value;
    return isNaN(Number(v)) ? v : Number(v);
  }

  function clearErrors() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    for (const p of form.querySelectorAll("p.error")) {
      p.hidden = true;
      p.textContent = "";
      p.parentElement.classList.remove("bad");
    }
  }

  function showError(message, input) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    status.classList.remove("busy");
    status.textContent = "Not run: correct the setting below and the page runs again.";
    if (input) {
      const p = Array.from(form.querySelectorAll("p.error")).find((x) => x.dataset.errorFor === input);
      if (p) {
        p.textContent = message;
        p.hidden = false;
        p.parentElement.classList.add("bad");
      }
    }
  }

  function send() {
    const t0 = performance.now();
    const mine = ++seq;
    if (controller) controller.abort();
    controller = new AbortController();
    const n = runs();
    status.classList.add("busy");
    status.textContent = "Running " + n.toLocaleString("en-GB") + " simulated futures…";
    fetch("/api/run", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session: session, runs: n, settings: settings() }),
      signal: controller.signal,
    })
      .then(async (r) => {
        let body;
        try {
          body = await r.json();
        } catch (e) {
          body = { error: "the server's answer could not be read (HTTP " + r.status + ")" };
        }
        if (mine !== seq || r.status === 409) return;
        if (!r.ok) {
          showError(body.error || "HTTP " + r.status, body.input);
          return;
        }
        draw(body, t0);
      })
      .catch((e) => {
        if (e.name === "AbortError" || mine !== seq) return;
        showError("The server did not answer (" + e.message + "). Is sendcast explore still running?");
      });
  }

  function list(el, lines) {
    el.replaceChildren(
      ...lines.map((s) => {
        const li = document.createElement("li");
        li.textContent = s;
        return li;
      })
    );
  }

  function draw(a, t0) {
    clearErrors();
    list(document.getElementById("sentences"), a.headline);
    list(document.getElementById("changes"), a.changes);
    document.getElementById("changed").hidden = a.changes.length === 0;
    for (const f of a.figures) {
      const slot = document.getElementById("slot-" + f.name);
      if (!slot) continue;
      slot.querySelector(".figure").innerHTML = f.html;
      list(slot.querySelector(".diff"), f.diff);
    }
    document.getElementById("chances").innerHTML = a.probabilities_html;
    document.getElementById("chance-changes").innerHTML = a.probability_changes_html || "";
    list(document.getElementById("precision-lines"), a.precision);
    overlay = a.overlay;
    fileName = a.file_name;
    document.getElementById("save").disabled = false;
    status.classList.remove("busy");
    status.textContent = a.runs.toLocaleString("en-GB") + " simulated futures, seed " + a.seed + ".";
    window.sendcastAnswers += 1;
    // Measured once the new figures are painted: the frame after the next.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const ms = performance.now() - t0;
        window.sendcastTimings.push(ms);
        document.getElementById("timing").textContent =
          "This answer: " + Math.round(ms) + " ms from the change to the redrawn page (simulation " +
          Math.round(a.server_ms.simulate) + " ms, charts and sentences " + Math.round(a.server_ms.report) + " ms).";
      })
    );
  }

  function pairOf(el) {
    return el.closest(".pair");
  }

  form.addEventListener("input", (e) => {
    const el = e.target;
    if (el.type === "range") {
      const number = pairOf(el).querySelector("input[type=number]");
      number.value = el.value;
      centre(number);
      send();
    } else if (el.type === "checkbox") {
      send();
    }
  });
  form.addEventListener("change", (e) => {
    const el = e.target;
    if (el.type === "number") {
      const range = pairOf(el).querySelector("input[type=range]");
      if (el.value.trim() !== "" && !isNaN(Number(el.value))) range.value = el.value;
      centre(el);
      send();
    } else if (el.type === "month" || el.tagName === "SELECT") {
      send();
    }
  });
  form.addEventListener("submit", (e) => e.preventDefault());

  // A shift shows where it moves the median to.
  function centre(number) {
    if (number.dataset.kind !== "shift") return;
    const span = number.closest("label").querySelector(".centre");
    const c = Number(span.dataset.centre);
    const d = Number(number.value);
    span.textContent = d ? "median " + span.dataset.centre + " → " + +(c + d).toPrecision(6) : "median " + span.dataset.centre;
  }

  document.getElementById("reset").addEventListener("click", () => {
    for (const el of inputs()) {
      if (el.dataset.kind === "switch") el.checked = el.dataset.initial === "true";
      else el.value = el.dataset.initial;
      const pair = pairOf(el);
      if (pair) {
        pair.querySelector("input[type=range]").value = el.dataset.initial;
        centre(el);
      }
    }
    send();
  });

  document.getElementById("save").addEventListener("click", () => {
    if (!overlay) return;
    const url = URL.createObjectURL(new Blob([overlay], { type: "application/toml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  root.dataset.session = session;
  send();
})();
