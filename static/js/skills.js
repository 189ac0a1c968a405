// The breathing pacer of guided skills (templates/skills/_pacer.html). Without this script the
// pacer stays hidden and the page is its plain steps. The circle grows while breathing in and
// shrinks while breathing out: a CSS transition as long as the phase. With reduced motion the
// stylesheet keeps the circle still; the words and the count still change. It stops by itself
// after the skill's minutes, and pauses when the page is hidden (a call, another app).
"use strict";

(() => {
  const running = new WeakMap();

  function phasesOf(pacer) {
    const d = pacer.dataset;
    return [["in", +d.in], ["hold", +d.hold], ["out", +d.out], ["rest", +d.rest]]
      .filter(([, seconds]) => seconds > 0);
  }

  function text(pacer, name) {
    return pacer.dataset[`text${name[0].toUpperCase()}${name.slice(1)}`] || "";
  }

  function show(pacer, state) {
    const [name, seconds] = state.phases[state.index];
    const circle = pacer.querySelector(".pacer__circle");
    // CSSOM, not a style attribute: allowed by the Content-Security-Policy.
    circle.style.transitionDuration = `${seconds}s`;
    pacer.dataset.phase = name;
    pacer.querySelector("[data-pacer-cue]").textContent = text(pacer, name);
    pacer.querySelector("[data-pacer-count]").textContent = String(state.left);
  }

  function tick(pacer) {
    const state = running.get(pacer);
    state.elapsed += 1;
    state.left -= 1;
    if (state.elapsed >= state.total) return finish(pacer);
    if (state.left <= 0) {
      state.index = (state.index + 1) % state.phases.length;
      state.left = state.phases[state.index][1];
    }
    show(pacer, state);
  }

  function button(pacer) {
    return pacer.querySelector("[data-pacer-toggle]");
  }

  function start(pacer) {
    let state = running.get(pacer);
    if (!state || state.done) {
      const phases = phasesOf(pacer);
      state = { phases, index: 0, left: phases[0][1], elapsed: 0,
                total: Math.max(1, +pacer.dataset.minutes || 3) * 60, done: false };
      running.set(pacer, state);
    }
    clearInterval(state.timer);
    state.timer = setInterval(() => tick(pacer), 1000);
    state.paused = false;
    pacer.classList.add("pacer--running");
    button(pacer).textContent = text(pacer, "pause");
    show(pacer, state);
  }

  function pause(pacer) {
    const state = running.get(pacer);
    if (!state) return;
    clearInterval(state.timer);
    state.paused = true;
    pacer.classList.remove("pacer--running");
    button(pacer).textContent = text(pacer, "resume");
  }

  function finish(pacer) {
    const state = running.get(pacer);
    clearInterval(state.timer);
    state.done = true;
    pacer.classList.remove("pacer--running");
    delete pacer.dataset.phase;
    pacer.querySelector("[data-pacer-cue]").textContent = text(pacer, "done");
    pacer.querySelector("[data-pacer-count]").textContent = "";
    button(pacer).textContent = text(pacer, "start");
  }

  function enhance(root) {
    for (const pacer of root.querySelectorAll("[data-pacer]")) pacer.hidden = false;
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest && event.target.closest("[data-pacer-toggle]");
    if (!toggle) return;
    const pacer = toggle.closest("[data-pacer]");
    const state = running.get(pacer);
    if (state && !state.paused && !state.done) pause(pacer); else start(pacer);
  });

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) return;
    for (const pacer of document.querySelectorAll("[data-pacer].pacer--running")) pause(pacer);
  });

  // A boosted navigation replaces the page: stop any pacer that was running on it.
  document.addEventListener("htmx:beforeSwap", () => {
    for (const pacer of document.querySelectorAll("[data-pacer].pacer--running")) pause(pacer);
  });

  enhance(document);
  document.addEventListener("htmx:load", (event) => enhance(event.target));
})();
