/* Ambito front-end: Chart.js charts from json_script data, re-drawn after HTMX swaps. No eval, no inline code. */
(function () {
  "use strict";
  var palette = ["#0066cc", "#d1344c", "#008758", "#a66300", "#5c6f82", "#7a4ea3", "#00838f", "#b71918"];

  function numberFormat(value, unit) {
    var lang = document.documentElement.lang || "it";
    var text = new Intl.NumberFormat(lang === "it" ? "it-IT" : "en-GB", { maximumFractionDigits: 2 }).format(value);
    if (unit === "EUR") { return "€ " + text; }
    return unit ? text + " " + unit : text;
  }

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.drawn) { return; }
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    canvas.dataset.drawn = "1";
    var datasets = spec.datasets.map(function (set, i) {
      var color = set.color || palette[i % palette.length];
      return Object.assign({ backgroundColor: color, borderColor: color, fill: false, tension: 0.2 }, set);
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: spec.type === "pie" || spec.type === "doughnut" ? {} : {
          x: { stacked: !!spec.stacked },
          y: { stacked: !!spec.stacked, beginAtZero: true,
               ticks: { callback: function (v) { return numberFormat(v, spec.unit); } } }
        },
        plugins: {
          legend: { display: datasets.length > 1 || spec.type === "pie" },
          tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + numberFormat(ctx.parsed.y !== undefined && !spec.horizontal ? ctx.parsed.y : ctx.parsed.x, spec.unit);
          } } }
        }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  /* Before a form is sent: a field longer than its maxlength, or more text than the server accepts
     (DATA_UPLOAD_MAX_MEMORY_SIZE, data-max-body), stops the submission with a message, keeping what was typed.
     The server answers 413 anyway if this is bypassed (errors/413.html). */
  function sentSize(form, field) {
    var value = field.name + "=" + field.value;
    if ((form.enctype || "").indexOf("multipart") === 0) { return new TextEncoder().encode(value).length + 100; }
    return encodeURIComponent(value).length + 1;
  }

  function checkLength(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") { return; }
    var limit = parseInt(document.body.dataset.maxBody || "0", 10);
    var total = 0, tooLong = null;
    form.querySelectorAll("textarea, input").forEach(function (field) {
      if (!field.name || field.disabled || field.type === "file" || field.type === "password") { return; }
      if (field.maxLength > 0 && field.value.length > field.maxLength && !tooLong) { tooLong = field; }
      total += sentSize(form, field);
    });
    if (!tooLong && (!limit || total <= limit)) { return; }
    event.preventDefault();
    event.stopPropagation();
    var alert = form.querySelector(".js-too-long");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert alert-danger js-too-long";
      alert.setAttribute("role", "alert");
      form.insertBefore(alert, form.firstChild);
    }
    alert.textContent = document.body.dataset.tooLong || "";
    var target = tooLong || form.querySelector("textarea") || form;
    if (tooLong) { tooLong.classList.add("is-invalid"); }
    if (target.focus) { target.focus(); }
  }

  document.addEventListener("submit", checkLength, true);
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.body.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
