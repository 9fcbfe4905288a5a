// Practice studio: enhancements only. Every page works without this file; it adds the
// live word count, the exam timer and the draft autosave (browser storage and server).
"use strict";

(function () {
  function countWords(text) {
    var words = text.split(/\s+/);
    var n = 0;
    for (var i = 0; i < words.length; i++) {
      if (/[A-Za-z0-9\u00C0-\uFFFF]/.test(words[i])) n++;
    }
    return n;
  }

  function draftKey(question) { return "studio-draft:" + question; }

  function readLocal(question) {
    try {
      var raw = window.localStorage.getItem(draftKey(question));
      return raw ? JSON.parse(raw) : null;
    } catch (e) { return null; }
  }

  function writeLocal(question, value) {
    try { window.localStorage.setItem(draftKey(question), JSON.stringify(value)); } catch (e) { /* storage full or off */ }
  }

  function clearLocal(question) {
    try { window.localStorage.removeItem(draftKey(question)); } catch (e) { /* storage off */ }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function setupWrite(form) {
    var question = form.getAttribute("data-question");
    var area = document.getElementById("text");
    var output = document.getElementById("words");
    var count = document.getElementById("count");
    var limit = parseInt(count.getAttribute("data-limit"), 10) || 0;
    var status = document.getElementById("autosave");
    var secondsField = document.getElementById("seconds");
    var serverSaved = Date.parse(form.getAttribute("data-saved-at") || "") || 0;
    var local = readLocal(question);
    var serverText = area.value;
    var timer = { elapsed: 0, running: false, since: 0, minutes: 0 };

    if (local && typeof local.text === "string" && local.at > serverSaved && local.text !== area.value) {
      area.value = local.text;
    }
    if (local && local.timer) {
      timer.elapsed = local.timer.elapsed || 0;
      timer.minutes = local.timer.minutes || 0;
    }

    function showCount() {
      var n = countWords(area.value);
      output.textContent = String(n);
      count.classList.toggle("over", limit > 0 && n > limit);
    }

    // ---------------------------------------------------------------- timer
    var box = document.getElementById("timer");
    var clock = document.getElementById("clock");
    var toggle = document.getElementById("timer-toggle");
    var reset = document.getElementById("timer-reset");
    var minutesInput = document.getElementById("timer-minutes");
    if (timer.minutes) minutesInput.value = String(timer.minutes);

    function elapsed() {
      return timer.elapsed + (timer.running ? (Date.now() - timer.since) / 1000 : 0);
    }
    function showClock() {
      var allowed = (parseInt(minutesInput.value, 10) || 0) * 60;
      var left = Math.round(allowed - elapsed());
      var over = left < 0;
      var s = Math.abs(left);
      clock.textContent = (over ? "−" : "") + Math.floor(s / 60) + ":" + pad(s % 60);
      box.classList.toggle("over", over);
      secondsField.value = elapsed() > 0 ? String(Math.round(elapsed())) : "";
    }
    toggle.addEventListener("click", function () {
      if (timer.running) {
        timer.elapsed = elapsed();
        timer.running = false;
        toggle.textContent = "Resume";
      } else {
        timer.since = Date.now();
        timer.running = true;
        toggle.textContent = "Pause";
      }
      showClock();
    });
    reset.addEventListener("click", function () {
      timer.elapsed = 0;
      timer.since = Date.now();
      showClock();
    });
    minutesInput.addEventListener("input", function () {
      timer.minutes = parseInt(minutesInput.value, 10) || 0;
      showClock();
    });
    box.hidden = false;
    showClock();
    window.setInterval(function () { if (timer.running) showClock(); }, 250);

    // -------------------------------------------------------------- autosave
    var csrf = form.querySelector("input[name=csrf]").value;
    var lastSent = serverText;     // a draft restored from this browser goes to the server too

    function saveLocal() {
      writeLocal(question, { text: area.value, at: Date.now(),
                             timer: { elapsed: elapsed(), minutes: timer.minutes } });
    }
    function saveServer() {
      if (area.value === lastSent) return;
      var text = area.value;
      var body = new URLSearchParams();
      body.set("csrf", csrf);
      body.set("text", text);
      fetch("/questions/" + encodeURIComponent(question) + "/draft", {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Studio-Autosave": "1" }
      }).then(function (response) {
        if (response.ok) {
          lastSent = text;
          var now = new Date();
          status.textContent = "draft saved " + pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
        } else {
          status.textContent = "draft kept in this browser (the server said " + response.status + ")";
        }
      }).catch(function () {
        status.textContent = "draft kept in this browser (the server cannot be reached)";
      });
    }
    area.addEventListener("input", function () { showCount(); saveLocal(); });
    window.setInterval(saveServer, 3000);
    window.addEventListener("pagehide", saveLocal);
    form.addEventListener("submit", function () { saveLocal(); showClock(); });
    showCount();
  }

  function setup() {
    var form = document.getElementById("write");
    if (form) setupWrite(form);
    var attempt = document.getElementById("attempt");
    if (attempt) clearLocal(attempt.getAttribute("data-clear-draft"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
