// Carrel's browser uploader. It speaks the same parts protocol as the
// Figshare API: register the file, PUT each part to the upload service,
// then complete. A part that fails on the network is retried with backoff,
// so uploads survive a dropped connection. No framework, no build step.
(function () {
  "use strict";
  var box = document.getElementById("uploader");
  if (!box || !window.fetch) { return; }
  var article = box.getAttribute("data-article");
  var input = box.querySelector("input[type=file]");
  var list = box.querySelector(".uploads");
  var maxTries = 6;

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function apiError(res) {
    return res.json().then(function (b) { return new Error(b.message || res.statusText); },
      function () { return new Error(res.status + " " + res.statusText); });
  }

  // call makes a same-origin request with the session cookie; network
  // failures and 5xx/409 answers are retried with exponential backoff.
  function call(method, url, body, headers, onRetry) {
    var attempt = 0;
    function once() {
      attempt++;
      return fetch(url, { method: method, body: body, headers: headers || {}, credentials: "same-origin" })
        .then(function (res) {
          if (res.ok) { return res; }
          if ((res.status >= 500 || res.status === 409 || res.status === 429) && attempt < maxTries) { throw { retry: true }; }
          return apiError(res).then(function (e) { throw e; });
        })
        .catch(function (err) {
          if (err instanceof Error && !(err instanceof TypeError)) { throw err; }
          if (attempt >= maxTries) { throw new Error("the network failed; try again later"); }
          var wait = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random());
          if (onRetry) { onRetry(attempt, wait); }
          return sleep(wait).then(once);
        });
    }
    return once();
  }

  function row(file) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = file.name + " ";
    var bar = document.createElement("progress");
    bar.max = file.size; bar.value = 0;
    bar.setAttribute("aria-label", "Upload progress of " + file.name);
    var msg = document.createElement("span");
    msg.className = "upload-msg";
    msg.textContent = "waiting";
    li.appendChild(label); li.appendChild(msg); li.appendChild(bar);
    list.appendChild(li);
    return { bar: bar, msg: msg };
  }

  function upload(file, ui) {
    var json = { "Content-Type": "application/json" };
    var base = "/v2/account/articles/" + article + "/files";
    var location, info;
    ui.msg.textContent = "starting";
    // A file of the same name and size whose upload did not finish (the
    // page was closed, the laptop slept) is resumed: only its missing
    // parts are sent.
    return call("GET", base + "?page_size=1000")
      .then(function (res) { return res.json(); })
      .then(function (files) {
        var old = (files || []).filter(function (f) {
          return f.name === file.name && f.size === file.size && f.status === "created";
        })[0];
        if (old) { ui.msg.textContent = "resuming"; return { location: base + "/" + old.id }; }
        return call("POST", base, JSON.stringify({ name: file.name, size: file.size }), json)
          .then(function (res) { return res.json(); });
      })
      .then(function (b) { location = b.location; return call("GET", location); })
      .then(function (res) { return res.json(); })
      .then(function (f) { info = f; return call("GET", f.upload_url); })
      .then(function (res) { return res.json(); })
      .then(function (up) {
        var done = 0;
        var parts = up.parts || [];
        // Parts go one after another: steady progress, and a retry resends
        // only the part that failed.
        return parts.reduce(function (chain, p) {
          return chain.then(function () {
            var size = p.endOffset - p.startOffset + 1;
            if (p.status === "COMPLETE") { done += size; ui.bar.value = done; return; }
            ui.msg.textContent = "part " + p.partNo + " of " + parts.length;
            return call("PUT", info.upload_url + "/" + p.partNo, file.slice(p.startOffset, p.endOffset + 1), {},
              function (n, wait) { ui.msg.textContent = "connection lost; retrying part " + p.partNo + " in " + Math.round(wait / 1000) + " s"; })
              .then(function () { done += size; ui.bar.value = done; });
          });
        }, Promise.resolve());
      })
      .then(function () { ui.msg.textContent = "checking"; return call("POST", location); })
      .then(function () { ui.msg.textContent = "done"; ui.bar.value = file.size; });
  }

  function send(files) {
    var failed = false;
    files.reduce(function (chain, file) {
      var ui = row(file);
      return chain.then(function () {
        return upload(file, ui).catch(function (err) {
          failed = true;
          ui.msg.textContent = "failed: " + err.message;
          ui.msg.classList.add("error");
        });
      });
    }, Promise.resolve()).then(function () {
      input.value = "";
      if (!failed) { window.location.reload(); }
    });
  }

  input.addEventListener("change", function () { send(Array.prototype.slice.call(input.files)); });

  // The whole uploader box is a drop target for files dragged from the
  // desktop; the file input stays for keyboard and screen-reader users.
  box.classList.add("dropzone");
  box.addEventListener("dragover", function (e) {
    if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
      e.preventDefault();
      box.classList.add("dragging");
    }
  });
  box.addEventListener("dragleave", function () { box.classList.remove("dragging"); });
  box.addEventListener("drop", function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
    e.preventDefault();
    box.classList.remove("dragging");
    send(Array.prototype.slice.call(e.dataTransfer.files));
  });
})();
